package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"

	sdk "github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/i18n"
)

// noun is one thing `get` and `describe` know: its API collection, how
// objects are named and which columns the tables show.
type noun struct {
	name    string   // plural, as in the API path (budget-lines)
	aliases []string // singular and short forms
	// path is the collection; "{app}" is replaced by the --app id.
	path string
	// zoned: the collection writes times into texts and takes the
	// reader's zone (?tz=).
	zoned   bool
	columns []string // table columns: JSON keys, dotted for nested
	wide    []string // extra columns of -o wide
	// nameKey is the field people call objects by ("" when objects have
	// no name: they are then known by id only).
	nameKey string
	// noGet: the API has no GET {id}; describe finds the object in the list.
	noGet bool
	// single: the collection answers one object (statements).
	single bool
	// scope are the query parameters --institution, --project, --app and
	// --month fill for this noun.
	scope []string
	// deletable: DELETE {id} exists.
	deletable bool
}

// nouns are every collection the API lists, in help order.
var nouns = []noun{
	{name: "institutions", aliases: []string{"institution", "ins"}, path: "/v1/institutions", nameKey: "name", deletable: true,
		columns: []string{"name", "country", "currency", "auto_approve_minor"}, wide: []string{"id", "created_at"}},
	{name: "budget-lines", aliases: []string{"budget-line", "budgetline", "bl"}, path: "/v1/budget-lines", nameKey: "name", deletable: true,
		scope:   []string{"institution_id"},
		columns: []string{"name", "code", "institution_id", "fiscal_year", "amount_minor", "available"}, wide: []string{"committed", "accrued", "id"}},
	{name: "projects", aliases: []string{"project", "prj"}, path: "/v1/projects", nameKey: "name", deletable: true,
		scope:   []string{"institution_id"},
		columns: []string{"name", "institution_id", "budget_line_id"}, wide: []string{"id", "created_at"}},
	{name: "workloads", aliases: []string{"workload", "wl"}, path: "/v1/workloads",
		scope:   []string{"institution_id", "project_id"},
		columns: []string{"id", "project_id", "offering_id", "replicas", "state", "forecast_monthly_minor"}, wide: []string{"institution_id", "classification", "tier", "reason", "created_at"}},
	{name: "apps", aliases: []string{"app"}, path: "/v1/apps", nameKey: "name",
		scope:   []string{"institution_id", "project_id"},
		columns: []string{"name", "project_id", "image", "replicas", "port"}, wide: []string{"id", "workload_id", "current_release_id"}},
	{name: "releases", aliases: []string{"release", "rel"}, path: "/v1/apps/{app}/releases",
		columns: []string{"seq", "image", "state", "progress.waves_done", "progress.waves_total", "progress.sites_ok", "progress.sites_failed", "progress.sites_pending", "reason", "created_at"},
		wide:    []string{"id", "commit", "source", "strategy.group_name", "strategy.max_parallel", "progress.sites_rolled_back"}},
	{name: "grants", aliases: []string{"grant"}, path: "/v1/grants", deletable: true,
		scope:   []string{"project_id"},
		columns: []string{"user_id", "role", "project_id", "reason", "expires_at"}, wide: []string{"id", "institution_id", "revoked_at", "source_cidrs"}},
	{name: "tokens", aliases: []string{"token", "tok"}, path: "/v1/tokens", nameKey: "name", noGet: true, deletable: true,
		columns: []string{"name", "kind", "role", "scope_kind", "expires_at", "revoked"}, wide: []string{"id", "user_id", "last_used_at"}},
	{name: "users", aliases: []string{"user", "usr"}, path: "/v1/users", nameKey: "name", noGet: true,
		columns: []string{"name", "email", "disabled"}, wide: []string{"id", "last_login_at"}},
	{name: "role-bindings", aliases: []string{"role-binding", "rolebinding", "rb"}, path: "/v1/role-bindings", noGet: true, deletable: true,
		columns: []string{"user_id", "role", "scope_kind", "scope_id", "source"}, wide: []string{"id", "created_at"}},
	{name: "alerts", aliases: []string{"alert"}, path: "/v1/alerts", noGet: true, zoned: true,
		scope:   []string{"institution_id"},
		columns: []string{"rule", "severity", "state", "summary", "fired_at"}, wide: []string{"id", "institution_id", "target_kind", "target_id"}},
	{name: "alert-webhooks", aliases: []string{"alert-webhook", "webhooks", "webhook"}, path: "/v1/alert-webhooks", nameKey: "name", deletable: true,
		columns: []string{"name", "url"}, wide: []string{"id", "created_at"}},
	{name: "statements", aliases: []string{"statement", "stmt"}, path: "/v1/statements", single: true,
		scope:   []string{"institution_id", "month"},
		columns: []string{"kind", "name", "amount"}},
	{name: "ssh-keys", aliases: []string{"ssh-key", "sshkey", "keys"}, path: "/v1/ssh-keys", nameKey: "name", deletable: true,
		scope:   []string{"project_id"},
		columns: []string{"name", "key_type", "fingerprint", "project_id"}, wide: []string{"id", "institution_id", "created_at"}},
	{name: "images", aliases: []string{"image", "img"}, path: "/v1/images", nameKey: "family", noGet: true,
		columns: []string{"family", "providers", "simulated"}},
	{name: "providers", aliases: []string{"provider", "prv"}, path: "/v1/providers", nameKey: "name",
		columns: []string{"name", "driver", "jurisdiction", "certification", "currency", "health", "simulated"}, wide: []string{"id"}},
	{name: "sites", aliases: []string{"site"}, path: "/v1/sites", nameKey: "name",
		columns: []string{"name", "provider_id", "country", "subdivision", "city", "tier", "failure_domain", "health", "simulated"},
		wide:    []string{"id", "capacity.vcpus", "capacity.memory_mib"}},
	{name: "offerings", aliases: []string{"offering", "off"}, path: "/v1/offerings", nameKey: "name",
		columns: []string{"name", "kind", "vcpus", "memory_mib", "disk_gib"}, wide: []string{"id"}},
	{name: "prices", aliases: []string{"price"}, path: "/v1/prices", deletable: true,
		columns: []string{"provider_id", "offering_id", "currency", "per_hour", "valid_from"}, wide: []string{"id"}},
	{name: "fx-rates", aliases: []string{"fx-rate", "fxrate", "fxrates", "rates", "rate"}, path: "/v1/fx-rates", deletable: true,
		columns: []string{"from", "to", "rate", "valid_on", "source"}, wide: []string{"id"}},
}

// refNouns maps a reference field to the noun it names.
var refNouns = map[string]string{
	"institution_id": "institutions", "project_id": "projects", "budget_line_id": "budget-lines",
	"provider_id": "providers", "offering_id": "offerings", "site_id": "sites", "user_id": "users",
	"app_id": "apps", "owner_id": "users",
}

func nounNames() []string {
	out := make([]string, len(nouns))
	for i, n := range nouns {
		out[i] = n.name
	}
	return out
}

// named is the entry of list called name, by its own name or one of its
// aliases (names gives both): the nouns of get and the resources of
// create.
func named[T any](list []T, name string, names func(T) (string, []string)) (T, bool) {
	for _, e := range list {
		if own, aliases := names(e); own == name || slices.Contains(aliases, name) {
			return e, true
		}
	}
	var zero T
	return zero, false
}

func findNoun(lang i18n.Lang, name string) (noun, error) {
	name = strings.ToLower(name)
	if n, ok := named(nouns, name, func(n noun) (string, []string) { return n.name, n.aliases }); ok {
		return n, nil
	}
	return noun{}, usageErr(errors.New(i18n.T(lang, "cli.err.noun", name, strings.Join(nounNames(), ", "))))
}

// singular is the noun as a person says one of it (budget line).
func (n noun) singular(lang i18n.Lang) string {
	return i18n.T(lang, "cli.noun."+n.name)
}

// scopeQuery are the query parameters of a list: --institution etc.
type scopeQuery map[string]string

func (n noun) collection(q scopeQuery) string {
	p := strings.ReplaceAll(n.path, "{app}", url.PathEscape(q["app_id"]))
	kv := map[string]string{}
	for _, k := range n.scope {
		if v := q[k]; v != "" {
			kv[k] = v
		}
	}
	for k, v := range q {
		if strings.HasPrefix(k, "filter.") {
			kv[strings.TrimPrefix(k, "filter.")] = v
		}
	}
	return p + client.Query(kv)
}

// decodeNumbers decodes JSON keeping numbers exact (json.Number): YAML
// then prints integers as integers, and money minor units stay int64.
func decodeNumbers(raw []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(out)
}

// list fetches every object of n within q, following cursors.
func (g *globals) list(ctx context.Context, cl *client.Client, n noun, q scopeQuery) ([]map[string]any, any, error) {
	if strings.Contains(n.path, "{app}") && q["app_id"] == "" {
		return nil, nil, usageErr(errors.New(i18n.T(g.language(), "cli.err.needs_flag", n.name, "--app")))
	}
	path := n.collection(q)
	if tz := g.zoneName(); n.zoned && tz != "" {
		// Times inside the rows' texts (alert summaries) in the reader's zone.
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "tz=" + url.QueryEscape(tz)
	}
	var items []map[string]any
	cursor := ""
	for {
		p := path
		if cursor != "" {
			sep := "?"
			if strings.Contains(p, "?") {
				sep = "&"
			}
			p += sep + "cursor=" + url.QueryEscape(cursor)
		}
		var raw json.RawMessage
		if _, err := cl.Do(ctx, "GET", p, nil, &raw); err != nil {
			return nil, nil, err
		}
		var page map[string]any
		if err := decodeNumbers(raw, &page); err != nil {
			return nil, nil, err
		}
		if n.single {
			return statementRows(g.language(), page), page, nil
		}
		its, _ := page["items"].([]any)
		items = append(items, asMaps(its)...)
		next, _ := page["next_cursor"].(string)
		if next == "" || next == cursor {
			break
		}
		cursor = next
	}
	if items == nil {
		items = []map[string]any{}
	}
	return items, map[string]any{"items": items}, nil
}

// statementRows flattens a statement into one row per budget line,
// project and provider.
func statementRows(lang i18n.Lang, st map[string]any) []map[string]any {
	var rows []map[string]any
	for _, k := range []string{"by_budget_line", "by_project", "by_provider", "by_institution"} {
		list, _ := st[k].([]any)
		for _, r := range asMaps(list) {
			rows = append(rows, map[string]any{"kind": i18n.T(lang, "cli.stmt."+k), "name": r["name"], "amount": r["amount"], "id": r["id"]})
		}
	}
	if t, ok := st["total"]; ok && t != nil {
		rows = append(rows, map[string]any{"kind": i18n.T(lang, "cli.stmt.total"), "name": "", "amount": t})
	}
	return rows
}

// resolve turns a name or an id of n into the object, within q. An id
// always wins; a name must be unique within the scope, else the error
// lists the candidates with their ids.
func (g *globals) resolve(ctx context.Context, cl *client.Client, n noun, arg string, q scopeQuery) (map[string]any, error) {
	lang := g.language()
	if n.single {
		return nil, usageErr(errors.New(i18n.T(lang, "cli.err.no_describe", n.name, n.name)))
	}
	if !n.noGet && looksLikeID(arg) {
		var raw json.RawMessage
		_, err := cl.Do(ctx, "GET", strings.ReplaceAll(n.path, "{app}", url.PathEscape(q["app_id"]))+"/"+url.PathEscape(arg), nil, &raw)
		if err == nil {
			var obj map[string]any
			if err := decodeNumbers(raw, &obj); err != nil {
				return nil, err
			}
			return obj, nil
		}
		if !sdk.IsNotFound(err) || n.nameKey == "" {
			return nil, err
		}
	}
	items, _, err := g.list(ctx, cl, n, q)
	if err != nil {
		return nil, err
	}
	var byName []map[string]any
	for _, it := range items {
		if s, _ := it["id"].(string); s == arg {
			return g.full(ctx, cl, n, it, q)
		}
		if n.nameKey != "" {
			if s, _ := it[n.nameKey].(string); s == arg {
				byName = append(byName, it)
			}
		}
	}
	switch len(byName) {
	case 0:
		return nil, notFoundErr(errors.New(i18n.T(lang, "cli.err.no_name", n.singular(lang), arg)))
	case 1:
		return g.full(ctx, cl, n, byName[0], q)
	}
	refs := newRefs(cl)
	var b strings.Builder
	for _, it := range byName {
		fmt.Fprintf(&b, "  %s  %s", it[n.nameKey], it["id"])
		for _, k := range []string{"institution_id", "project_id"} {
			if id, _ := it[k].(string); id != "" {
				fmt.Fprintf(&b, "  (%s)", refs.name(ctx, g, k, id))
				break
			}
		}
		b.WriteByte('\n')
	}
	return nil, conflictErr(errors.New(i18n.T(lang, "cli.err.ambiguous", arg, len(byName), n.name, strings.TrimRight(b.String(), "\n"))))
}

// full re-reads an object found in a list when the API has a GET {id}
// (lists may answer less than the object).
func (g *globals) full(ctx context.Context, cl *client.Client, n noun, it map[string]any, q scopeQuery) (map[string]any, error) {
	id, _ := it["id"].(string)
	if n.noGet || id == "" {
		return it, nil
	}
	var raw json.RawMessage
	if _, err := cl.Do(ctx, "GET", strings.ReplaceAll(n.path, "{app}", url.PathEscape(q["app_id"]))+"/"+url.PathEscape(id), nil, &raw); err != nil {
		return nil, err
	}
	var obj map[string]any
	return obj, decodeNumbers(raw, &obj)
}

// resolveID is resolve for flags: a name or id of noun (by its plural)
// becomes an id; "" stays "".
func (g *globals) resolveID(ctx context.Context, cl *client.Client, nounName, arg string, q scopeQuery) (string, error) {
	if arg == "" {
		return "", nil
	}
	return g.resolveField(ctx, cl, nounName, arg, q, "id")
}

// resolveField resolves arg, a name or id of noun (by its plural), and
// returns the string field key of the object found ("" when it has none).
func (g *globals) resolveField(ctx context.Context, cl *client.Client, nounName, arg string, q scopeQuery, key string) (string, error) {
	n, err := findNoun(g.language(), nounName)
	if err != nil {
		return "", err
	}
	obj, err := g.resolve(ctx, cl, n, arg, q)
	if err != nil {
		return "", err
	}
	v, _ := obj[key].(string)
	return v, nil
}

// looksLikeID tells whether s has the shape of an API id (prefix_ulid).
func looksLikeID(s string) bool {
	p, rest, ok := strings.Cut(s, "_")
	if !ok || p == "" || len(rest) < 10 {
		return false
	}
	for _, r := range p + rest {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// refs caches the names of referenced objects (one list per noun).
type refs struct {
	cl    *client.Client
	names map[string]map[string]string // noun → id → name
}

func newRefs(cl *client.Client) *refs { return &refs{cl: cl, names: map[string]map[string]string{}} }

// name returns the name of the object field k (institution_id…) points
// at, or the id itself when it has none or cannot be read.
func (r *refs) name(ctx context.Context, g *globals, k, id string) string {
	nn, ok := refNouns[k]
	if !ok || id == "" {
		return id
	}
	m, ok := r.names[nn]
	if !ok {
		m = map[string]string{}
		r.names[nn] = m
		if n, err := findNoun(g.language(), nn); err == nil && r.cl != nil {
			if items, _, err := g.list(ctx, r.cl, n, nil); err == nil {
				for _, it := range items {
					iid, _ := it["id"].(string)
					nm, _ := it[n.nameKey].(string)
					if iid != "" && nm != "" {
						m[iid] = nm
					}
				}
			}
		}
	}
	if s, ok := m[id]; ok {
		return s
	}
	return id
}

// sortedKeys returns m's keys in order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// argID turns a command's NAME|ID argument or flag of noun (by its
// plural) into an id: an id is used as given (the API answers 404 for
// an unknown one), a name is looked up as resolve does (exit 4 when
// nothing has it, 5 listing the candidates when several do).
func (g *globals) argID(ctx context.Context, cl *client.Client, nounName, arg string, q scopeQuery) (string, error) {
	if arg == "" || looksLikeID(arg) {
		return arg, nil
	}
	if nounName == "workloads" {
		return g.workloadID(ctx, cl, arg, q)
	}
	return g.resolveID(ctx, cl, nounName, arg, q)
}

// workloadID: workloads have no name of their own; a workload is named
// by the app that runs on it (apps are unique by name in a project).
func (g *globals) workloadID(ctx context.Context, cl *client.Client, arg string, q scopeQuery) (string, error) {
	if looksLikeID(arg) || strings.HasPrefix(arg, "wl_") {
		return arg, nil
	}
	id, err := g.resolveField(ctx, cl, "apps", arg, q, "workload_id")
	if err != nil {
		return "", err
	}
	if id == "" {
		lang := g.language()
		return "", notFoundErr(errors.New(i18n.T(lang, "cli.err.app_no_workload", arg)))
	}
	return id, nil
}
