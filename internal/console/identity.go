package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/model"

	"github.com/soberana/soberana/problem"
)

// Vendor grants and the audit viewer, over the identity API.

type grantRow struct {
	model.Grant
	Project, User string
	Status        string // active, expired, revoked
}

type grantsData struct {
	Rows     []grantRow
	Projects []projectOption
	Roles    []string
	Form     grantForm
	Errors   map[string]string
	CanWrite bool
}

type grantForm struct {
	ProjectID, Email, Role, Expires, CIDRs, Reason string
}

// grantRoles are the roles a vendor may be granted.
var grantRoles = []string{roleDeveloper, roleViewer}

func (c *Console) grantsData(ctx context.Context, v *view) (grantsData, error) {
	d := grantsData{Roles: grantRoles, Errors: map[string]string{},
		CanWrite: v.HasRole(rolePlatformAdmin, roleInstitutionAdmin)}
	gs, err := listAll[model.Grant](ctx, c, v, "/v1/grants", nil)
	if err != nil {
		return d, err
	}
	n, err := c.loadNames(ctx, v)
	if err != nil {
		return d, err
	}
	emails := map[string]string{}
	if users, err := listAll[struct {
		model.Meta
		Email string `json:"email"`
	}](ctx, c, v, "/v1/users", nil); err == nil {
		for _, u := range users {
			emails[u.ID] = u.Email
		}
	}
	now := c.now()
	for i := len(gs) - 1; i >= 0; i-- {
		g := gs[i]
		row := grantRow{Grant: g, Project: n.projects[g.ProjectID].Name, User: emails[g.UserID]}
		if row.User == "" {
			row.User = g.UserID
		}
		row.Status = string(g.StateAt(now))
		d.Rows = append(d.Rows, row)
	}
	for _, p := range n.projects {
		in := n.institutions[p.InstitutionID]
		d.Projects = append(d.Projects, projectOption{ID: p.ID, Label: p.Name + " — " + in.Name, Currency: in.Currency})
	}
	sort.Slice(d.Projects, func(i, j int) bool { return d.Projects[i].Label < d.Projects[j].Label })
	d.Form = grantForm{Role: roleDeveloper, Expires: now.AddDate(0, 0, 30).Format("2006-01-02")}
	return d, nil
}

func (c *Console) grants(w http.ResponseWriter, r *http.Request, v *view) error {
	d, err := c.grantsData(r.Context(), v)
	if err != nil {
		return err
	}
	v.noticeOf(r, map[string]string{"created": "console.grants.created", "revoked": "console.grants.revoked"})
	v.Data = d
	return nil
}

func (c *Console) createGrant(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	f := grantForm{ProjectID: r.FormValue("project_id"), Email: strings.TrimSpace(r.FormValue("email")),
		Role: r.FormValue("role"), Expires: r.FormValue("expires"), CIDRs: strings.TrimSpace(r.FormValue("source_cidrs")),
		Reason: strings.TrimSpace(r.FormValue("reason"))}
	errs := map[string]string{}
	if f.Email == "" {
		errs["email"] = v.T("console.grants.error.email")
	}
	day, err := time.Parse("2006-01-02", f.Expires)
	if err != nil {
		errs["expires"] = v.T("console.grants.error.expires")
	}
	body := map[string]any{"project_id": f.ProjectID, "email": f.Email, "role": f.Role, "reason": f.Reason}
	if err == nil {
		// The grant ends at the end of the chosen day, UTC.
		body["expires_at"] = day.Add(24*time.Hour - time.Second).UTC().Format(time.RFC3339)
	}
	if f.CIDRs != "" {
		body["source_cidrs"] = strings.FieldsFunc(f.CIDRs, func(r rune) bool { return r == ',' || r == ' ' })
	}
	if len(errs) == 0 {
		_, err = c.do(ctx, v, http.MethodPost, "/v1/grants", body, nil)
		if err == nil {
			v.Redirect = "/grants?done=created"
			return nil
		}
		var ae *problem.Problem
		if !errors.As(err, &ae) || ae.Status >= 500 || ae.Status == http.StatusUnauthorized {
			return err
		}
		v.Error = ae.Message()
		for _, p := range ae.InvalidParams {
			name := p.Name
			if name == "expires_at" {
				name = "expires"
			}
			errs[name] = p.Reason
		}
	} else {
		v.Error = v.T("console.request.error.fields", len(errs))
	}
	d, derr := c.grantsData(ctx, v)
	if derr != nil {
		return derr
	}
	d.Form, d.Errors = f, errs
	v.Status = http.StatusUnprocessableEntity
	v.Template = "grants"
	v.Data = d
	return nil
}

func (c *Console) revokeGrant(w http.ResponseWriter, r *http.Request, v *view) error {
	if _, err := c.do(r.Context(), v, http.MethodDelete, "/v1/grants/"+url.PathEscape(r.PathValue("id")), nil, nil); err != nil {
		return err
	}
	v.Redirect = "/grants?done=revoked"
	return nil
}

// ---- audit

// auditEvent is the audit log's own event type, so the console verifies
// with exactly its canonical encoding (model.AuditEvent.Canonical).
type auditEvent = model.AuditEvent

type auditData struct {
	Events   []auditEvent
	Total    int
	Verified bool
	Partial  bool // the caller sees only part of the chain
	BrokenAt int64
	Problem  string
	Head     string
	Outcome  string
	Outcomes []string
	// Targets names the targets people know by name (projects, sites, …).
	Targets map[string]string
}

func (c *Console) audit(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	outcome := r.URL.Query().Get("outcome")
	all, err := listAll[auditEvent](ctx, c, v, "/v1/audit", nil)
	if err != nil {
		return err
	}
	d := auditData{Total: len(all), Outcome: outcome,
		Outcomes: []string{"success", "denied", "unauthenticated", "refused", "failed"}}
	d.Verified, d.Partial, d.BrokenAt, d.Problem = verifyChain(all)
	if len(all) > 0 {
		d.Head = all[len(all)-1].Hash
	}
	for i := len(all) - 1; i >= 0 && len(d.Events) < 100; i-- {
		if outcome == "" || all[i].Outcome == outcome {
			d.Events = append(d.Events, all[i])
		}
	}
	if n, err := c.loadNames(ctx, v); err == nil {
		d.Targets = n.byID()
	}
	v.Data = d
	return nil
}
