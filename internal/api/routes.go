package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/soberana/soberana/internal/auth"

	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Route is one entry of the route table: what it serves, who may call it
// and the shapes that /openapi.json documents.
type Route struct {
	Method  string
	Path    string
	Summary string
	Tag     string
	// Auth is the authorization rule (see Perm); a route without one
	// panics at start and fails TestEveryRouteDeclaresAKnownRule.
	Auth Perm
	// Request and Response are zero values of the body types (nil: none).
	Request  any
	Response any
	// Status is the success status (200 when zero).
	Status int
	// Query documents query parameters: limit and cursor, filters named
	// like a property of the listed items (typed from it), or a name in
	// queryDocs (openapi_types.go).
	Query []string
	// Description is the operation's long description (Summary when empty).
	Description string
	// Errors are the 4xx statuses the route can answer beyond those the
	// document derives (400, 429; 401/403 unless public; 404 with a path
	// parameter; 413/415/422 with a body; 409 on unsafe methods; 412 on PATCH).
	// The contract test fails naming a status a test saw undeclared.
	Errors []int
	// Actions are the custom methods served on this pattern
	// ({id}:approve…), each documented as an operation of its own.
	Actions []Action
	// ReadOnly marks a POST that changes nothing (a query whose input is
	// a body, such as the placement preview): like a GET it is not
	// audited, so that it never waits for the store's write path (on
	// SQLite, for a writer such as the edge health tick) and a console
	// that previews on every keystroke does not fill the audit log.
	ReadOnly bool
	// OptionalBody documents the request body as optional.
	OptionalBody bool
	// MaxBody raises the request body limit (MaxBodyBytes when zero).
	MaxBody int64
	// RequestMedia is the media type of a non-JSON body (Request nil).
	RequestMedia string
	// AltMedia are other media types of the success response (text/csv…).
	AltMedia []string
	Handle   Handle
	// dispatch picks the handler for routes that share a pattern
	// (custom methods such as /v1/workloads/{id}:approve).
	dispatch func(r *http.Request) (Handle, error)
	// authFor, when set, picks the rule for a request of a shared pattern
	// (ok false: Auth): custom methods with different permissions.
	authFor func(r *http.Request) (Perm, bool)
}

func (a *API) coreRoutes() []*Route {
	var rs []*Route
	rs = append(rs, &Route{Method: "GET", Path: "/v1/version", Summary: "Server version", Tag: "meta", Auth: Any("version:read"),
		Response: map[string]string{}, Handle: func(*http.Request) (any, error) {
			return map[string]string{"version": a.version}, nil
		}})
	rs = append(rs, crud(a, noun[model.Provider]{
		path: "providers", name: "provider", tag: "fleet", prefix: "prv",
		repo: (*store.Tx).Providers, filters: []string{"driver", "jurisdiction", "name"},
		cols: ScopeColumns{Provider: "id"},
	})...)
	rs = append(rs, crud(a, noun[model.Site]{
		path: "sites", name: "site", tag: "fleet", prefix: "site",
		repo: (*store.Tx).Sites, filters: []string{"provider_id", "country", "subdivision", "tier", "health"},
		immutable: []string{"provider_id"}, cols: ScopeColumns{Provider: "provider_id"},
		createIn: "provider_id", createKind: auth.Provider,
		prepare: func(ctx context.Context, tx *store.Tx, s *model.Site) error {
			p, err := getRef(ctx, tx.Providers().Get, "provider_id", "provider", s.ProviderID)
			if err != nil {
				return err
			}
			s.Simulated = p.Simulated
			return nil
		},
	})...)
	rs = append(rs, crud(a, noun[model.Offering]{
		path: "offerings", name: "offering", tag: "catalog", prefix: "off",
		repo: (*store.Tx).Offerings, filters: []string{"kind", "name"},
	})...)
	rs = append(rs, crud(a, noun[model.Price]{
		path: "prices", name: "price", tag: "catalog", prefix: "prc",
		repo: (*store.Tx).Prices, filters: []string{"provider_id", "offering_id", "currency"},
		immutable: []string{"provider_id", "offering_id"}, cols: ScopeColumns{Provider: "provider_id"},
		createIn: "provider_id", createKind: auth.Provider,
		prepare: func(ctx context.Context, tx *store.Tx, p *model.Price) error {
			prov, err := getRef(ctx, tx.Providers().Get, "provider_id", "provider", p.ProviderID)
			if err != nil {
				return err
			}
			if _, err := getRef(ctx, tx.Offerings().Get, "offering_id", "offering", p.OfferingID); err != nil {
				return err
			}
			if p.Currency == "" {
				p.Currency = prov.Currency
			}
			return nil
		},
	})...)
	rs = append(rs, crud(a, noun[model.FXRate]{
		path: "fx-rates", name: "exchange rate", tag: "catalog", prefix: "fx",
		repo: (*store.Tx).FXRates, filters: []string{"from_currency", "to_currency", "valid_on"},
	})...)
	rs = append(rs, crud(a, noun[model.Institution]{
		path: "institutions", name: "institution", tag: "tenancy", prefix: "ins",
		repo: (*store.Tx).Institutions, filters: []string{"country", "name"},
		immutable: []string{"currency"}, cols: ScopeColumns{Institution: "id"},
	})...)
	rs = append(rs, crud(a, noun[model.BudgetLine]{
		path: "budget-lines", name: "budget line", tag: "tenancy", prefix: "bl",
		repo: (*store.Tx).BudgetLines, filters: []string{"institution_id", "fiscal_year", "code"},
		immutable: []string{"institution_id", "currency"}, cols: ScopeColumns{Institution: "institution_id"},
		createIn: "institution_id", createKind: auth.Institution,
		prepare: func(ctx context.Context, tx *store.Tx, b *model.BudgetLine) error {
			ins, err := getRef(ctx, tx.Institutions().Get, "institution_id", "institution", b.InstitutionID)
			if err != nil {
				return err
			}
			if b.ID == "" {
				b.ReductionReason = "" // only a change can cut a line
			}
			if b.Currency == "" {
				b.Currency = ins.Currency
			}
			if b.Currency != ins.Currency {
				var v model.Validator
				v.Add("currency", "field.budget_currency", ins.Currency)
				return v.Err()
			}
			return nil
		},
		decorate: func(ctx context.Context, tx *store.Tx, lines []model.BudgetLine) error {
			bs, err := ledger.Balances(ctx, tx, lines)
			if err != nil {
				return err
			}
			for i := range lines {
				lines[i].Committed, lines[i].Accrued, lines[i].Available = &bs[i].Committed, &bs[i].Accrued, &bs[i].Available
				lines[i].ReductionReason = ""
			}
			return nil
		},
		update: budgetFloor,
	})...)
	rs = append(rs, crud(a, noun[model.Project]{
		path: "projects", name: "project", tag: "tenancy", prefix: "prj",
		repo: (*store.Tx).Projects, filters: []string{"institution_id", "budget_line_id", "name"},
		immutable: []string{"institution_id"}, cols: ScopeColumns{Institution: "institution_id", Project: "id"},
		createIn: "institution_id", createKind: auth.Institution,
		prepare: func(ctx context.Context, tx *store.Tx, p *model.Project) error {
			if _, err := getRef(ctx, tx.Institutions().Get, "institution_id", "institution", p.InstitutionID); err != nil {
				return err
			}
			// A line of another institution is answered as an unknown
			// one: the answer must not tell that the id exists.
			bl, err := tx.BudgetLines().Get(ctx, p.BudgetLineID)
			if errors.Is(err, store.ErrNotFound) || (err == nil && bl.InstitutionID != p.InstitutionID) {
				return refErr("budget_line_id", "budget line", p.BudgetLineID)
			}
			return err
		},
	})...)
	return rs
}

// CheckRule reports a route whose authorization rule is missing or names
// an action that no role, the catalog or self-service can hold.
func CheckRule(rt *Route) error {
	switch rt.Auth.On {
	case onUnset:
		return fmt.Errorf("route %s %s declares no authorization rule (Auth)", rt.Method, rt.Path)
	case OnPublic:
		return nil
	case OnPath:
		if rt.Auth.Param == "" || !strings.Contains(rt.Path, "{"+rt.Auth.Param) {
			return fmt.Errorf("route %s %s: rule %s names no path parameter of the route", rt.Method, rt.Path, rt.Auth)
		}
	case OnBody:
		if rt.Auth.Field == "" || !rt.Auth.Kind.Valid() {
			return fmt.Errorf("route %s %s: rule %s names no body field or scope kind", rt.Method, rt.Path, rt.Auth)
		}
	}
	if !auth.KnownAction(rt.Auth.Action) {
		return fmt.Errorf("route %s %s: action %q is held by no role (see auth.Roles)", rt.Method, rt.Path, rt.Auth.Action)
	}
	return nil
}

func refErr(field, noun, id string) error {
	var v model.Validator
	v.Add(field, "field.reference", noun, id)
	return v.Err()
}

// getRef reads the row that a body field names with get; an id that names
// no row is the field's validation error (refErr), not a 404 of the route.
func getRef[T any](ctx context.Context, get func(context.Context, string) (T, error), field, noun, id string) (T, error) {
	v, err := get(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return v, refErr(field, noun, id)
	}
	return v, err
}

// noun describes one CRUD resource.
type noun[T any] struct {
	path, name, tag, prefix string
	repo                    func(*store.Tx) store.Repo[T]
	filters                 []string
	immutable               []string
	// cols place rows in the scope tree (lists show the caller's only).
	cols ScopeColumns
	// createIn is the body field naming the scope a new object goes in
	// (empty: creation is platform-wide) and createKind its kind.
	createIn   string
	createKind auth.ScopeKind
	// prepare checks references and derives fields inside the transaction.
	prepare func(ctx context.Context, tx *store.Tx, v *T) error
	// decorate fills read-only derived fields of objects being returned.
	decorate func(ctx context.Context, tx *store.Tx, vs []T) error
	// update guards a change from old to v inside its transaction, after
	// validation and before the write.
	update func(r *http.Request, tx *store.Tx, old, v *T) error
}

func (n noun[T]) output(ctx context.Context, tx *store.Tx, vs []T) error {
	if n.decorate == nil || len(vs) == 0 {
		return nil
	}
	return n.decorate(ctx, tx, vs)
}

type defaulter interface{ Defaults() }

func (n noun[T]) check(ctx context.Context, tx *store.Tx, v *T) error {
	if d, ok := any(v).(defaulter); ok {
		d.Defaults()
	}
	// References first: they derive fields (a price's currency from its
	// provider) that validation then checks.
	if n.prepare != nil {
		if err := n.prepare(ctx, tx, v); err != nil {
			return err
		}
	}
	return any(v).(model.Validatable).Validate()
}

// ListQuery parses limit, cursor and the allowed equality filters.
func ListQuery(r *http.Request, allowed []string) (store.ListOptions, error) {
	q := r.URL.Query()
	o := store.ListOptions{Filters: map[string]string{}}
	for k, vs := range q {
		switch k {
		case "limit":
			n, err := strconv.Atoi(vs[0])
			if err != nil || n < 1 || n > 1000 {
				return o, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.limit")
			}
			o.Limit = n
		case "cursor":
			c, err := DecodeCursor(vs[0])
			if err != nil {
				return o, err
			}
			o.After = c
		default:
			ok := false
			for _, f := range allowed {
				if f == k {
					ok = true
				}
			}
			if !ok {
				sorted := append([]string{"limit", "cursor"}, allowed...)
				sort.Strings(sorted)
				return o, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.filter", k, strings.Join(sorted, ", "))
			}
			o.Filters[k] = vs[0]
		}
	}
	return o, nil
}

// listPage is the JSON shape of every list.
type listPage[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// pageOf is the page of items as view shows each, with the cursor that
// reads on after next (the last row's id; empty: no more pages).
func pageOf[T, V any](items []T, next string, view func(T) V) listPage[V] {
	out := listPage[V]{Items: make([]V, len(items)), NextCursor: EncodeCursor(next)}
	for i, it := range items {
		out.Items[i] = view(it)
	}
	return out
}

// listScoped reads the page of repo's rows that the request asks for
// (ListQuery: its filters among allowed, limit and cursor), restricted to
// the scopes where the caller holds perm.
func listScoped[T any](r *http.Request, tx *store.Tx, repo func(*store.Tx) store.Repo[T], allowed []string, perm string, cols ScopeColumns) (store.Page[T], error) {
	o, err := ListQuery(r, allowed)
	if err != nil {
		return store.Page[T]{}, err
	}
	o.Restrict = Restrict(r, perm, cols)
	return repo(tx).List(r.Context(), o)
}

// trimPage cuts items, read with one more than want to learn whether a
// page follows, to want, and gives the next page's cursor: the key of the
// last item kept, or "" when no item follows.
func trimPage[T any](items []T, want int, key func(T) string) ([]T, string) {
	if len(items) <= want {
		return items, ""
	}
	return items[:want], EncodeCursor(key(items[want-1]))
}

// getChild reads the row that the path parameter param names with get; a
// row whose parent (parentOf) is not the path's {id} is not found.
func getChild[T any](r *http.Request, get func(context.Context, string) (T, error), param string, parentOf func(T) string) (T, error) {
	v, err := get(r.Context(), r.PathValue(param))
	if err == nil && parentOf(v) != r.PathValue("id") {
		var zero T
		return zero, store.ErrNotFound
	}
	return v, err
}

func crud[T any](a *API, n noun[T]) []*Route {
	base := "/v1/" + n.path
	var zero T
	read, write := n.path+":read", n.path+":write"
	create := Platform(write)
	if n.createIn != "" {
		create = InScope(write, n.createIn, n.createKind)
	}
	return []*Route{
		{Method: "GET", Path: base, Summary: "List " + n.name + "s", Tag: n.tag, Auth: Any(read),
			Response: listPage[T]{}, Query: append([]string{"limit", "cursor"}, n.filters...),
			Handle: func(r *http.Request) (any, error) {
				p, err := listScoped(r, a.store.Read(), n.repo, n.filters, read, n.cols)
				if err != nil {
					return nil, err
				}
				if err := n.output(r.Context(), a.store.Read(), p.Items); err != nil {
					return nil, err
				}
				return listPage[T]{Items: p.Items, NextCursor: EncodeCursor(p.Next)}, nil
			}},
		{Method: "POST", Path: base, Summary: "Create a " + n.name, Tag: n.tag, Auth: create,
			Request: zero, Response: zero, Status: http.StatusCreated,
			Handle: func(r *http.Request) (any, error) {
				body, err := readBody(r)
				if err != nil {
					return nil, err
				}
				if err := rejectReadOnly(body); err != nil {
					return nil, err
				}
				var v T
				if err := DecodeBytes(body, &v); err != nil {
					return nil, err
				}
				idem, err := idempotencyOf(r, n.path, body)
				if err != nil {
					return nil, err
				}
				replay := false
				err = a.store.InTx(r.Context(), func(tx *store.Tx) error {
					if id, err := idem.replayed(r.Context(), tx); err != nil || id != "" {
						if err == nil {
							v, err = n.repo(tx).Get(r.Context(), id)
							replay = true
						}
						return err
					}
					if err := n.check(r.Context(), tx, &v); err != nil {
						return err
					}
					if err := n.repo(tx).Create(r.Context(), &v, n.prefix); err != nil {
						return err
					}
					store.AuditTarget(r.Context(), "", metaOf(&v).ID)
					return idem.remember(r.Context(), tx, metaOf(&v).ID)
				})
				if err != nil {
					return nil, err
				}
				if replay { // the first answer again (201, the same object)
					one := []T{v}
					if err := n.output(r.Context(), a.store.Read(), one); err != nil {
						return nil, err
					}
					return Created{Value: &one[0], Location: base + "/" + metaOf(&v).ID}, nil
				}
				return Created{Value: &v, Location: base + "/" + metaOf(&v).ID}, nil
			}},
		{Method: "GET", Path: base + "/{id}", Summary: "Get a " + n.name, Tag: n.tag, Auth: Object(read, "id"),
			Response: zero, Handle: func(r *http.Request) (any, error) {
				v, err := n.repo(a.store.Read()).Get(r.Context(), r.PathValue("id"))
				if err != nil {
					return nil, err
				}
				one := []T{v}
				if err := n.output(r.Context(), a.store.Read(), one); err != nil {
					return nil, err
				}
				return &one[0], nil
			}},
		{Method: "PATCH", Path: base + "/{id}", Summary: "Update a " + n.name + " (JSON merge; If-Match with the ETag guards against lost updates)",
			Tag: n.tag, Auth: Object(write, "id"), Request: zero, Response: zero,
			Handle: func(r *http.Request) (any, error) {
				want, hasMatch, err := ifMatch(r)
				if err != nil {
					return nil, err
				}
				body, err := readBody(r)
				if err != nil {
					return nil, err
				}
				if err := rejectReadOnly(body, n.immutable...); err != nil {
					return nil, err
				}
				var out T
				err = a.store.InTx(r.Context(), func(tx *store.Tx) error {
					v, err := n.repo(tx).Get(r.Context(), r.PathValue("id"))
					if err != nil {
						return err
					}
					if hasMatch && metaOf(&v).Version != want {
						return store.ErrConflict
					}
					old := v
					if err := DecodeBytes(body, &v); err != nil {
						return err
					}
					if err := n.check(r.Context(), tx, &v); err != nil {
						return err
					}
					if n.update != nil {
						if err := n.update(r, tx, &old, &v); err != nil {
							return err
						}
					}
					if err := n.repo(tx).Update(r.Context(), &v); err != nil {
						return err
					}
					out = v
					return nil
				})
				if err != nil {
					return nil, err
				}
				return &out, nil
			}},
		{Method: "DELETE", Path: base + "/{id}", Summary: "Delete a " + n.name, Tag: n.tag, Auth: Object(write, "id"),
			Handle: func(r *http.Request) (any, error) {
				return nil, a.store.InTx(r.Context(), func(tx *store.Tx) error {
					return n.repo(tx).Delete(r.Context(), r.PathValue("id"))
				})
			}},
	}
}

func metaOf(v any) *model.Meta {
	return v.(interface{ GetMeta() *model.Meta }).GetMeta()
}

// withBody adapts a handler of a JSON body of type T to a Handle: Decode
// reads and checks the body (media type, size, unknown fields) before h
// runs, so that a handler is left with calling its service.
func withBody[T any](h func(r *http.Request, req T) (any, error)) Handle {
	return func(r *http.Request) (any, error) {
		var req T
		if err := Decode(r, &req); err != nil {
			return nil, err
		}
		return h(r, req)
	}
}

func readBody(r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") &&
		!strings.HasPrefix(ct, "application/merge-patch+json") {
		return nil, Errorf(http.StatusUnsupportedMediaType, "unsupported-media-type", "problem.unsupported-media-type.detail")
	}
	return readAll(r)
}

// readAll reads a request body of any media type; a body over the route's
// limit answers 413.
func readAll(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, Errorf(http.StatusRequestEntityTooLarge, "payload-too-large", "problem.payload-too-large.detail", mbe.Limit)
		}
		return nil, err
	}
	return b, nil
}
