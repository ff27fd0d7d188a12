package console

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"

	"github.com/soberana/soberana/problem"
)

func (c *Console) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /static/", c.serveStatic)
	m.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, c.assetURL("favicon.svg"), http.StatusMovedPermanently)
	})
	m.Handle("GET /sign-in", c.page("sign-in", c.signInForm))
	m.Handle("POST /sign-in", c.page("sign-in", c.signIn))
	m.Handle("POST /sign-out", c.page("sign-out", c.signOut))
	m.Handle("GET /sign-in/oidc", c.page("sign-in", c.oidcReturn))
	m.Handle("POST /sign-in/oidc", c.page("sign-in", c.oidcAdopt))
	m.Handle("POST /lang", c.page("lang", c.switchLang))
	m.Handle("GET /{$}", c.page("home", c.home))
	m.Handle("GET /providers", c.page("providers", c.providers))
	m.Handle("GET /sites", c.page("sites", c.sites))
	m.Handle("GET /prices", c.page("prices", c.prices))
	m.Handle("GET /fx-rates", c.page("fx-rates", c.fxRates))
	m.Handle("GET /institutions", c.page("institutions", c.institutions))
	m.Handle("GET /budget-lines", c.page("budget-lines", c.budgetLines))
	m.Handle("GET /projects", c.page("projects", c.projects))
	m.Handle("GET /workloads", c.page("workloads", c.workloads))
	m.Handle("GET /workloads/{id}", c.page("workload", c.workload))
	m.Handle("POST /workloads/{id}/delete", c.page("workload", c.deleteWorkload))
	m.Handle("GET /workloads/{id}/connect", c.page("workload", c.connect))
	m.Handle("POST /workloads/{id}/connect", c.page("workload", c.connectIssue))
	m.Handle("POST /workloads/{id}/decide", c.page("approvals", c.decide))
	m.Handle("POST /workloads/{id}/power", c.page("workload", c.power))
	m.Handle("GET /apps", c.page("apps", c.apps))
	m.Handle("GET /apps/{id}", c.page("app", c.app))
	m.Handle("GET /approvals", c.page("approvals", c.approvals))
	m.Handle("GET /statements", c.page("statements", c.statements))
	m.Handle("GET /statements.csv", c.page("statements", c.statementCSV))
	m.Handle("GET /grants", c.page("grants", c.grants))
	m.Handle("POST /grants", c.page("grants", c.createGrant))
	m.Handle("POST /grants/{id}/revoke", c.page("grants", c.revokeGrant))
	m.Handle("GET /audit", c.page("audit", c.audit))
	m.Handle("GET /request", c.page("request", c.requestForm))
	m.Handle("POST /request", c.page("request", c.submitRequest))
	m.Handle("POST /request/preview", c.page("request", c.previewFragment))
	c.mux = m
}

var pageTemplates = []string{
	"sign-in", "oidc", "error", "home", "providers", "sites", "prices", "fx-rates", "institutions", "budget-lines", "projects",
	"workloads", "workload", "approvals", "request", "statements", "grants", "audit",
}

func (c *Console) loadTemplates() error {
	c.pages = map[string]*template.Template{}
	for _, name := range pageTemplates {
		t, err := template.New("layout.html").Funcs(template.FuncMap{
			"landPath": func() string { return landPath },
			"list":     func(s ...string) []string { return s },
			"columns":  columns,
			"when":     when,
			"dict": func(kv ...any) map[string]any {
				m := map[string]any{}
				for i := 0; i+1 < len(kv); i += 2 {
					m[kv[i].(string)] = kv[i+1]
				}
				return m
			},
		}).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("console: parsing template %s: %w", name, err)
		}
		c.pages[name] = t
	}
	return nil
}

// ---- sign-in, sign-out, language

type signInData struct {
	Next      string
	Email     string
	HasError  bool
	Local     bool // the identity API serves e-mail + password sign-in
	OIDC      bool
	OIDCStart string
}

// Paths of the identity API the console signs in through.
const (
	loginPath  = "/v1/auth/login"
	logoutPath = "/v1/auth/logout"
	mePath     = "/v1/auth/me"
	oidcPath   = "/v1/auth/oidc/login"
)

func (c *Console) signInData(r *http.Request, next string) signInData {
	back := "/sign-in/oidc?next=" + url.QueryEscape(safeNext(next))
	return signInData{Next: safeNext(next), Local: c.hasRoute("POST", loginPath),
		OIDC: c.hasRoute("GET", oidcPath), OIDCStart: oidcPath + "?return_to=" + url.QueryEscape(back)}
}

func (c *Console) signInForm(w http.ResponseWriter, r *http.Request, v *view) error {
	if v.sess != nil {
		v.Redirect = safeNext(r.URL.Query().Get("next"))
		return nil
	}
	v.Data = c.signInData(r, r.URL.Query().Get("next"))
	return nil
}

// signIn accepts an e-mail and password (an API session through
// /v1/auth/login) or an API token.
func (c *Console) signIn(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	next := safeNext(r.FormValue("next"))
	var cr credential
	if email := strings.TrimSpace(r.FormValue("email")); email != "" {
		resp, err := c.doAs(ctx, credential{}, v.Lang, v.remote, http.MethodPost, loginPath,
			map[string]string{"email": email, "password": r.FormValue("password")})
		var ae *problem.Problem
		if errors.As(err, &ae) && ae.Status < 500 {
			v.Status = ae.Status
			v.Error = ae.Message()
			d := c.signInData(r, next)
			d.Email, d.HasError = email, true
			v.Data = d
			return nil
		}
		if err != nil {
			return err
		}
		var out struct {
			CSRF string `json:"csrf_token"`
		}
		_ = json.Unmarshal(resp.Body, &out)
		cr.CSRF = out.CSRF
		for _, ck := range (&http.Response{Header: resp.Header}).Cookies() {
			if ck.Name == api.SessionCookie {
				cr.Session = ck.Value
			}
		}
		if cr.Session == "" {
			return errors.New("console: the identity API answered a sign-in without a session")
		}
	} else {
		cr.Token = strings.TrimSpace(r.FormValue("token"))
		if _, ok := api.ParseBearer("Bearer " + cr.Token); !ok {
			return c.badCredential(v, r, next)
		}
	}
	who, err := c.whoAmI(ctx, v, cr)
	if errors.Is(err, errBadCredential) {
		return c.badCredential(v, r, next)
	}
	if err != nil {
		return err
	}
	c.startSession(w, r, v, cr, who, next)
	return nil
}

// oidcReturn is where single sign-on comes back: the identity API has set
// its session cookies on the browser. They are SameSite=Strict, so a
// navigation that began at the identity provider does not carry them;
// this page posts back to itself (console.js submits it at once; people
// without scripts press the button), a same-site request that does.
func (c *Console) oidcReturn(w http.ResponseWriter, r *http.Request, v *view) error {
	v.Template = "oidc"
	v.TitleKey = "console.title.sign-in"
	v.Data = signInData{Next: safeNext(r.URL.Query().Get("next"))}
	return nil
}

// oidcAdopt takes over the API session that single sign-on started: the
// console keeps it server-side like a password sign-in's and clears the
// API's cookies from the browser.
func (c *Console) oidcAdopt(w http.ResponseWriter, r *http.Request, v *view) error {
	next := safeNext(r.FormValue("next"))
	var cr credential
	if ck, err := r.Cookie(api.SessionCookie); err == nil {
		cr.Session = ck.Value
	}
	if ck, err := r.Cookie(api.CSRFCookie); err == nil {
		cr.CSRF = ck.Value
	}
	if cr.Session == "" {
		return c.badCredential(v, r, next)
	}
	who, err := c.whoAmI(r.Context(), v, cr)
	if errors.Is(err, errBadCredential) {
		return c.badCredential(v, r, next)
	}
	if err != nil {
		return err
	}
	for _, name := range []string{api.SessionCookie, api.CSRFCookie} {
		http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: name == api.SessionCookie,
			Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	}
	c.startSession(w, r, v, cr, who, next)
	return nil
}

func (c *Console) startSession(w http.ResponseWriter, r *http.Request, v *view, cr credential, who principal, next string) {
	lang := c.rememberedLang(r.Context(), who.ID)
	if lang == "" {
		lang = v.Lang
	} else {
		setLangCookie(w, r, lang)
	}
	s := c.sessions.create(cr, who, lang)
	http.SetCookie(w, &http.Cookie{Name: cookieSession, Value: s.ID, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	v.Redirect = next
}

func (c *Console) badCredential(v *view, r *http.Request, next string) error {
	v.Status = http.StatusUnauthorized
	v.Error = v.T("console.signin.error")
	d := c.signInData(r, next)
	d.HasError = true
	v.Data = d
	return nil
}

var errBadCredential = errors.New("console: bad credential")

// whoAmI asks the API who a credential is and which roles it holds. The
// identity API decides (a revoked or expired token answers 401); the
// console does not read tokens itself.
func (c *Console) whoAmI(ctx context.Context, v *view, cr credential) (principal, error) {
	resp, err := c.doAs(ctx, cr, v.Lang, v.remote, http.MethodGet, mePath, nil)
	var ae *problem.Problem
	if errors.As(err, &ae) && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden) {
		return principal{}, errBadCredential
	}
	if err != nil {
		return principal{}, err
	}
	var me struct {
		UserID   string `json:"user_id"`
		TokenID  string `json:"token_id"`
		Name     string `json:"name"`
		Role     string `json:"role"`
		Bindings []struct {
			Role string `json:"role"`
			Via  string `json:"via"`
		} `json:"bindings"`
	}
	if err := json.Unmarshal(resp.Body, &me); err != nil {
		return principal{}, err
	}
	p := principal{ID: me.UserID, Name: me.Name}
	if p.ID == "" {
		p.ID = me.TokenID
	}
	seen := map[string]bool{}
	add := func(role string) {
		if role != "" && !seen[role] {
			seen[role] = true
			p.Roles = append(p.Roles, role)
		}
	}
	for _, b := range me.Bindings {
		add(b.Role)
		if strings.HasPrefix(b.Via, "grant:") {
			add(roleVendor)
		}
	}
	add(me.Role)
	return p, nil
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, v *view) error {
	if v.sess != nil && v.sess.cred.Session != "" && c.hasRoute("POST", logoutPath) {
		if _, err := c.do(r.Context(), v, http.MethodPost, logoutPath, nil, nil); err != nil {
			c.log.WarnContext(r.Context(), "ending the API session", "err", err)
		}
	}
	c.sessions.drop(v.sessionID)
	http.SetCookie(w, &http.Cookie{Name: cookieSession, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	v.Redirect = "/sign-in"
	return nil
}

func (c *Console) switchLang(w http.ResponseWriter, r *http.Request, v *view) error {
	want := r.FormValue("lang")
	var l i18n.Lang
	for _, x := range i18n.All {
		if string(x) == want {
			l = x
		}
	}
	if l == "" {
		v.Status = http.StatusBadRequest
		v.Error = v.T("console.error.lang")
		v.Template = "error"
		return nil
	}
	setLangCookie(w, r, l)
	if v.sess != nil {
		c.sessions.setLang(v.sess.ID, l)
		if err := c.rememberLang(r.Context(), v.sess.Who.ID, l); err != nil {
			c.log.WarnContext(r.Context(), "remembering language", "err", err)
		}
	}
	v.Redirect = safeNext(r.FormValue("next"))
	return nil
}

// ---- operator views

type providerRow struct {
	model.Provider
	Sites, Healthy int
}

func (c *Console) providers(w http.ResponseWriter, r *http.Request, v *view) error {
	l := c.lists(r.Context(), v)
	ps := list[model.Provider](l, "/v1/providers", nil)
	ss := list[model.Site](l, "/v1/sites", nil)
	if l.err != nil {
		return l.err
	}
	slices.SortFunc(ps, func(a, b model.Provider) int { return cmp.Compare(a.Name, b.Name) })
	rows := make([]providerRow, len(ps))
	row := map[string]*providerRow{}
	for i, p := range ps {
		rows[i].Provider = p
		row[p.ID] = &rows[i]
	}
	for _, s := range ss {
		if pr := row[s.ProviderID]; pr != nil {
			pr.Sites++
			if s.Health == model.HealthHealthy {
				pr.Healthy++
			}
		}
	}
	v.Data = rows
	return nil
}

type siteRow struct {
	model.Site
	Provider string
	X, Y     string
	// Use is the share of capacity reserved by placements, when the API
	// reports it to the caller.
	Use *siteUse
}

// siteUse is the share of a site's capacity in use, per resource.
type siteUse struct {
	VCPU, Memory, Disk int64
}

// reservationsPath reports the placement engine's reservations by site.
const reservationsPath = "/v1/fleet/reservations"

func (c *Console) siteUse(ctx context.Context, v *view) map[string]*siteUse {
	out := map[string]*siteUse{}
	if !c.hasRoute("GET", reservationsPath) {
		return out
	}
	type res struct {
		VCPU      int64 `json:"vcpu"`
		MemoryMiB int64 `json:"memory_mib"`
		DiskGiB   int64 `json:"disk_gib"`
	}
	var body struct {
		Sites map[string]struct {
			Used     res `json:"Used"`
			Capacity res `json:"Capacity"`
		} `json:"sites"`
	}
	if err := c.get(ctx, v, reservationsPath, &body); err != nil {
		return out // not every role may read the fleet's reservations
	}
	for id, u := range body.Sites {
		out[id] = &siteUse{VCPU: percent(u.Used.VCPU, u.Capacity.VCPU),
			Memory: percent(u.Used.MemoryMiB, u.Capacity.MemoryMiB), Disk: percent(u.Used.DiskGiB, u.Capacity.DiskGiB)}
	}
	return out
}

type sitesData struct {
	HasUse bool
	// Rows is the page of the table; Total the sites that pass the filters.
	Rows  []siteRow
	Total int
	Land  string
	// Filters, as the form shows them.
	Country, Tier, Health, Subdivision, Group, Query string
	Countrys, Subdivisions                           []string
	Groups                                           []model.EdgeGroup
	// The map: its window, marks (sites or clusters) and how many sites
	// the window holds.
	View      mapView
	Marks     []mapMark
	Visible   int
	Clustered bool
	ZoomIn    string
	ZoomOut   string
	ZoomReset string
	// Pagination of the table.
	Page, Pages int
	Prev, Next  string
	First, Last int
}

// sites is the map and table of sites. Filters (health, tier, country,
// subdivision, edge group), the name search and the map's window are query
// parameters; the map clusters the sites of the window when they are many
// (sitemap.go) and the table shows one page of sitesPerPage, so the page
// stays small and readable at 10,000 sites. It reads the providers and
// their edge groups (siteProviders), the sites of the group filtered by
// (groupSites), the sites and their use; then it keeps the sites that pass
// the filters (filterSites), places them on the map (placeMap) and cuts
// the table's page (paginate).
func (c *Console) sites(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := sitesData{Country: q.Get("country"), Tier: q.Get("tier"), Health: q.Get("health"),
		Subdivision: q.Get("subdivision"), Group: q.Get("group"), Query: strings.TrimSpace(q.Get("q"))}
	names, groups, err := c.siteProviders(ctx, v)
	if err != nil {
		return err
	}
	d.Groups = groups
	inGroup, err := c.groupSites(ctx, v, d.Groups, d.Group)
	if err != nil {
		return err
	}
	// The API filters by equality; one read of every site gives the
	// filters' choices too (country, subdivision).
	filters := url.Values{}
	for _, k := range []string{"provider_id"} {
		if s := q.Get(k); s != "" {
			filters.Set(k, s)
		}
	}
	all, err := listAll[model.Site](ctx, c, v, "/v1/sites", filters)
	if err != nil {
		return err
	}
	use := c.siteUse(ctx, v)
	d.HasUse = len(use) > 0
	rows := d.filterSites(all, names, inGroup, use)
	d.Total = len(rows)
	d.placeMap(q, rows)
	d.paginate(q, rows)
	v.Data = d
	return nil
}

// siteProviders reads the providers, for the names of the sites' providers
// by id, and the edge groups of the edge providers, sorted by name, for
// the group filter (a provider whose groups the caller may not read adds
// none).
func (c *Console) siteProviders(ctx context.Context, v *view) (names map[string]string, groups []model.EdgeGroup, err error) {
	ps, err := listAll[model.Provider](ctx, c, v, "/v1/providers", nil)
	if err != nil {
		return nil, nil, err
	}
	names = map[string]string{}
	for _, p := range ps {
		names[p.ID] = p.Name
		if p.Kind == model.ProviderKindEdge {
			gs, err := listAll[model.EdgeGroup](ctx, c, v, "/v1/providers/"+url.PathEscape(p.ID)+"/edge-groups", nil)
			if err == nil {
				groups = append(groups, gs...)
			}
		}
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name < groups[j].Name })
	return names, groups, nil
}

// groupSites is the group filter: the ids of the sites of the subclouds of
// edge group group, read from its provider; nil when no group is asked
// for (every site passes).
func (c *Console) groupSites(ctx context.Context, v *view, groups []model.EdgeGroup, group string) (map[string]bool, error) {
	if group == "" {
		return nil, nil
	}
	inGroup := map[string]bool{}
	for _, g := range groups {
		if g.ID != group {
			continue
		}
		scs, err := listAll[model.Subcloud](ctx, c, v, "/v1/providers/"+url.PathEscape(g.ProviderID)+"/subclouds",
			url.Values{"group_id": {g.ID}})
		if err != nil {
			return nil, err
		}
		for _, sc := range scs {
			for _, id := range sc.SiteIDs {
				inGroup[id] = true
			}
		}
	}
	return inGroup, nil
}

// filterSites is the table's rows: the sites that pass d's filters (and,
// when inGroup is set, are in it), by country and name, with their
// provider's name, place on the map and use. It sets the filters' choices
// too: every country, and the subdivisions of the country chosen.
func (d *sitesData) filterSites(all []model.Site, names map[string]string, inGroup map[string]bool, use map[string]*siteUse) []siteRow {
	countries, subs := map[string]bool{}, map[string]bool{}
	needle := strings.ToLower(d.Query)
	rows := make([]siteRow, 0, len(all))
	for _, s := range all {
		countries[s.Country] = true
		if s.Subdivision != "" && (d.Country == "" || s.Country == d.Country) {
			subs[s.Subdivision] = true
		}
		switch {
		case d.Country != "" && s.Country != d.Country,
			d.Tier != "" && s.Tier != d.Tier,
			d.Health != "" && s.Health != d.Health,
			d.Subdivision != "" && s.Subdivision != d.Subdivision,
			inGroup != nil && !inGroup[s.ID],
			needle != "" && !strings.Contains(strings.ToLower(s.Name), needle):
			continue
		}
		x, y := project(s.Latitude, s.Longitude)
		rows = append(rows, siteRow{Site: s, Provider: names[s.ProviderID], X: x, Y: y, Use: use[s.ID]})
	}
	for cc := range countries {
		d.Countrys = append(d.Countrys, cc)
	}
	sort.Strings(d.Countrys)
	for sd := range subs {
		d.Subdivisions = append(d.Subdivisions, sd)
	}
	sort.Strings(d.Subdivisions)
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Country != rows[j].Country {
			return rows[i].Country < rows[j].Country
		}
		return rows[i].Name < rows[j].Name
	})
	return rows
}

// sitesLink is the sites page's address with query q changed by set: a
// parameter set to "" is removed.
func sitesLink(q url.Values, set map[string]string) string {
	u := url.Values{}
	for k, vs := range q {
		u[k] = vs
	}
	for k, val := range set {
		if val == "" {
			u.Del(k)
		} else {
			u.Set(k, val)
		}
	}
	if len(u) == 0 {
		return "/sites"
	}
	return "/sites?" + u.Encode()
}

// placeMap sets the map's window (from q), the marks of rows in it, and
// the links that zoom in, out and back to the whole map, all of which keep
// q's filters and go back to the table's first page.
func (d *sitesData) placeMap(q url.Values, rows []siteRow) {
	d.View = parseMapView(q)
	zoomHref := func(lat, lon float64, zoom int) string {
		return sitesLink(q, map[string]string{"zoom": strconv.Itoa(zoom), "lat": strconv.FormatFloat(lat, 'f', 3, 64),
			"lon": strconv.FormatFloat(lon, 'f', 3, 64), "page": ""})
	}
	d.Marks, d.Visible = clusterSites(rows, d.View, zoomHref)
	d.Clustered = d.Visible > mapMarksMax
	clat, clon := unproject(d.View.CX, d.View.CY)
	if d.View.Zoom < mapMaxZoom {
		d.ZoomIn = zoomHref(clat, clon, d.View.Zoom+1)
	}
	if d.View.Zoom > 0 {
		d.ZoomOut = zoomHref(clat, clon, d.View.Zoom-1)
		d.ZoomReset = sitesLink(q, map[string]string{"zoom": "", "lat": "", "lon": ""})
	}
}

// paginate cuts the table's page of sitesPerPage rows: the page q asks
// for, kept within the pages there are, and the links to its neighbours.
func (d *sitesData) paginate(q url.Values, rows []siteRow) {
	d.Pages = max(1, (len(rows)+sitesPerPage-1)/sitesPerPage)
	d.Page = 1
	if p, err := strconv.Atoi(q.Get("page")); err == nil {
		d.Page = min(max(p, 1), d.Pages)
	}
	lo := (d.Page - 1) * sitesPerPage
	hi := min(lo+sitesPerPage, len(rows))
	d.Rows = rows[lo:hi]
	d.First, d.Last = lo+1, hi
	if d.Page > 1 {
		d.Prev = sitesLink(q, map[string]string{"page": strconv.Itoa(d.Page - 1)})
	}
	if d.Page < d.Pages {
		d.Next = sitesLink(q, map[string]string{"page": strconv.Itoa(d.Page + 1)})
	}
}

// MemoryGiB is the site's memory in GiB, the unit people read.
func (s siteRow) MemoryGiB() int64 { return s.Capacity.MemoryMiB / 1024 }

type priceRow struct {
	model.Price
	Provider, Offering string
	Simulated          bool
}

func (c *Console) prices(w http.ResponseWriter, r *http.Request, v *view) error {
	l := c.lists(r.Context(), v)
	ps := list[model.Provider](l, "/v1/providers", nil)
	os := list[model.Offering](l, "/v1/offerings", nil)
	prs := list[model.Price](l, "/v1/prices", nil)
	if l.err != nil {
		return l.err
	}
	prov := map[string]model.Provider{}
	for _, p := range ps {
		prov[p.ID] = p
	}
	off := namesBy(os, func(o model.Offering) (string, string) { return o.ID, o.Name })
	rows := make([]priceRow, 0, len(prs))
	for _, p := range prs {
		rows = append(rows, priceRow{Price: p, Provider: prov[p.ProviderID].Name, Offering: off[p.OfferingID], Simulated: prov[p.ProviderID].Simulated})
	}
	slices.SortFunc(rows, func(a, b priceRow) int {
		return cmp.Or(cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Offering, b.Offering), cmp.Compare(a.ValidFrom, b.ValidFrom))
	})
	v.Data = rows
	return nil
}

func (c *Console) fxRates(w http.ResponseWriter, r *http.Request, v *view) error {
	rs, err := listAll[model.FXRate](r.Context(), c, v, "/v1/fx-rates", nil)
	if err != nil {
		return err
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].From+rs[i].To != rs[j].From+rs[j].To {
			return rs[i].From+rs[i].To < rs[j].From+rs[j].To
		}
		return rs[i].ValidOn > rs[j].ValidOn
	})
	v.Data = rs
	return nil
}

// countBy counts xs by the key that key gives (the parent's id), leaving
// out those it says no to: how many sites each provider has, say.
func countBy[T any](xs []T, key func(T) (string, bool)) map[string]int {
	n := map[string]int{}
	for _, x := range xs {
		if k, ok := key(x); ok {
			n[k]++
		}
	}
	return n
}

// orgs reads every institution, budget line and project the caller may
// see: the institutions and projects views join the three.
func (c *Console) orgs(ctx context.Context, v *view) ([]model.Institution, []model.BudgetLine, []model.Project, error) {
	l := c.lists(ctx, v)
	is := list[model.Institution](l, "/v1/institutions", nil)
	bls := list[model.BudgetLine](l, "/v1/budget-lines", nil)
	prs := list[model.Project](l, "/v1/projects", nil)
	return is, bls, prs, l.err
}

type institutionRow struct {
	model.Institution
	BudgetLines, Projects int
}

func (c *Console) institutions(w http.ResponseWriter, r *http.Request, v *view) error {
	is, bls, prs, err := c.orgs(r.Context(), v)
	if err != nil {
		return err
	}
	lines := countBy(bls, func(b model.BudgetLine) (string, bool) { return b.InstitutionID, true })
	projects := countBy(prs, func(p model.Project) (string, bool) { return p.InstitutionID, true })
	rows := make([]institutionRow, len(is))
	for i, in := range is {
		rows[i] = institutionRow{Institution: in, BudgetLines: lines[in.ID], Projects: projects[in.ID]}
	}
	slices.SortFunc(rows, func(a, b institutionRow) int { return cmp.Compare(a.Name, b.Name) })
	v.Data = rows
	return nil
}

// budgetRow is a budget line with its balance when the ledger reports it.
type budgetRow struct {
	model.BudgetLine
	Institution string
	Bal         *balance
	Burn        *burndown
}

// UsedPct is where the available part of the bar starts.
func (b *balance) UsedPct() int64 { return b.AccruedPct + b.CommittedPct }

// balance is committed / accrued / available of a budget line.
type balance struct {
	Committed, Accrued, Available int64
	// Percentages of the line's amount, for the bar.
	CommittedPct, AccruedPct, AvailablePct int64
}

func newBalance(amount, committed, accrued int64) *balance {
	avail := amount - committed - accrued
	b := &balance{Committed: committed, Accrued: accrued, Available: avail}
	b.AccruedPct = percent(accrued, amount)
	b.CommittedPct = percent(committed, amount)
	if b.AccruedPct+b.CommittedPct > 100 {
		b.CommittedPct = 100 - b.AccruedPct
	}
	b.AvailablePct = 100 - b.AccruedPct - b.CommittedPct
	return b
}

func (c *Console) budgetRows(ctx context.Context, v *view, institutionID string) ([]budgetRow, error) {
	f := url.Values{}
	if institutionID != "" {
		f.Set("institution_id", institutionID)
	}
	l := c.lists(ctx, v)
	bls := list[model.BudgetLine](l, "/v1/budget-lines", f)
	is := list[model.Institution](l, "/v1/institutions", nil)
	if l.err != nil {
		return nil, l.err
	}
	names := namesBy(is, institutionName)
	bals := c.balances(ctx, v)
	rows := make([]budgetRow, len(bls))
	for i, b := range bls {
		rows[i] = budgetRow{BudgetLine: b, Institution: names[b.InstitutionID], Bal: bals[b.ID]}
	}
	slices.SortFunc(rows, func(a, b budgetRow) int {
		return cmp.Or(cmp.Compare(a.Institution, b.Institution), cmp.Compare(a.Code, b.Code))
	})
	return rows, nil
}

func (c *Console) budgetLines(w http.ResponseWriter, r *http.Request, v *view) error {
	rows, err := c.budgetRows(r.Context(), v, "")
	if err != nil {
		return err
	}
	v.Data = rows
	return nil
}

type projectRow struct {
	model.Project
	Institution, BudgetLine string
}

func (c *Console) projects(w http.ResponseWriter, r *http.Request, v *view) error {
	is, bls, prs, err := c.orgs(r.Context(), v)
	if err != nil {
		return err
	}
	in := namesBy(is, institutionName)
	bl := namesBy(bls, func(x model.BudgetLine) (string, string) { return x.ID, x.Code + " · " + x.Name })
	rows := make([]projectRow, len(prs))
	for i, p := range prs {
		rows[i] = projectRow{Project: p, Institution: in[p.InstitutionID], BudgetLine: bl[p.BudgetLineID]}
	}
	slices.SortFunc(rows, func(a, b projectRow) int {
		return cmp.Or(cmp.Compare(a.Institution, b.Institution), cmp.Compare(a.Name, b.Name))
	})
	v.Data = rows
	return nil
}

func institutionName(in model.Institution) (string, string) { return in.ID, in.Name }

// ---- home

type homeData struct {
	Alerts       []opsAlert
	Institutions []homeInstitution
	Sites        int
	ByHealth     []countRow
	Simulated    int
	Providers    int
}

type homeInstitution struct {
	model.Institution
	Budget    []budgetRow
	Projects  []model.Project
	Workloads []countRow
	Alerts    []alert
	Ops       []opsAlert
}

type countRow struct {
	Key   string
	Count int
}

func (c *Console) home(w http.ResponseWriter, r *http.Request, v *view) error {
	ctx := r.Context()
	is, err := listAll[model.Institution](ctx, c, v, "/v1/institutions", nil)
	if err != nil {
		return err
	}
	sort.Slice(is, func(i, j int) bool { return is[i].Name < is[j].Name })
	var d homeData
	for _, in := range is {
		rows, err := c.budgetRows(ctx, v, in.ID)
		if err != nil {
			return err
		}
		prs, err := listAll[model.Project](ctx, c, v, "/v1/projects", url.Values{"institution_id": {in.ID}})
		if err != nil {
			return err
		}
		lines := map[string]model.BudgetLine{}
		for i := range rows {
			lines[rows[i].ID] = rows[i].BudgetLine
			rows[i].Burn = c.burndownOf(ctx, v, rows[i].BudgetLine, rows[i].Bal, c.now().UTC())
		}
		hi := homeInstitution{Institution: in, Budget: rows, Projects: prs, Alerts: c.alerts(ctx, v, in.ID, lines),
			Ops: c.firingAlerts(ctx, v, in.ID)}
		if v.Can("workloads") {
			if hi.Workloads, err = c.workloadCounts(ctx, v, in.ID); err != nil {
				return err
			}
		}
		d.Institutions = append(d.Institutions, hi)
	}
	if v.Can("sites") {
		ps, err := listAll[model.Provider](ctx, c, v, "/v1/providers", nil)
		if err != nil {
			return err
		}
		d.Providers = len(ps)
		for _, p := range ps {
			if p.Simulated {
				d.Simulated++
			}
		}
		ss, err := listAll[model.Site](ctx, c, v, "/v1/sites", nil)
		if err != nil {
			return err
		}
		d.Sites = len(ss)
		d.Alerts = c.firingAlerts(ctx, v, "")
		counts := map[string]int{}
		for _, s := range ss {
			counts[s.Health]++
		}
		for _, h := range []string{model.HealthHealthy, model.HealthDegraded, model.HealthDown} {
			d.ByHealth = append(d.ByHealth, countRow{Key: h, Count: counts[h]})
		}
	}
	v.Data = d
	return nil
}
