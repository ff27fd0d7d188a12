package console

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/i18n"
)

// Roles the console knows: those GET /v1/auth/me reports, and vendor for a
// binding that comes from a grant (whoAmI).
const (
	rolePlatformAdmin    = api.RolePlatformAdmin
	roleAuditor          = api.RoleAuditor
	roleInstitutionAdmin = "institution-admin"
	roleFinanceOfficer   = "finance-officer"
	roleDeveloper        = "developer"
	roleVendor           = "vendor"
	roleProviderOperator = "provider-operator"
	roleViewer           = "viewer"
)

// principal is the signed-in person.
type principal struct {
	ID    string
	Name  string
	Roles []string
}

func (p principal) has(roles ...string) bool {
	for _, r := range p.Roles {
		for _, want := range roles {
			if r == want {
				return true
			}
		}
	}
	return false
}

// pageDef is one entry of the console's page table: its path, the nav
// group and label, who may open it and which API route it needs.
type pageDef struct {
	ID, Path, Group, Label string
	Roles                  []string
	// Needs is the API route ("GET /v1/workloads") the page is built on;
	// the page hides until that API exists.
	Needs string
	// Hidden pages are reachable but not in the navigation.
	Hidden bool
}

func (p *pageDef) allowed(v *view) bool {
	if len(p.Roles) == 0 {
		return true
	}
	return v.User != nil && v.User.has(p.Roles...)
}

var (
	everyone     = []string{rolePlatformAdmin, roleAuditor, roleInstitutionAdmin, roleFinanceOfficer, roleDeveloper, roleVendor, roleViewer}
	operators    = []string{rolePlatformAdmin, roleAuditor, roleProviderOperator}
	institution  = []string{rolePlatformAdmin, roleAuditor, roleInstitutionAdmin, roleFinanceOfficer}
	requesters   = []string{rolePlatformAdmin, roleInstitutionAdmin, roleDeveloper}
	finance      = []string{rolePlatformAdmin, roleFinanceOfficer}
	grantHolders = []string{rolePlatformAdmin, roleInstitutionAdmin, roleAuditor}
	auditors     = []string{rolePlatformAdmin, roleAuditor, roleInstitutionAdmin}
)

// pageTable is the navigation, in order. Access is decided here and by the
// API (which refuses what a role may not do).
var pageTable = []*pageDef{
	{ID: "home", Path: "/", Group: "console.nav.group.institution", Label: "console.nav.home", Roles: everyone},
	{ID: "request", Path: "/request", Group: "console.nav.group.institution", Label: "console.nav.request", Roles: requesters, Needs: "POST /v1/workloads"},
	{ID: "workloads", Path: "/workloads", Group: "console.nav.group.institution", Label: "console.nav.workloads", Roles: everyone, Needs: "GET /v1/workloads"},
	{ID: "workload", Path: "/workloads/{id}", Label: "console.nav.workloads", Roles: everyone, Needs: "GET /v1/workloads", Hidden: true},
	{ID: "approvals", Path: "/approvals", Group: "console.nav.group.institution", Label: "console.nav.approvals", Roles: finance, Needs: "GET /v1/workloads"},
	{ID: "statements", Path: "/statements", Group: "console.nav.group.institution", Label: "console.nav.statements", Roles: institution, Needs: "GET /v1/statements"},
	{ID: "grants", Path: "/grants", Group: "console.nav.group.institution", Label: "console.nav.grants", Roles: grantHolders, Needs: "GET /v1/grants"},
	{ID: "budget-lines", Path: "/budget-lines", Group: "console.nav.group.institution", Label: "console.nav.budget-lines", Roles: institution},
	{ID: "projects", Path: "/projects", Group: "console.nav.group.institution", Label: "console.nav.projects", Roles: everyone},
	{ID: "providers", Path: "/providers", Group: "console.nav.group.operator", Label: "console.nav.providers", Roles: operators},
	{ID: "sites", Path: "/sites", Group: "console.nav.group.operator", Label: "console.nav.sites", Roles: operators},
	{ID: "prices", Path: "/prices", Group: "console.nav.group.operator", Label: "console.nav.prices", Roles: operators},
	{ID: "fx-rates", Path: "/fx-rates", Group: "console.nav.group.operator", Label: "console.nav.fx-rates", Roles: operators},
	{ID: "institutions", Path: "/institutions", Group: "console.nav.group.operator", Label: "console.nav.institutions", Roles: operators},
	{ID: "audit", Path: "/audit", Group: "console.nav.group.audit", Label: "console.nav.audit", Roles: auditors, Needs: "GET /v1/audit"},
}

func pageByID(id string) *pageDef {
	for _, p := range pageTable {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// navGroup is a group of links in the navigation.
type navGroup struct {
	Label string
	Links []navLink
}

type navLink struct {
	Label, Path string
	Current     bool
}

// langOption is one entry of the language switcher.
type langOption struct {
	Code, Name string
	Current    bool
}

// view is what every template receives. Its methods are the template's
// vocabulary: T for messages, Money/Num/Dec/Day/Time for locale formatting.
type view struct {
	Lang     i18n.Lang
	ID       string // page id
	Template string
	TitleKey string
	Title    string // overrides TitleKey when set (a workload's name)
	User     *principal
	CSRF     string
	Path     string
	Query    string
	Nav      []navGroup
	Langs    []langOption
	Status   int
	Error    string
	Notice   string
	Redirect string
	CSS, JS  string
	Data     any

	sess      *session
	sessionID string
	c         *Console
	remote    string
	memo      map[string]*apiResponse
}

// T renders a message in the page's language.
func (v *view) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

// Money formats minor units of a currency.
func (v *view) Money(minor int64, currency string) string {
	return formatMoney(v.Lang, minor, currency)
}

// Num formats an integer.
func (v *view) Num(n any) string {
	switch x := n.(type) {
	case int:
		return formatInt(v.Lang, int64(x))
	case int64:
		return formatInt(v.Lang, x)
	case float64:
		return formatInt(v.Lang, int64(x))
	}
	return ""
}

// Dec formats an exact decimal string.
func (v *view) Dec(s string) string { return formatDecimal(v.Lang, s) }

// Day formats a day given as time or "YYYY-MM-DD".
func (v *view) Day(d any) string {
	t, raw, ok := instant(d, "2006-01-02", time.RFC3339)
	if !ok {
		return raw
	}
	return formatDay(v.Lang, t)
}

// When writes an instant as a <time> element: the text is the instant in
// UTC in the page's language (what a reader without scripts sees), and
// console.js rewrites it in the reader's own time zone and locale.
func (v *view) When(t any) template.HTML {
	tt, raw, ok := instant(t, time.RFC3339Nano)
	if !ok {
		return template.HTML(template.HTMLEscapeString(raw))
	}
	if tt.IsZero() {
		return ""
	}
	return template.HTML(`<time datetime="` + tt.UTC().Format(time.RFC3339) + `" data-local>` +
		template.HTMLEscapeString(formatDateTime(v.Lang, tt)) + `</time>`)
}

// Time formats an instant.
func (v *view) Time(t any) string {
	tt, raw, ok := instant(t, time.RFC3339Nano)
	if !ok {
		return raw
	}
	return formatDateTime(v.Lang, tt)
}

// instant reads what a template hands Day, When and Time: a time.Time, a
// *time.Time or a string in one of layouts. Not ok: a nil pointer or
// another type (raw is empty), or a string no layout reads (raw is it,
// shown as it is).
func instant(x any, layouts ...string) (t time.Time, raw string, ok bool) {
	switch x := x.(type) {
	case time.Time:
		return x, "", true
	case *time.Time:
		if x == nil {
			return time.Time{}, "", false
		}
		return *x, "", true
	case string:
		for _, l := range layouts {
			if t, err := time.Parse(l, x); err == nil {
				return t, "", true
			}
		}
		return time.Time{}, x, false
	}
	return time.Time{}, "", false
}

// Month formats a "2026-03" period.
func (v *view) Month(p string) string { return formatMonth(v.Lang, p) }

// Country names an ISO 3166-1 code (the code itself when unknown).
func (v *view) Country(code string) string {
	k := "console.country." + code
	if s := v.T(k); s != k {
		return s
	}
	return code
}

// Enum translates a value of a closed set (state, health, tier, kind…).
// The value is any string type (model.WorkloadState, model.PowerState…):
// templates pass typed states as they are.
func (v *view) Enum(set string, val any) string {
	value := fmt.Sprint(val)
	if val == nil || value == "" {
		return ""
	}
	k := "console." + set + "." + value
	if s := v.T(k); s != k {
		return s
	}
	return value
}

// Can reports whether the page with id is open to this person.
func (v *view) Can(id string) bool {
	p := pageByID(id)
	return p != nil && p.allowed(v) && (p.Needs == "" || v.c.hasRoute(splitNeeds(p.Needs)))
}

// HasBalances reports whether the ledger serves budget balances.
func (v *view) HasBalances() bool { return v.c.hasRoute("GET", balancePath) }

// HasRole reports whether the person holds one of roles.
func (v *view) HasRole(roles ...string) bool { return v.User != nil && v.User.has(roles...) }

// PageTitle is the document title's first part.
func (v *view) PageTitle() string {
	if v.Title != "" {
		return v.Title
	}
	if v.TitleKey != "" {
		return v.T(v.TitleKey)
	}
	return ""
}

// Attr passes a trusted, console-built string as an HTML attribute value.
func (v *view) Attr(s string) template.HTMLAttr { return template.HTMLAttr(s) }

func splitNeeds(s string) (string, string) {
	m, p, _ := strings.Cut(s, " ")
	return m, p
}

// newView builds the view of a signed-in page; it redirects to sign-in
// (and returns nil) when nobody is signed in.
func (c *Console) newView(w http.ResponseWriter, r *http.Request, id string) *view {
	v := c.anonymousView(w, r, id)
	if id == "sign-in" || id == "lang" {
		return v
	}
	if v.sess == nil {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/sign-in?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		} else {
			http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		}
		return nil
	}
	// A token revoked or expired since sign-in: the API answers 401 on the
	// page's first call, which signs out.
	return v
}

// anonymousView builds a view for anyone (sign-in, errors).
func (c *Console) anonymousView(w http.ResponseWriter, r *http.Request, id string) *view {
	var s *session
	if ck, err := r.Cookie(cookieSession); err == nil {
		s = c.sessions.get(ck.Value)
	}
	v := &view{ID: id, Template: id, Path: r.URL.Path, Query: r.URL.RawQuery, c: c, remote: r.RemoteAddr,
		CSS: c.assetURL("console.css"), JS: c.assetURL("console.js")}
	if p := pageByID(id); p != nil {
		v.TitleKey = p.Label
	} else {
		v.TitleKey = "console.title." + id
	}
	v.Lang = c.langOf(r, s)
	v.CSRF = c.csrfToken(w, r)
	if s != nil {
		v.sess, v.sessionID = s, s.ID
		who := s.Who
		v.User = &who
	}
	for _, l := range i18n.All {
		v.Langs = append(v.Langs, langOption{Code: string(l), Name: i18n.T(l, "console.lang.name"), Current: l == v.Lang})
	}
	if v.User != nil {
		v.Nav = c.nav(v)
	}
	return v
}

func (c *Console) nav(v *view) []navGroup {
	var groups []navGroup
	for _, p := range pageTable {
		if p.Hidden || !v.Can(p.ID) {
			continue
		}
		label := v.T(p.Group)
		if len(groups) == 0 || groups[len(groups)-1].Label != label {
			groups = append(groups, navGroup{Label: label})
		}
		g := &groups[len(groups)-1]
		cur := v.Path == p.Path || p.Path != "/" && strings.HasPrefix(v.Path, p.Path+"/")
		g.Links = append(g.Links, navLink{Label: v.T(p.Label), Path: p.Path, Current: cur})
	}
	return groups
}

// noticeOf shows the notice that keys gives (message key by value) for the
// ?done= a redirect after a form came back with; any other value shows none.
func (v *view) noticeOf(r *http.Request, keys map[string]string) {
	if key, ok := keys[r.URL.Query().Get("done")]; ok {
		v.Notice = v.T(key)
	}
}
