package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/workload"

	"github.com/soberana/soberana/problem"
)

// names resolves ids to what people read.
type names struct {
	projects     map[string]model.Project
	institutions map[string]model.Institution
	offerings    map[string]model.Offering
	sites        map[string]model.Site
	providers    map[string]model.Provider
	budgetLines  map[string]model.BudgetLine
}

// detail reads what a detail page shows, the object at base plus the
// request's {id}, and the names the page puts beside its ids.
func detail[T any](c *Console, r *http.Request, v *view, base string) (T, *names, error) {
	var x T
	if err := c.get(r.Context(), v, base+url.PathEscape(r.PathValue("id")), &x); err != nil {
		return x, nil, err
	}
	n, err := c.loadNames(r.Context(), v)
	return x, n, err
}

func (c *Console) loadNames(ctx context.Context, v *view) (*names, error) {
	var err error
	n := &names{
		projects:     indexByID(ctx, c, v, "/v1/projects", &err, func(x model.Project) string { return x.ID }),
		institutions: indexByID(ctx, c, v, "/v1/institutions", &err, func(x model.Institution) string { return x.ID }),
		offerings:    indexByID(ctx, c, v, "/v1/offerings", &err, func(x model.Offering) string { return x.ID }),
		sites:        indexByID(ctx, c, v, "/v1/sites", &err, func(x model.Site) string { return x.ID }),
		providers:    indexByID(ctx, c, v, "/v1/providers", &err, func(x model.Provider) string { return x.ID }),
		budgetLines:  indexByID(ctx, c, v, "/v1/budget-lines", &err, func(x model.BudgetLine) string { return x.ID }),
	}
	if err != nil {
		return nil, err
	}
	return n, nil
}

// indexByID lists everything under path, by id. After a failed listing
// (*err set) it lists nothing more, so a run of them stops at the first
// error and the caller checks *err once.
func indexByID[T any](ctx context.Context, c *Console, v *view, path string, err *error, id func(T) string) map[string]T {
	if *err != nil {
		return nil
	}
	xs, lerr := listAll[T](ctx, c, v, path, nil)
	if lerr != nil {
		*err = lerr
		return nil
	}
	m := make(map[string]T, len(xs))
	for _, x := range xs {
		m[id(x)] = x
	}
	return m
}

// workloadRow is a workload with names for a table.
type workloadRow struct {
	api.WorkloadView
	Project, Institution, Offering string
	BudgetLine                     model.BudgetLine
}

func (n *names) row(w api.WorkloadView) workloadRow {
	r := workloadRow{WorkloadView: w, Project: n.projects[w.ProjectID].Name,
		Institution: n.institutions[w.InstitutionID].Name, Offering: n.offerings[w.OfferingID].Name,
		BudgetLine: n.budgetLines[w.BudgetLineID]}
	if r.Project == "" {
		r.Project = w.ProjectID
	}
	return r
}

// workloadStates in the order of their life.
var workloadStates = model.Names(model.WorkloadStates)

type workloadsData struct {
	Rows   []workloadRow
	State  string
	States []string
}

func (c *Console) workloads(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	f := url.Values{}
	state := r.URL.Query().Get("state")
	if state != "" {
		f.Set("state", state)
	}
	ws, err := listAll[api.WorkloadView](ctx, c, v, "/v1/workloads", f)
	if err != nil {
		return err
	}
	n, err := c.loadNames(ctx, v)
	if err != nil {
		return err
	}
	d := workloadsData{State: state, States: workloadStates}
	for i := len(ws) - 1; i >= 0; i-- { // newest first
		d.Rows = append(d.Rows, n.row(ws[i]))
	}
	v.Data = d
	return nil
}

type placementRow struct {
	api.PlacementView
	Site     model.Site
	Provider string
}

type workloadData struct {
	workloadRow
	Placements []placementRow
	Events     []model.WorkloadEvent
	CanDelete  bool
	CanDecide  bool
	// CanPower: the caller may start, stop, reboot and resize it (it runs).
	CanPower bool
	Live     bool
	Cost     *workloadCost
	Usage    []usageRow
	// ResizeTo are the offerings it may be resized to (all but its own),
	// by name; the API places the resize and says why one does not fit.
	ResizeTo []model.Offering
}

// workloadCost is month-to-date and forecast cost from the ledger.
type workloadCost struct {
	MonthToDate, Forecast, Committed int64
	Currency                         string
}

func (c *Console) workload(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	wl, n, err := detail[api.WorkloadView](c, r, v, "/v1/workloads/")
	if err != nil {
		return err
	}
	d := workloadData{workloadRow: n.row(wl), Events: wl.Events}
	for _, p := range wl.Placements {
		d.Placements = append(d.Placements, placementRow{PlacementView: p, Site: n.sites[p.SiteID], Provider: n.providers[p.ProviderID].Name})
	}
	sort.Slice(d.Events, func(i, j int) bool { return d.Events[i].At.Before(d.Events[j].At) })
	switch wl.State {
	case model.StateDeleting, model.StateDeleted, model.StateRejected:
	default:
		d.CanDelete = v.HasRole(requesters...)
	}
	d.CanDecide = wl.State == model.StatePendingApproval && v.HasRole(finance...)
	d.CanPower = wl.State == model.StateRunning && v.HasRole(requesters...)
	if d.CanPower {
		for _, o := range n.offerings {
			if o.ID != wl.OfferingID {
				d.ResizeTo = append(d.ResizeTo, o)
			}
		}
		sort.Slice(d.ResizeTo, func(i, j int) bool { return d.ResizeTo[i].Name < d.ResizeTo[j].Name })
	}
	if wl.Cost != nil {
		d.Cost = &workloadCost{MonthToDate: wl.Cost.MonthToDate.Minor, Forecast: wl.Cost.ForecastMonthly.Minor,
			Committed: wl.Cost.Committed.Minor, Currency: wl.Cost.MonthToDate.Currency.Code()}
	} else {
		d.Cost = c.workloadCost(ctx, v, wl)
	}
	switch wl.State {
	case model.StateApproved, model.StateProvisioning, model.StateMigrating, model.StateDeleting:
		d.Live = true // console.js refreshes the page's live parts
	}
	v.noticeOf(r, workloadNotices)
	if e := r.URL.Query().Get("error"); e != "" {
		// A refusal of an action is an error, not a notice.
		v.Error = e
	}
	if wl.State == model.StateRunning {
		d.Usage = c.workloadUsage(ctx, v, wl.ID)
	}
	v.Title = v.T("console.workload.title", d.Offering, d.Project)
	v.Data = d
	return nil
}

func (c *Console) deleteWorkload(w http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	if _, err := c.do(r.Context(), v, http.MethodDelete, "/v1/workloads/"+url.PathEscape(id), nil, nil); err != nil {
		return err
	}
	v.Redirect = "/workloads/" + url.PathEscape(id) + "?done=deleting"
	return nil
}

// decide approves or rejects a workload (finance officers).
func (c *Console) decide(w http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	verb := r.FormValue("decision")
	if verb != "approve" && verb != "reject" {
		return &problem.Problem{Status: http.StatusBadRequest, Title: v.T("console.error.decision")}
	}
	body := map[string]string{"reason": strings.TrimSpace(r.FormValue("reason"))}
	if _, err := c.do(r.Context(), v, http.MethodPost, "/v1/workloads/"+url.PathEscape(id)+":"+verb, body, nil); err != nil {
		var ae *problem.Problem
		if errors.As(err, &ae) && ae.Status < 500 && ae.Status != http.StatusUnauthorized {
			v.Redirect = "/approvals?error=" + url.QueryEscape(ae.Message())
			return nil
		}
		return err
	}
	back := safeNext(r.FormValue("next"))
	v.Redirect = back + sep(back) + "done=" + verb
	return nil
}

func sep(p string) string {
	if strings.Contains(p, "?") {
		return "&"
	}
	return "?"
}

// ---- approvals

type approvalRow struct {
	workloadRow
	Bal *balance
	// After is what stays available on the line if approved.
	After int64
}

func (c *Console) approvals(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	ws, err := listAll[api.WorkloadView](ctx, c, v, "/v1/workloads", url.Values{"state": {string(model.StatePendingApproval)}})
	if err != nil {
		return err
	}
	n, err := c.loadNames(ctx, v)
	if err != nil {
		return err
	}
	bals := c.balances(ctx, v)
	var rows []approvalRow
	for _, wl := range ws {
		row := approvalRow{workloadRow: n.row(wl)}
		if b, ok := bals[wl.BudgetLineID]; ok {
			row.Bal = b
			row.After = b.Available - wl.ForecastMonthlyMinor
		}
		rows = append(rows, row)
	}
	if msg := r.URL.Query().Get("error"); msg != "" {
		v.Error = msg
	}
	v.noticeOf(r, approvalNotices)
	v.Data = rows
	return nil
}

// ---- request capacity

type requestForm struct {
	ProjectID, OfferingID, Classification, Tier string
	Replicas                                    int
	Countries                                   map[string]bool
	Subdivisions                                string
	MinProviders, MinFailureDomains             int
	MinDistanceKm                               string
	CostCeiling                                 string
	// Sovereignty is the mode asked for ("": the institution's policy);
	// Jurisdictions, for regional, as typed.
	Sovereignty, Jurisdictions string
	// Image is the image family, SSHKeys the chosen key ids, UserData
	// the cloud-init user-data as typed.
	Image    string
	SSHKeys  map[string]bool
	UserData string
	// AllowSimulated: the request consents to simulated sites beside
	// real ones.
	AllowSimulated bool
}

type requestData struct {
	Form      requestForm
	Projects  []projectOption
	Offerings []model.Offering
	Countries []string
	Classes   []string
	// Modes are the sovereignty modes, strictest first; Policies the data
	// policy of each institution a project may be asked for.
	Modes      []string
	Policies   []policyView
	Preview    *preview
	HasPreview bool
	// NoFit is why a submitted request could not be placed.
	NoFit       *preview
	FieldErrors map[string]string
	// Images are the image families of the fleet; Keys the SSH keys the
	// viewer may use.
	Images []string
	Keys   []model.SSHKey
}

// policyView is an institution's data policy as the request form shows
// it: what a request inherits and the strictest it may not go below, per
// classification.
type policyView struct {
	InstitutionID, Institution string
	Mode                       string
	Jurisdictions, Countries   string
	Floors                     []classFloor
}

type classFloor struct{ Class, Mode string }

type projectOption struct {
	ID, Label, Currency string
}

// preview is the placement preview: sites and forecast, or the numbered
// reasons why nothing fits.
type preview struct {
	// Invalid: the form is not complete yet, so nothing was decided.
	Invalid   bool
	Fits      bool
	Sites     []previewSite
	Forecast  int64
	Currency  string
	Reasons   []string
	Message   string
	Simulated bool
}

type previewSite struct {
	Site     model.Site
	Provider string
	Monthly  int64
	X, Y     string
}

func (c *Console) requestData(ctx context.Context, v *view, n *names) requestData {
	d := requestData{Classes: model.Classifications, HasPreview: c.hasPreview(),
		Modes: []string{model.SovereigntyNational, model.SovereigntyRegional, model.SovereigntyAny}}
	seen := map[string]bool{}
	for _, p := range n.projects {
		in := n.institutions[p.InstitutionID]
		d.Projects = append(d.Projects, projectOption{ID: p.ID, Label: p.Name + " — " + in.Name, Currency: in.Currency})
		if in.ID != "" && !seen[in.ID] {
			seen[in.ID] = true
			d.Policies = append(d.Policies, policyOf(in))
		}
	}
	sort.Slice(d.Projects, func(i, j int) bool { return d.Projects[i].Label < d.Projects[j].Label })
	sort.Slice(d.Policies, func(i, j int) bool { return d.Policies[i].Institution < d.Policies[j].Institution })
	for _, o := range n.offerings {
		d.Offerings = append(d.Offerings, o)
	}
	sort.Slice(d.Offerings, func(i, j int) bool { return d.Offerings[i].Name < d.Offerings[j].Name })
	cs := map[string]bool{}
	for _, s := range n.sites {
		cs[s.Country] = true
	}
	for cc := range cs {
		d.Countries = append(d.Countries, cc)
	}
	sort.Strings(d.Countries)
	var images struct {
		Items []struct {
			Family string `json:"family"`
		} `json:"items"`
	}
	if err := c.get(ctx, v, "/v1/images", &images); err == nil {
		for _, im := range images.Items {
			d.Images = append(d.Images, im.Family)
		}
	}
	var keys struct {
		Items []model.SSHKey `json:"items"`
	}
	if err := c.get(ctx, v, "/v1/ssh-keys", &keys); err == nil {
		d.Keys = keys.Items
	}
	return d
}

func policyOf(in model.Institution) policyView {
	p := in.DataPolicy
	pv := policyView{InstitutionID: in.ID, Institution: in.Name, Mode: p.Mode(),
		Jurisdictions: strings.Join(p.Jurisdictions, ", "), Countries: strings.Join(p.AllowedCountries(in.Country), ", ")}
	for _, c := range model.Classifications {
		pv.Floors = append(pv.Floors, classFloor{Class: c, Mode: p.Floor(c).Mode})
	}
	return pv
}

// previewPath is the placement preview of the workload API.
const previewPath = "/v1/placements:preview"

func (c *Console) requestForm(w http.ResponseWriter, r *http.Request, v *view) error {
	n, err := c.loadNames(r.Context(), v)
	if err != nil {
		return err
	}
	d := c.requestData(r.Context(), v, n)
	d.Form = requestForm{Replicas: 1, Classification: model.ClassInternal, Countries: map[string]bool{}, MinProviders: 1, MinFailureDomains: 1}
	if len(d.Projects) > 0 {
		d.Form.ProjectID = d.Projects[0].ID
	}
	v.Data = d
	return nil
}

// parseRequest reads the form into a request body; field errors are
// keyed by input name.
func parseRequest(r *http.Request, v *view, n *names) (requestForm, workload.CreateRequest, map[string]string) {
	errs := map[string]string{}
	f := requestForm{
		ProjectID: r.FormValue("project_id"), OfferingID: r.FormValue("offering_id"),
		Classification: r.FormValue("classification"), Tier: r.FormValue("tier"),
		Subdivisions: strings.TrimSpace(r.FormValue("subdivisions")), MinDistanceKm: strings.TrimSpace(r.FormValue("min_distance_km")),
		CostCeiling: strings.TrimSpace(r.FormValue("cost_ceiling")), Countries: map[string]bool{},
		Sovereignty: r.FormValue("sovereignty"), Jurisdictions: strings.TrimSpace(r.FormValue("jurisdictions")),
		Image: r.FormValue("image"), UserData: r.FormValue("user_data"), SSHKeys: map[string]bool{},
		AllowSimulated: r.FormValue("allow_simulated") == "true",
	}
	atoi := func(name string, def int) int {
		s := strings.TrimSpace(r.FormValue(name))
		if s == "" {
			return def
		}
		x, err := strconv.Atoi(s)
		if err != nil || x < 0 || x > 1000 {
			errs[name] = v.T("console.request.error.number")
			return def
		}
		return x
	}
	f.Replicas = atoi("replicas", 1)
	f.MinProviders = atoi("min_providers", 0)
	f.MinFailureDomains = atoi("min_failure_domains", 0)
	_ = r.ParseForm()
	for _, cc := range r.Form["country"] {
		f.Countries[cc] = true
	}
	req := workload.CreateRequest{ProjectID: f.ProjectID, WorkloadPolicy: model.WorkloadPolicy{OfferingID: f.OfferingID, Replicas: f.Replicas,
		Classification: f.Classification, Tier: f.Tier,
		Redundancy: model.Redundancy{MinProviders: f.MinProviders, MinFailureDomains: f.MinFailureDomains}},
		Image: f.Image, UserData: f.UserData, AllowSimulated: f.AllowSimulated}
	for _, k := range r.Form["ssh_keys"] {
		f.SSHKeys[k] = true
		req.SSHKeys = append(req.SSHKeys, k)
	}
	for cc := range f.Countries {
		req.Residency.Countries = append(req.Residency.Countries, cc)
	}
	sort.Strings(req.Residency.Countries)
	if len(req.Residency.Countries) == 0 {
		errs["country"] = v.T("console.request.error.country")
	}
	// No mode: the institution's data policy decides (the API fills it in).
	req.Sovereignty.Mode = f.Sovereignty
	if f.Sovereignty == model.SovereigntyRegional {
		for _, j := range strings.FieldsFunc(f.Jurisdictions, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			req.Sovereignty.Jurisdictions = append(req.Sovereignty.Jurisdictions, strings.ToUpper(j))
		}
	}
	for _, s := range strings.FieldsFunc(f.Subdivisions, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		req.Residency.Subdivisions = append(req.Residency.Subdivisions, strings.ToUpper(s))
	}
	if f.MinDistanceKm != "" {
		km, err := strconv.ParseFloat(strings.ReplaceAll(f.MinDistanceKm, ",", "."), 64)
		if err != nil || km < 0 {
			errs["min_distance_km"] = v.T("console.request.error.number")
		}
		req.Redundancy.MinDistanceKm = km
	}
	if f.CostCeiling != "" {
		cur := n.institutions[n.projects[f.ProjectID].InstitutionID].Currency
		a, err := parseLocalAmount(f.CostCeiling, cur, v)
		if err != nil {
			errs["cost_ceiling"] = v.T("console.request.error.amount", cur)
		}
		req.CostCeilingMinor = a
	}
	return f, req, errs
}

// parseLocalAmount reads an amount typed the local way ("1.234,56" in es
// and pt-BR, "1,234.56" in en) in a currency.
func parseLocalAmount(s, cur string, v *view) (int64, error) {
	group, dec := separators(v.Lang)
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	s = strings.ReplaceAll(s, group, "")
	s = strings.Replace(s, dec, ".", 1)
	a, err := money.ParseAmount(s, cur)
	if err != nil {
		return 0, err
	}
	return a.Minor, nil
}

func (c *Console) submitRequest(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	n, err := c.loadNames(ctx, v)
	if err != nil {
		return err
	}
	d := c.requestData(ctx, v, n)
	form, req, errs := parseRequest(r, v, n)
	d.Form, d.FieldErrors = form, errs
	v.Data = d
	v.Template = "request"
	if len(errs) > 0 {
		v.Status = http.StatusUnprocessableEntity
		v.Error = v.T("console.request.error.fields", len(errs))
		return nil
	}
	if r.FormValue("action") == "preview" {
		d.Preview = c.preview(ctx, v, n, req)
		v.Data = d
		return nil
	}
	var out api.WorkloadView
	_, err = c.do(ctx, v, http.MethodPost, "/v1/workloads", req, &out)
	if err != nil {
		var ae *problem.Problem
		if errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 && ae.Status != http.StatusUnauthorized {
			v.Status = ae.Status
			v.Error = ae.Message()
			for _, p := range ae.InvalidParams {
				d.FieldErrors[inputOf(p.Name)] = p.Reason
			}
			if strings.HasSuffix(ae.Type, "/no-fit") {
				// Why nothing fits, as numbered reasons.
				v.Error = ae.Title
				d.NoFit = &preview{}
				d.NoFit.Message, d.NoFit.Reasons = splitReasons(ae.Detail)
			}
			v.Data = d
			return nil
		}
		return err
	}
	v.Redirect = "/workloads/" + url.PathEscape(out.ID) + "?done=created"
	return nil
}

// inputOf maps an API field name to the form input that sets it.
func inputOf(field string) string {
	switch {
	case strings.HasPrefix(field, "residency.countries"):
		return "country"
	case strings.HasPrefix(field, "residency.subdivisions"):
		return "subdivisions"
	case strings.HasPrefix(field, "redundancy."):
		return strings.TrimPrefix(field, "redundancy.")
	case field == "cost_ceiling_minor":
		return "cost_ceiling"
	case field == "sovereignty.mode":
		return "sovereignty"
	case strings.HasPrefix(field, "sovereignty.jurisdictions"):
		return "jurisdictions"
	}
	return field
}

// previewFragment serves the live preview as an HTML fragment for
// console.js (the same markup the page shows after "Preview").
func (c *Console) previewFragment(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	n, err := c.loadNames(ctx, v)
	if err != nil {
		return err
	}
	_, req, errs := parseRequest(r, v, n)
	d := requestData{}
	if len(errs) > 0 {
		d.Preview = &preview{Invalid: true, Message: v.T("console.request.error.fields", len(errs))}
	} else {
		d.Preview = c.preview(ctx, v, n, req)
	}
	v.Data = d
	v.Template = "request"
	t := c.pages["request"]
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := t.ExecuteTemplate(w, "preview", v); err != nil {
		return err
	}
	return errHandled
}

// hasPreview reports whether a placement preview can be offered.
func (c *Console) hasPreview() bool {
	return c.hasRoute("POST", previewPath)
}

// preview asks the API where the request would go.
func (c *Console) preview(ctx context.Context, v *view, n *names, req workload.CreateRequest) *preview {
	var out struct {
		Feasible   bool `json:"feasible"`
		Placements []struct {
			SiteID       string `json:"site_id"`
			ProviderID   string `json:"provider_id"`
			MonthlyMinor int64  `json:"monthly_minor"`
		} `json:"placements"`
		ForecastMonthlyMinor int64    `json:"forecast_monthly_minor"`
		Currency             string   `json:"currency"`
		Reasons              []string `json:"reasons"`
		Explanation          string   `json:"explanation"`
	}
	_, err := c.do(ctx, v, http.MethodPost, previewPath, req, &out)
	p := &preview{}
	if err != nil {
		var ae *problem.Problem
		if errors.As(err, &ae) {
			p.Message = ae.Message()
			if rs, ok := ae.Extensions["reasons"].([]any); ok {
				for _, x := range rs {
					if s, ok := x.(string); ok {
						p.Reasons = append(p.Reasons, s)
					}
				}
			}
			if len(p.Reasons) == 0 && len(ae.InvalidParams) > 0 {
				// Not decided: the request is invalid or wider than the
				// data policy; say why per field.
				p.Invalid, p.Message = true, ae.Title+": "+ae.Detail
				for _, ip := range ae.InvalidParams {
					p.Reasons = append(p.Reasons, ip.Name+": "+ip.Reason)
				}
				return p
			}
			if len(p.Reasons) == 0 && ae.Detail != "" {
				p.Message, p.Reasons = splitReasons(ae.Detail)
				if p.Message == "" {
					p.Message = ae.Title
				}
			}
			return p
		}
		p.Message = v.T("console.error.internal")
		return p
	}
	p.Fits = len(out.Placements) > 0 && (out.Feasible || len(out.Reasons) == 0)
	p.Forecast, p.Currency = out.ForecastMonthlyMinor, out.Currency
	if p.Currency == "" {
		p.Currency = n.institutions[n.projects[req.ProjectID].InstitutionID].Currency
	}
	p.Reasons = out.Reasons
	if len(p.Reasons) == 0 && out.Explanation != "" {
		_, p.Reasons = splitReasons(out.Explanation)
	}
	for _, pl := range out.Placements {
		s := n.sites[pl.SiteID]
		x, y := project(s.Latitude, s.Longitude)
		p.Sites = append(p.Sites, previewSite{Site: s, Provider: n.providers[pl.ProviderID].Name, Monthly: pl.MonthlyMinor, X: x, Y: y})
		p.Simulated = p.Simulated || s.Simulated
	}
	return p
}

// splitReasons turns the placement engine's explanation into a heading
// and numbered items: "0 of 16 sites fit: 12 outside …, 4 not certified
// …; …" or one reason per line. An item starts with its count of sites,
// so commas inside an item (lists of countries) stay in it.
func splitReasons(s string) (string, []string) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "\n") {
		var out []string
		for _, line := range strings.Split(s, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				out = append(out, line)
			}
		}
		return "", out
	}
	head, rest, ok := strings.Cut(s, ": ")
	if !ok {
		return "", []string{s}
	}
	var out []string
	for _, part := range strings.Split(strings.ReplaceAll(rest, "; ", ", "), ", ") {
		if len(out) > 0 && (part == "" || part[0] < '0' || part[0] > '9') {
			out[len(out)-1] += ", " + part
			continue
		}
		out = append(out, part)
	}
	return head, out
}

// ---- helpers for the home page

// workloadCounts counts workloads by state.
func (c *Console) workloadCounts(ctx context.Context, v *view, institutionID string) ([]countRow, error) {
	f := url.Values{}
	if institutionID != "" {
		f.Set("institution_id", institutionID)
	}
	ws, err := listAll[api.WorkloadView](ctx, c, v, "/v1/workloads", f)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, w := range ws {
		counts[string(w.State)]++
	}
	var out []countRow
	for _, s := range workloadStates {
		if counts[s] > 0 {
			out = append(out, countRow{Key: s, Count: counts[s]})
		}
	}
	return out, nil
}

// approvalNotices are the notices after approving or rejecting a request,
// by the redirect's ?done=.
var approvalNotices = map[string]string{"approve": "console.approvals.approved", "reject": "console.approvals.rejected"}

// workloadNotices are the notices of the workload page, by ?done=.
var workloadNotices = map[string]string{
	"created": "console.workload.created", "deleting": "console.workload.deleting",
	"approve": approvalNotices["approve"], "reject": approvalNotices["reject"],
	"start": "console.power.done.start", "stop": "console.power.done.stop",
	"reboot": "console.power.done.reboot", "resize": "console.power.done.resize",
}
