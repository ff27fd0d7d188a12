package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// MaxImportBodyBytes bounds a bulk import's body (10,000 rows of JSON are
// about 2 MiB).
const MaxImportBodyBytes = 16 << 20

// EdgeImportRowError is one entry of an import's per-row error report.
type EdgeImportRowError struct {
	// Row counts from 1 in the request's subclouds (0: the whole import).
	Row    int    `json:"row"`
	Field  string `json:"field"`
	Reason string `json:"reason"`
}

// RevokeResult answers a credential revocation.
type RevokeResult struct {
	Subcloud model.Subcloud `json:"subcloud"`
}

// EdgeOptions wires the edge routes to the running heartbeat tracker.
type EdgeOptions struct {
	// CredentialsChanged is called after a revocation or a reissue
	// commits, so that this process's tracker reads the credentials at
	// once (nil: the tracker's next interval).
	CredentialsChanged func(ctx context.Context)
}

// AddEdge registers the edge routes: groups, subclouds, the bulk import,
// credential revocation and reissue (docs/edge.md).
func (a *API) AddEdge(o EdgeOptions) {
	changed := func(ctx context.Context) {
		if o.CredentialsChanged != nil {
			o.CredentialsChanged(ctx)
		}
	}
	// credential changes the heartbeat credential of the path provider's
	// subcloud id with change, in one transaction audited as verb, and
	// tells the heartbeat tracker.
	credential := func(r *http.Request, id, verb string, change func(*store.Tx, *model.Subcloud) error) (model.Subcloud, error) {
		var sc model.Subcloud
		err := a.store.InTx(r.Context(), func(tx *store.Tx) error {
			var err error
			if sc, err = a.subcloudOf(r.Context(), tx, r.PathValue("id"), id); err != nil {
				return err
			}
			if err := change(tx, &sc); err != nil {
				return err
			}
			store.AuditTarget(r.Context(), "subcloud", sc.ID)
			auditVerb(r.Context(), verb)
			return nil
		})
		if err != nil {
			return sc, err
		}
		changed(r.Context())
		return sc, nil
	}
	a.AddRoutes(func(a *API) []*Route {
		groupFilters := []string{"kind", "name"}
		scFilters := []string{"group_id", "name"}
		return []*Route{
			{Method: "GET", Path: "/v1/providers/{id}/edge-groups", Summary: "List an edge provider's subcloud groups (regions, operators, rollout rings), a page at a time",
				Tag: "fleet", Auth: Object("providers:read", "id"), Response: listPage[model.EdgeGroup]{},
				Query:  append([]string{"limit", "cursor"}, groupFilters...),
				Handle: listOfProvider(a, groupFilters, (*store.Tx).EdgeGroups, nil)},
			{Method: "POST", Path: "/v1/providers/{id}/edge-groups", Summary: "Create a subcloud group (kind region, operator or ring) on an edge provider",
				Tag: "fleet", Auth: Object("providers:write", "id"), Request: model.EdgeGroup{}, Response: model.EdgeGroup{}, Status: http.StatusCreated,
				Handle: func(r *http.Request) (any, error) {
					body, err := readBody(r)
					if err != nil {
						return nil, err
					}
					if err := rejectReadOnly(body, "provider_id"); err != nil {
						return nil, err
					}
					var g model.EdgeGroup
					if err := DecodeBytes(body, &g); err != nil {
						return nil, err
					}
					g.ProviderID = r.PathValue("id")
					err = a.store.InTx(r.Context(), func(tx *store.Tx) error {
						p, err := tx.Providers().Get(r.Context(), g.ProviderID)
						if err != nil {
							return err
						}
						if p.Kind != model.ProviderKindEdge {
							var v model.Validator
							v.Add("provider_id", "field.not_edge", p.Name)
							return v.Err()
						}
						if err := g.Validate(); err != nil {
							return err
						}
						if err := tx.EdgeGroups().Create(r.Context(), &g, "egrp"); err != nil {
							return err
						}
						store.AuditTarget(r.Context(), "edge_group", g.ID)
						return nil
					})
					if err != nil {
						return nil, err
					}
					return Created{Value: &g, Location: "/v1/providers/" + g.ProviderID + "/edge-groups/" + g.ID}, nil
				}},
			{Method: "GET", Path: "/v1/providers/{id}/edge-groups/{group}", Summary: "Get one subcloud group of an edge provider",
				Tag: "fleet", Auth: Object("providers:read", "id"), Response: model.EdgeGroup{},
				Handle: func(r *http.Request) (any, error) {
					g, err := getChild(r, a.store.Read().EdgeGroups().Get, "group", func(g model.EdgeGroup) string { return g.ProviderID })
					if err != nil {
						return nil, err
					}
					return &g, nil
				}},
			{Method: "GET", Path: "/v1/providers/{id}/subclouds", Summary: "List an edge provider's subclouds with their sites, a page at a time (filter by group_id or name)",
				Tag: "fleet", Auth: Object("providers:read", "id"), Response: listPage[model.Subcloud]{},
				Query:  append([]string{"limit", "cursor"}, scFilters...),
				Handle: listOfProvider(a, scFilters, (*store.Tx).Subclouds, (*store.Tx).FillSubcloudSites)},
			{Method: "POST", Path: "/v1/providers/{id}/subclouds:import", Summary: "Register many subclouds at once",
				Description: "Bulk registration of an edge provider's subclouds, one site each. Every row is validated first " +
					"(name unique on the provider and in the file, ISO 3166-2 subdivision, coordinates, tier, capacity, " +
					"endpoint, group declared in groups or existing); then all are created in one transaction, or none. " +
					"A bad import answers 422 with a per-row report (rows: row, field, reason in the caller's language). " +
					"The answer carries each subcloud's Ed25519 private key, shown once and never stored: the site's agent " +
					"signs its heartbeats with it. Up to 20,000 rows and 16 MiB.",
				Tag: "fleet", Auth: Object("providers:write", "id"), Request: edge.ImportRequest{}, Response: edge.ImportResult{},
				Status: http.StatusCreated, MaxBody: MaxImportBodyBytes,
				Handle: withBody(func(r *http.Request, req edge.ImportRequest) (any, error) {
					var res edge.ImportResult
					err := a.store.InTx(r.Context(), func(tx *store.Tx) error {
						var err error
						res, err = edge.Import(r.Context(), tx, r.PathValue("id"), req)
						return err
					})
					if err != nil {
						return nil, importProblem(r.Context(), err)
					}
					return Created{Value: &res, Location: "/v1/providers/" + res.ProviderID + "/subclouds"}, nil
				})},
			{Method: "GET", Path: "/v1/providers/{id}/subclouds/{subcloud}", Summary: "Get one subcloud of an edge provider with its sites and credential state",
				Tag: "fleet", Auth: Object("providers:read", "id"), Response: model.Subcloud{},
				Handle: func(r *http.Request) (any, error) {
					sc, err := a.subcloudOf(r.Context(), a.store.Read(), r.PathValue("id"), r.PathValue("subcloud"))
					if err != nil {
						return nil, err
					}
					return &sc, nil
				}},
			{Method: "POST", Path: "/v1/providers/{id}/subclouds/{subcloud}", Summary: "Revoke or reissue a subcloud's heartbeat credential ({subcloud}:revoke, {subcloud}:reissue-credential)",
				Tag: "fleet", Auth: Object("providers:write", "id"), Response: RevokeResult{},
				Actions: []Action{{Verb: "revoke", Summary: "Revoke a subcloud's heartbeat credential: its heartbeats are rejected, logged and counted from then on, and its sites go down after the missed beats", Response: RevokeResult{}, Status: http.StatusOK},
					{Verb: "reissue-credential", Summary: "Give a subcloud a new heartbeat credential, revoked or not: the old key is refused from then on and the new private key is returned once, never stored; the subcloud keeps its id, sites and replicas", Response: edge.ReissueResult{}, Status: http.StatusOK}},
				dispatch: func(r *http.Request) (Handle, error) {
					id, verb, _ := strings.Cut(r.PathValue("subcloud"), ":")
					if verb == "reissue-credential" {
						return func(r *http.Request) (any, error) {
							var res edge.ReissueResult
							_, err := credential(r, id, "reissue-credential", func(tx *store.Tx, sc *model.Subcloud) error {
								var err error
								res, err = edge.Reissue(r.Context(), tx, sc)
								return err
							})
							if err != nil {
								return nil, err
							}
							return res, nil
						}, nil
					}
					if verb != "revoke" {
						return nil, Errorf(http.StatusNotFound, "not-found", "problem.route-not-found.detail", r.Method, r.URL.Path)
					}
					return func(r *http.Request) (any, error) {
						sc, err := credential(r, id, "revoke", func(tx *store.Tx, sc *model.Subcloud) error {
							if sc.RevokedAt != nil {
								return nil
							}
							now := tx.Now()
							sc.RevokedAt = &now
							return tx.Subclouds().Update(r.Context(), sc)
						})
						if err != nil {
							return nil, err
						}
						return RevokeResult{Subcloud: sc}, nil
					}, nil
				}},
		}
	})
}

// auditVerb names the custom verb in the request's event action (the
// route's pattern is shared by :revoke and :reissue-credential), so the
// trail tells a revocation from a reissue.
func auditVerb(ctx context.Context, verb string) {
	store.PendingAuditOf(ctx).Update(func(e *model.AuditEvent) {
		if !strings.HasSuffix(e.Action, ":"+verb) {
			e.Action += ":" + verb
		}
	})
}

func (a *API) subcloudOf(ctx context.Context, tx *store.Tx, providerID, id string) (model.Subcloud, error) {
	sc, err := tx.Subclouds().Get(ctx, id)
	if err != nil {
		return sc, err
	}
	if sc.ProviderID != providerID {
		return sc, store.ErrNotFound
	}
	one := []model.Subcloud{sc}
	if err := tx.FillSubcloudSites(ctx, one); err != nil {
		return sc, err
	}
	return one[0], nil
}

// importProblem turns an import's row errors into a 422 problem whose
// invalid_params name subclouds[i].field and whose rows extension is the
// per-row report, both in the caller's language.
func importProblem(ctx context.Context, err error) error {
	var ie *edge.ImportError
	if !errors.As(err, &ie) {
		return err
	}
	lang := langOf(ctx)
	rows := make([]EdgeImportRowError, len(ie.Rows))
	params := make([]model.FieldError, len(ie.Rows))
	for i, re := range ie.Rows {
		rows[i] = EdgeImportRowError{Row: re.Row, Field: re.Field, Reason: re.Reason(lang)}
		name := re.Field
		if re.Row > 0 {
			name = "subclouds[" + itoa(re.Row-1) + "]." + re.Field
		}
		params[i] = model.FieldError{Field: name, Key: re.Key, Args: re.Args}
	}
	return &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "problem.edge-import.detail",
		Args: []any{len(ie.Rows)}, Params: params, Ext: map[string]any{"rows": rows}, Err: err}
}

// listOfProvider lists, a page at a time, the rows of repo that belong to
// the provider of the path's {id} (404 when there is no such provider);
// fill, when set, completes the page's items.
func listOfProvider[T any](a *API, filters []string, repo func(*store.Tx) store.Repo[T],
	fill func(*store.Tx, context.Context, []T) error) Handle {
	return func(r *http.Request) (any, error) {
		o, err := ListQuery(r, filters)
		if err != nil {
			return nil, err
		}
		tx := a.store.Read()
		if _, err := tx.Providers().Get(r.Context(), r.PathValue("id")); err != nil {
			return nil, err
		}
		o.Filters["provider_id"] = r.PathValue("id")
		p, err := repo(tx).List(r.Context(), o)
		if err != nil {
			return nil, err
		}
		if fill != nil {
			if err := fill(tx, r.Context(), p.Items); err != nil {
				return nil, err
			}
		}
		return listPage[T]{Items: p.Items, NextCursor: EncodeCursor(p.Next)}, nil
	}
}
