package console

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/model"
)

// The apps pages: each app with its current release, and an app's deploy
// history — every release with its state, its rollout site by site (state,
// URL, reason) and why it failed. Sites, providers and projects are named;
// ids are on hover.

func init() {
	pageTemplates = append(pageTemplates, "apps", "app")
	// In the navigation right after the workloads they run on.
	at := len(pageTable)
	for i, p := range pageTable {
		if p.ID == "workload" {
			at = i + 1
		}
	}
	pageTable = append(pageTable[:at:at], append([]*pageDef{
		{ID: "apps", Path: "/apps", Group: "console.nav.group.institution", Label: "console.nav.apps", Roles: everyone, Needs: "GET /v1/apps"},
		{ID: "app", Path: "/apps/{id}", Label: "console.nav.apps", Roles: everyone, Needs: "GET /v1/apps", Hidden: true},
	}, pageTable[at:]...)...)
}

type appRow struct {
	api.AppView
	Project, Institution, Workload string
	Current                        *releaseRow
}

type releaseRow struct {
	api.ReleaseView
	Steps []stepRow
	// URLs are where the release is served (available steps).
	URLs []string
}

type stepRow struct {
	model.Step
	Site     model.Site
	Provider string
}

func (n *names) appRow(a api.AppView, workloads map[string]api.WorkloadView) appRow {
	r := appRow{AppView: a, Project: n.projects[a.ProjectID].Name, Institution: n.institutions[a.InstitutionID].Name}
	if w, ok := workloads[a.WorkloadID]; ok {
		r.Workload = n.offerings[w.OfferingID].Name
	}
	return r
}

func (n *names) releaseRow(rel api.ReleaseView) releaseRow {
	r := releaseRow{ReleaseView: rel}
	// The deploy service's reasons name sites by id; people read names.
	r.Reason = n.nameIDs(r.Reason)
	for _, s := range rel.Steps {
		// A wave rollout over thousands of sites lists only the sites
		// that need a look (failed, rolled back, in flight); the
		// progress counts the rest.
		if rel.Strategy != nil && (s.State == model.StepAvailable || s.State == model.StepPending) && !s.RolledBack {
			if s.URL != "" && s.State == model.StepAvailable && len(r.URLs) < 10 {
				r.URLs = append(r.URLs, s.URL)
			}
			continue
		}
		s.Reason = n.nameIDs(s.Reason)
		r.Steps = append(r.Steps, stepRow{Step: s, Site: n.sites[s.SiteID], Provider: n.providers[s.ProviderID].Name})
		if s.URL != "" && s.State == model.StepAvailable {
			r.URLs = append(r.URLs, s.URL)
		}
	}
	return r
}

func (c *Console) apps(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	as, err := listAll[api.AppView](ctx, c, v, "/v1/apps", nil)
	if err != nil {
		return err
	}
	n, err := c.loadNames(ctx, v)
	if err != nil {
		return err
	}
	ws, err := listAll[api.WorkloadView](ctx, c, v, "/v1/workloads", nil)
	if err != nil {
		return err
	}
	byID := map[string]api.WorkloadView{}
	for _, x := range ws {
		byID[x.ID] = x
	}
	var rows []appRow
	for _, a := range as {
		row := n.appRow(a, byID)
		var rels struct {
			Items []api.ReleaseView `json:"items"`
		}
		if err := c.get(ctx, v, "/v1/apps/"+url.PathEscape(a.ID)+"/releases", &rels); err == nil && len(rels.Items) > 0 {
			cur := n.releaseRow(rels.Items[0]) // newest first
			row.Current = &cur
		}
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Project != rows[j].Project {
			return rows[i].Project < rows[j].Project
		}
		return rows[i].Name < rows[j].Name
	})
	v.Data = rows
	return nil
}

type appData struct {
	appRow
	WorkloadID string
	Releases   []releaseRow
}

func (c *Console) app(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	a, n, err := detail[api.AppView](c, r, v, "/v1/apps/")
	if err != nil {
		return err
	}
	byID := map[string]api.WorkloadView{}
	if a.WorkloadID != "" {
		var wl api.WorkloadView
		if err := c.get(ctx, v, "/v1/workloads/"+url.PathEscape(a.WorkloadID), &wl); err == nil {
			byID[wl.ID] = wl
		}
	}
	var rels struct {
		Items []api.ReleaseView `json:"items"`
	}
	if err := c.get(ctx, v, "/v1/apps/"+url.PathEscape(a.ID)+"/releases", &rels); err != nil {
		return err
	}
	d := appData{appRow: n.appRow(a, byID), WorkloadID: a.WorkloadID}
	for _, rel := range rels.Items {
		d.Releases = append(d.Releases, n.releaseRow(rel))
	}
	if len(d.Releases) > 0 {
		d.Current = &d.Releases[0]
	}
	v.Title = v.T("console.app.title", a.Name, d.Project)
	v.Data = d
	return nil
}

// byID names every object people know by name, by its id.
func (n *names) byID() map[string]string {
	out := map[string]string{}
	for id, x := range n.projects {
		out[id] = x.Name
	}
	for id, x := range n.institutions {
		out[id] = x.Name
	}
	for id, x := range n.offerings {
		out[id] = x.Name
	}
	for id, x := range n.sites {
		out[id] = x.Name
	}
	for id, x := range n.providers {
		out[id] = x.Name
	}
	for id, x := range n.budgetLines {
		out[id] = x.Code + " · " + x.Name
	}
	return out
}

// nameIDs replaces the ids of named objects in a text with their names.
func (n *names) nameIDs(text string) string {
	if text == "" {
		return text
	}
	var pairs []string
	for id, name := range n.byID() {
		if name != "" && strings.Contains(text, id) {
			pairs = append(pairs, id, name)
		}
	}
	if len(pairs) == 0 {
		return text
	}
	return strings.NewReplacer(pairs...).Replace(text)
}
