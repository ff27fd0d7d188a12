// Package residency builds the residency report: for an institution (or
// the whole platform) every place its data lives — each live placement
// with the site's country and subdivision as registered now, the provider
// and its jurisdiction, the workload's classification — and a compliance
// verdict against the workload's policy, re-checked from the current
// registrations (so a site registered in the wrong place shows up as a
// violation, whatever placement believed when it chose it). It renders as
// JSON, CSV and a printable HTML page.
package residency

import (
	"context"
	"encoding/csv"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Verdicts.
const (
	Compliant = "compliant"
	Violation = "violation"
)

// Verdicts lists every verdict (the OpenAPI enum).
var Verdicts = []string{Compliant, Violation}

// Row is one placement of the report.
type Row struct {
	InstitutionID       string               `json:"institution_id"`
	Institution         string               `json:"institution"`
	ProjectID           string               `json:"project_id"`
	WorkloadID          string               `json:"workload_id"`
	Replica             int                  `json:"replica"`
	PlacementID         string               `json:"placement_id"`
	State               model.PlacementState `json:"state"`
	SiteID              string               `json:"site_id"`
	Site                string               `json:"site"`
	Country             string               `json:"country"`
	Subdivision         string               `json:"subdivision"`
	ProviderID          string               `json:"provider_id"`
	Provider            string               `json:"provider"`
	Jurisdiction        string               `json:"jurisdiction"`
	Classification      string               `json:"classification"`
	Certification       string               `json:"provider_certification"`
	SiteCertification   string               `json:"site_certification"`
	AllowedCountries    []string             `json:"allowed_countries"`
	AllowedSubdivisions []string             `json:"allowed_subdivisions,omitempty"`
	Sovereignty         string               `json:"sovereignty"`
	// PolicySovereignty is the mode the institution's data policy
	// requires for the classification now; DataPolicy names the policy.
	PolicySovereignty string `json:"policy_sovereignty"`
	DataPolicy        string `json:"data_policy"`
	// ForeignJurisdiction is true when the provider is under the law of a
	// country other than the institution's: the data is exposed to that
	// jurisdiction, whether or not the policy allows it.
	ForeignJurisdiction bool     `json:"foreign_jurisdiction"`
	Verdict             string   `json:"verdict"`
	Violations          []string `json:"violations,omitempty"`
	Simulated           bool     `json:"simulated"`
	// Addresses are the replica's addresses as its provider reports them:
	// where it can be reached is data location too.
	Addresses []string `json:"addresses,omitempty"`
}

// Report is the residency report.
type Report struct {
	GeneratedAt   time.Time `json:"generated_at"`
	InstitutionID string    `json:"institution_id,omitempty"`
	Placements    int       `json:"placements"`
	Violations    int       `json:"violations"`
	// ForeignExposure counts the placements on providers of a foreign
	// jurisdiction.
	ForeignExposure int   `json:"foreign_exposure"`
	Rows            []Row `json:"rows"`
}

var rank = map[string]int{model.ClassPublic: 0, model.ClassInternal: 1, model.ClassConfidential: 2, model.ClassRestricted: 3}

// Build makes the report for an institution ("" for the platform).
// Violation texts are in lang.
func Build(ctx context.Context, st *store.Store, institutionID string, lang i18n.Lang) (Report, error) {
	tx := st.Read()
	rep := Report{GeneratedAt: st.Now(), InstitutionID: institutionID, Rows: []Row{}}
	ps, err := tx.LivePlacementsOf(ctx, institutionID)
	if err != nil {
		return rep, err
	}
	siteBy, err := tx.Sites().ByID(ctx)
	if err != nil {
		return rep, err
	}
	provBy, err := tx.Providers().ByID(ctx)
	if err != nil {
		return rep, err
	}
	instBy, err := tx.Institutions().ByID(ctx)
	if err != nil {
		return rep, err
	}
	wls := map[string]model.Workload{}
	for _, p := range ps {
		w, ok := wls[p.WorkloadID]
		if !ok {
			if w, err = tx.Workloads().Get(ctx, p.WorkloadID); err != nil {
				return rep, err
			}
			wls[p.WorkloadID] = w
		}
		s, sok := siteBy[p.SiteID]
		pr := provBy[p.ProviderID]
		in := instBy[w.InstitutionID]
		r := Row{InstitutionID: w.InstitutionID, Institution: in.Name, ProjectID: w.ProjectID, WorkloadID: w.ID,
			Replica: p.Replica, PlacementID: p.ID, State: p.State, SiteID: p.SiteID, Site: s.Name, Country: s.Country,
			Subdivision: s.Subdivision, ProviderID: p.ProviderID, Provider: pr.Name, Jurisdiction: pr.Jurisdiction,
			Classification: w.Classification, Certification: pr.Certification, SiteCertification: s.Certification,
			AllowedCountries: w.Residency.Countries, AllowedSubdivisions: w.Residency.Subdivisions,
			Sovereignty: w.Sovereignty.Mode, Simulated: p.Simulated}
		for _, a := range p.Addresses {
			r.Addresses = append(r.Addresses, a.Address)
		}
		add := func(key string, args ...any) { r.Violations = append(r.Violations, i18n.T(lang, key, args...)) }
		if !sok {
			add("residency.violation.site_unknown", p.SiteID)
		} else {
			if !slices.Contains(w.Residency.Countries, s.Country) {
				add("residency.violation.country", s.Country, strings.Join(w.Residency.Countries, ", "))
			}
			if len(w.Residency.Subdivisions) > 0 && !slices.Contains(w.Residency.Subdivisions, s.Subdivision) {
				add("residency.violation.subdivision", s.Subdivision, strings.Join(w.Residency.Subdivisions, ", "))
			}
			if s.Certification != "" && rank[s.Certification] < rank[w.Classification] {
				add("residency.violation.site_certification", s.Certification, w.Classification)
			}
		}
		if rank[pr.Certification] < rank[w.Classification] {
			add("residency.violation.provider_certification", pr.Name, pr.Certification, w.Classification)
		}
		// The institution's data policy as it stands now judges every
		// placement, also those made before it existed or was tightened.
		if in.ID != "" {
			r.PolicySovereignty = in.DataPolicy.Floor(w.Classification).Mode
			r.DataPolicy = in.DataPolicy.Summary(in.Country)
			r.ForeignJurisdiction = pr.Jurisdiction != in.Country
			country := s.Country
			if !sok {
				country = ""
			}
			for _, f := range in.DataPolicy.Judge(in.Country, w.Classification, country, pr.Jurisdiction) {
				if !sok && f.Field == "jurisdiction" && r.PolicySovereignty == model.SovereigntyNational {
					continue // the unknown site is already a violation
				}
				r.Violations = append(r.Violations, f.Reason(lang))
			}
		}
		if r.ForeignJurisdiction {
			rep.ForeignExposure++
		}
		switch w.Sovereignty.Mode {
		case model.SovereigntyNational:
			if sok && pr.Jurisdiction != s.Country {
				add("residency.violation.national", pr.Name, pr.Jurisdiction, s.Country)
			}
		case model.SovereigntyRegional:
			if !slices.Contains(w.Sovereignty.Jurisdictions, pr.Jurisdiction) {
				add("residency.violation.regional", pr.Name, pr.Jurisdiction, strings.Join(w.Sovereignty.Jurisdictions, ", "))
			}
		}
		r.Verdict = Compliant
		if len(r.Violations) > 0 {
			r.Verdict = Violation
			rep.Violations++
		}
		rep.Rows = append(rep.Rows, r)
	}
	rep.Placements = len(rep.Rows)
	return rep, nil
}

// CSVHeader is the CSV's first line.
var CSVHeader = []string{"institution_id", "institution", "project_id", "workload_id", "replica", "placement_id", "state",
	"site_id", "site", "country", "subdivision", "provider_id", "provider", "jurisdiction", "classification",
	"provider_certification", "site_certification", "allowed_countries", "allowed_subdivisions", "sovereignty",
	"verdict", "violations", "simulated", "foreign_jurisdiction", "policy_sovereignty", "data_policy", "addresses"}

// WriteCSV writes the report as CSV (RFC 4180).
func (rep Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, r := range rep.Rows {
		if err := cw.Write([]string{r.InstitutionID, r.Institution, r.ProjectID, r.WorkloadID, strconv.Itoa(r.Replica), r.PlacementID,
			string(r.State), r.SiteID, r.Site, r.Country, r.Subdivision, r.ProviderID, r.Provider, r.Jurisdiction, r.Classification,
			r.Certification, r.SiteCertification, strings.Join(r.AllowedCountries, " "), strings.Join(r.AllowedSubdivisions, " "),
			r.Sovereignty, r.Verdict, strings.Join(r.Violations, "; "), strconv.FormatBool(r.Simulated),
			strconv.FormatBool(r.ForeignJurisdiction), r.PolicySovereignty, r.DataPolicy, strings.Join(r.Addresses, " ")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

var page = template.Must(template.New("residency").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.T.title}}</title>
<style>
body{font:12px/1.4 system-ui,sans-serif;margin:2em}h1{font-size:18px}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:3px 5px;text-align:left;vertical-align:top}th{background:#eee}
tr.violation td{background:#fde8e8}.foreign{color:#b00}.sim{color:#a60}@media print{body{margin:0}tr{page-break-inside:avoid}}
</style></head><body>
<h1>{{.T.title}}</h1>
<p>{{.T.generated}} {{.R.GeneratedAt.Format "2006-01-02 15:04:05 MST"}} · {{.T.placements}}: {{.R.Placements}} · {{.T.violations}}: {{.R.Violations}} · {{.T.foreign_exposure}}: {{.R.ForeignExposure}}</p>
<table><thead><tr><th>{{.T.institution}}</th><th>{{.T.workload}}</th><th>#</th><th>{{.T.site}}</th><th>{{.T.country}}</th>
<th>{{.T.provider}}</th><th>{{.T.jurisdiction}}</th><th>{{.T.classification}}</th><th>{{.T.data_policy}}</th><th>{{.T.addresses}}</th><th>{{.T.verdict}}</th></tr></thead><tbody>
{{range .R.Rows}}<tr class="{{.Verdict}}"><td>{{.Institution}}</td><td>{{.WorkloadID}}</td><td>{{.Replica}}</td>
<td>{{.Site}}{{if .Simulated}} <span class="sim">SIMULATED</span>{{end}}</td><td>{{.Country}} {{.Subdivision}}</td><td>{{.Provider}}</td>
<td>{{.Jurisdiction}}{{if .ForeignJurisdiction}} <strong class="foreign">{{$.T.foreign}}</strong>{{end}}</td><td>{{.Classification}}</td><td>{{.DataPolicy}}</td><td>{{range $i, $a := .Addresses}}{{if $i}}<br>{{end}}{{$a}}{{else}}{{$.T.no_addresses}}{{end}}</td><td>{{.Verdict}}{{range .Violations}}<br>{{.}}{{end}}</td></tr>
{{end}}</tbody></table></body></html>
`))

// WriteHTML writes a printable page in lang.
func (rep Report) WriteHTML(w io.Writer, lang i18n.Lang) error {
	t := map[string]string{}
	for _, k := range []string{"title", "generated", "placements", "violations", "institution", "workload", "site", "country",
		"provider", "jurisdiction", "classification", "verdict", "foreign_exposure", "foreign", "data_policy", "addresses", "no_addresses"} {
		t[k] = i18n.T(lang, "residency.html."+k)
	}
	return page.Execute(w, map[string]any{"R": rep, "T": t, "Lang": string(lang)})
}
