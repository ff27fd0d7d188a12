package api

import (
	"net/http"
	"strings"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/deploy"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// Derived credentials and escalation: who sees and revokes which tokens,
// what an app's webhook secret derives from, who approves spending, and
// the refusals of each (docs/security.md, "Derived credentials and
// escalation").

// listTokens: the caller's own tokens, those it made, and every token
// acting in the institutions and projects where it reads members
// (institution admins: whoever made them); platform admins and auditors
// see all.
func (a *API) listTokens(r *http.Request) (any, error) {
	// One page holds every token; a malformed cursor or an unknown
	// filter is still refused rather than ignored.
	if _, err := ListQuery(r, nil); err != nil {
		return nil, err
	}
	p := principalOf(r.Context())
	f := store.TokenFilter{UserID: p.UserID, CreatedBy: p.ActorID(), TokenID: p.TokenID}
	v := p.Visible("members:read")
	f.All, f.Institutions, f.Projects = v.All, v.Institutions, v.Projects
	toks, err := a.store.Read().ListTokens(r.Context(), f)
	if err != nil {
		return nil, err
	}
	return tokenPage{Items: toks}, nil
}

// mayManageToken: one's own token, one's own creation, or a token acting
// in a scope one administers, whoever made it. Someone's personal token
// that is not narrowed to such a scope acts wherever its person does:
// platform admins only.
func (a *API) mayManageToken(r *http.Request, p *auth.Principal, tok model.APIToken) bool {
	if tok.ID == p.TokenID || (p.UserID != "" && tok.UserID == p.UserID) || tok.CreatedBy == p.ActorID() {
		return true
	}
	t, err := a.auth.TargetOfScope(r.Context(), auth.Scope{Kind: auth.ScopeKind(tok.ScopeKind), ID: tok.ScopeID})
	if err != nil {
		return false
	}
	if t.Institution == "" && tok.InstitutionID != "" {
		t.Institution = tok.InstitutionID // a project deleted since
	}
	if tok.Kind == auth.TokenPersonal && tok.ScopeKind == string(auth.Platform) {
		t = auth.Target{}
	}
	_, ok := p.Can("members:write", t)
	return ok
}

// auditTokenScope names, on the request's audit event, the institution
// and project a token acts in, so that the institution's admins and
// auditors find its creation and revocation.
func (a *API) auditTokenScope(r *http.Request, sc auth.Scope) {
	if sc.Kind == "" || sc.Kind == auth.Platform || sc.ID == "" {
		return
	}
	t, err := a.auth.TargetOfScope(r.Context(), sc)
	if err != nil {
		return
	}
	store.PendingAuditOf(r.Context()).Update(func(e *model.AuditEvent) {
		if t.Institution != "" {
			e.InstitutionID = t.Institution
		}
		if t.Project != "" {
			e.ProjectID = t.Project
		}
	})
}

// grantOf is the vendor grant through which the caller may do action in
// project ("" when a role binding allows it): what it makes there (an
// app's webhook secret) derives from that grant.
func (a *API) grantOf(r *http.Request, action, projectID string) string {
	t, err := a.targetOf(r.Context(), auth.Project, projectID)
	if err != nil {
		return ""
	}
	return principalOf(r.Context()).GrantForAction(action, t)
}

// rotateSecret answers POST /v1/apps/{id}:rotate-secret: the old webhook
// secret stops at once (an institution admin revoking a vendor's), the
// new one derives from the caller.
func (a *API) rotateSecret(svc *deploy.Service) Handle {
	return func(r *http.Request) (any, error) {
		id, _, _ := strings.Cut(r.PathValue("id"), ":")
		app, err := a.store.Read().Apps().Get(r.Context(), id)
		if err != nil {
			return nil, err
		}
		store.AuditTarget(r.Context(), "apps", app.ID)
		app, secret, err := svc.RotateSecret(r.Context(), principalActor(r), a.grantOf(r, "apps:write", app.ProjectID), app.ID)
		if err != nil {
			return nil, err
		}
		return appView(app, secret), nil
	}
}

// approver is the caller approving a workload: a finance officer of an
// institution when it holds that role there, undiminished.
func approver(r *http.Request) workload.Actor {
	who := actor(r)
	p := principalOf(r.Context())
	who.FinanceOfficerOf = func(institutionID string) bool {
		return p.ActsAs(auth.RoleFinanceOfficer, auth.Target{Institution: institutionID})
	}
	return who
}
