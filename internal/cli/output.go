package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"gopkg.in/yaml.v3"
	"k8s.io/client-go/util/jsonpath"

	"github.com/soberana/soberana/internal/i18n"
	mny "github.com/soberana/soberana/internal/money"
)

// outputKind splits -o into its kind and, for jsonpath=…, its template.
func (g *globals) outputKind() (string, string, error) {
	o := strings.TrimSpace(g.output)
	if k, tmpl, ok := strings.Cut(o, "="); ok && (k == "jsonpath" || k == "json-path") {
		return "jsonpath", tmpl, nil
	}
	switch o {
	case "", "table":
		return "table", "", nil
	case "wide", "json", "yaml":
		return o, "", nil
	}
	return "", "", usageErr(errors.New(i18n.T(g.language(), "cli.err.output", g.output)))
}

// writeData writes whole as JSON, YAML (integers as integers) or through
// a JSONPath template; ok is false for table kinds.
func (g *globals) writeData(kind, tmpl string, whole any) (bool, error) {
	switch kind {
	case "json":
		enc := json.NewEncoder(g.stdout)
		enc.SetIndent("", "  ")
		return true, enc.Encode(whole)
	case "yaml":
		enc := yaml.NewEncoder(g.stdout)
		enc.SetIndent(2)
		if err := enc.Encode(yamlValue(whole)); err != nil {
			return true, err
		}
		return true, enc.Close()
	case "jsonpath":
		return true, writeJSONPath(g.stdout, g.language(), tmpl, whole)
	}
	return false, nil
}

// writeJSONPath renders the kubectl-style template ({.items[*].name}).
func writeJSONPath(w io.Writer, lang i18n.Lang, tmpl string, whole any) error {
	t := tmpl
	if !strings.Contains(t, "{") {
		t = "{" + t + "}"
	}
	jp := jsonpath.New("out").AllowMissingKeys(true)
	if err := jp.Parse(t); err != nil {
		return usageErr(errors.New(i18n.T(lang, "cli.err.jsonpath", tmpl, err.Error())))
	}
	// jsonpath walks plain JSON values: round-trip through encoding/json
	// so that structs and json.Number print as the API wrote them.
	b, err := json.Marshal(whole)
	if err != nil {
		return err
	}
	var v any
	if err := decodeNumbers(b, &v); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := jp.Execute(&buf, v); err != nil {
		return withCode(ExitError, errors.New(i18n.T(lang, "cli.err.jsonpath", tmpl, err.Error())))
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("\n")) {
		buf.WriteByte('\n')
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// yamlValue makes JSON numbers YAML integers when they are integers (a
// memory_mib of 8388608 is not 8.388608e+06) and leaves the rest alone.
func yamlValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = yamlValue(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = yamlValue(e)
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = yamlValue(e)
		}
		return out
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		if f, err := x.Float64(); err == nil {
			return f
		}
		return string(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	}
	return v
}

// table prints rows with translated headers and cells for people: names
// for references, money in the row's currency and the reader's locale,
// times in the reader's zone (TZ).
type table struct {
	g    *globals
	ctx  context.Context
	refs *refs
	loc  *time.Location
}

func (g *globals) newTable(ctx context.Context, r *refs) *table {
	return &table{g: g, ctx: ctx, refs: r, loc: g.location()}
}

// location is the reader's time zone: TZ, else the system's.
func (g *globals) location() *time.Location {
	if tz := g.getenv("TZ"); tz != "" {
		if l, err := time.LoadLocation(strings.TrimPrefix(tz, ":")); err == nil {
			return l
		}
	}
	return time.Local
}

// zoneName is the IANA name of the reader's time zone, for a server that
// writes times into texts: TZ when it names a zone, else the system's
// (/etc/localtime's link into the zoneinfo tree), else "" (the server
// writes UTC).
func (g *globals) zoneName() string {
	if tz := strings.TrimPrefix(g.getenv("TZ"), ":"); tz != "" {
		if _, err := time.LoadLocation(tz); err == nil && tz != "Local" {
			return tz
		}
		return ""
	}
	if dst, err := os.Readlink("/etc/localtime"); err == nil {
		if i := strings.LastIndex(dst, "zoneinfo/"); i >= 0 {
			return dst[i+len("zoneinfo/"):]
		}
	}
	return ""
}

func (t *table) header(col string) string {
	key := col[strings.LastIndex(col, ".")+1:]
	lang := t.g.language()
	if k := "cli.col." + key; hasKey(k) {
		return i18n.T(lang, k)
	}
	return strings.ToUpper(strings.ReplaceAll(key, "_", " "))
}

func (t *table) write(columns []string, rows []map[string]any) error {
	tw := tabwriter.NewWriter(t.g.stdout, 0, 2, 2, ' ', 0)
	head := make([]string, len(columns))
	for i, c := range columns {
		head[i] = t.header(c)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, r := range rows {
		cells := make([]string, len(columns))
		for i, c := range columns {
			cells[i] = t.cell(r, c)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// cell formats one field of row for people.
func (t *table) cell(row map[string]any, col string) string {
	v := lookup(row, col)
	lang := t.g.language()
	if s, ok := v.(string); ok && s != "" {
		if _, isRef := refNouns[col]; isRef && t.refs != nil {
			return t.refs.name(t.ctx, t.g, col, s)
		}
		// A role binding's scope is an institution or a project by name.
		if kind, _ := row["scope_kind"].(string); col == "scope_id" && t.refs != nil && kind != "" {
			return t.refs.name(t.ctx, t.g, kind+"_id", s)
		}
	}
	if strings.HasSuffix(col, "_minor") {
		if cur, _ := row["currency"].(string); cur != "" {
			if m, ok := minorOf(v); ok {
				if s, ok := formatMoney(m, cur, lang); ok {
					return s
				}
			}
		}
	}
	return t.value(v, col)
}

func (t *table) value(v any, col string) string {
	lang := t.g.language()
	switch x := v.(type) {
	case nil:
		return "-"
	case bool:
		if col == "simulated" && x {
			return "SIMULATED"
		}
		if x {
			return i18n.T(lang, "cli.yes")
		}
		return i18n.T(lang, "cli.no")
	case json.Number:
		return string(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return fmt.Sprint(int64(x))
		}
		return fmt.Sprint(x)
	case string:
		if x == "" {
			return "-"
		}
		if ts, err := time.Parse(time.RFC3339Nano, x); err == nil && strings.Contains(x, "T") {
			return ts.In(t.loc).Format("2006-01-02 15:04 MST")
		}
		return x
	case map[string]any:
		if m, ok := minorOf(x["minor"]); ok {
			if cur, _ := x["currency"].(string); cur != "" {
				if s, ok := formatMoney(m, cur, lang); ok {
					return s
				}
			}
		}
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				for _, k := range []string{"name", "provider_name", "site_name", "family", "id"} {
					if s, ok := m[k].(string); ok && s != "" {
						parts = append(parts, s)
						break
					}
				}
				continue
			}
			parts = append(parts, t.value(e, col))
		}
		if len(parts) == 0 {
			return "-"
		}
		return strings.Join(parts, ",")
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func minorOf(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	}
	return 0, false
}

// formatMoney writes minor units of cur for a reader of lang (R$ 1.234,56).
func formatMoney(minor int64, cur string, lang i18n.Lang) (string, bool) {
	c, err := mny.ParseCurrency(cur)
	if err != nil {
		return "", false
	}
	return mny.Format(mny.Amount{Minor: minor, Currency: c}, lang), true
}
