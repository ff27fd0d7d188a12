package server_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/residency"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// opsFleet creates n one-replica workloads in the Brazilian demo project
// over HTTP and waits until they run; it returns their ids.
func opsFleet(t *testing.T, h *servertest.Harness, n int) []string {
	t.Helper()
	ctx := context.Background()
	project := firstID(t, h.Admin, "/v1/projects?name=prontuario-eletronico")[0]
	offering := firstID(t, h.Admin, "/v1/offerings?name=SCS-1V-2-20s")[0]
	// The fleet is migrated and evacuated across providers, the foreign
	// one included: the ministry's policy must allow it.
	openPolicy(t, h, project)
	var ids []string
	for range n {
		var wl map[string]any
		if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", map[string]any{
			"project_id": project, "offering_id": offering, "replicas": 1, "classification": "internal",
			"residency": map[string]any{"countries": []string{"BR"}}, "sovereignty": map[string]any{"mode": "any"},
		}, &wl); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, wl["id"].(string))
	}
	for _, id := range ids {
		h.WaitRunning(t, id, time.Minute)
	}
	return ids
}

// runningProviders lists the providers of a workload's running replicas.
func runningProviders(t *testing.T, c *client.Client, id string) []string {
	t.Helper()
	var w struct {
		Placements []struct {
			ProviderID string `json:"provider_id"`
			State      string `json:"state"`
		} `json:"placements"`
	}
	if _, err := c.Do(context.Background(), "GET", "/v1/workloads/"+id, nil, &w); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range w.Placements {
		if p.State == "running" {
			out = append(out, p.ProviderID)
		}
	}
	return out
}

// TestMigrateRoutePlanExecuteConverges: the plan names the targets, the
// cost change, the steps (in the caller's language) and the data; the
// migration converges with every replica off the excluded provider and
// the workload never below its running replicas; problems are localized.
func TestMigrateRoutePlanExecuteConverges(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	id := opsFleet(t, h, 1)[0]
	from := runningProviders(t, h.Admin, id)
	if len(from) != 1 {
		t.Fatalf("running replicas: %v", from)
	}
	es := h.Client(servertest.AdminToken, "es")
	target := map[string]any{"exclude_providers": []string{from[0]}}
	var plan struct {
		Feasible          bool             `json:"feasible"`
		Moves             []map[string]any `json:"moves"`
		Steps             []string         `json:"steps"`
		DeltaMonthlyMinor int64            `json:"delta_monthly_minor"`
		Data              []map[string]any `json:"data"`
	}
	if _, err := es.Do(ctx, "POST", "/v1/workloads/"+id+"/migration-plan", target, &plan); err != nil {
		t.Fatal(err)
	}
	if !plan.Feasible || len(plan.Moves) != 1 || plan.Moves[0]["to_provider"] == from[0] || len(plan.Data) != 1 {
		t.Fatalf("plan: %+v", plan)
	}
	if len(plan.Steps) != 4 || !strings.Contains(plan.Steps[0], "réplicas") {
		t.Fatalf("steps not in Spanish: %q", plan.Steps)
	}
	// Nothing changed yet.
	if got := runningProviders(t, h.Admin, id); len(got) != 1 || got[0] != from[0] {
		t.Fatalf("the plan moved something: %v", got)
	}

	var m struct {
		ID    string `json:"id"`
		State string `json:"state"`
	}
	hdr, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+id+"/migrations", target, &m)
	if err != nil {
		t.Fatal(err)
	}
	// The answer reads the migration after starting it: on a fast
	// provider it may have switched already, so running and done are both
	// right here; the wait below is what shows it converges.
	if (m.State != "running" && m.State != "done") || hdr.Get("Location") != "/v1/workloads/"+id+"/migrations/"+m.ID {
		t.Fatalf("migration %+v at %q", m, hdr.Get("Location"))
	}
	requestTargets(t, h, "POST /v1/workloads/{id}/migrations", "migrations", m.ID)
	opstest.Eventually(t, time.Minute, "migration done", func() (bool, string) {
		if n := len(runningProviders(t, h.Admin, id)); n < 1 {
			t.Fatalf("the workload fell to %d running replicas", n)
		}
		var st map[string]any
		if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+id+"/migrations/"+m.ID, nil, &st); err != nil {
			t.Fatal(err)
		}
		if st["state"] == "rolled_back" {
			t.Fatalf("rolled back: %v", st["reason"])
		}
		return st["state"] == "done" && st["workload_state"] == "running", fmt.Sprint(st["state"], " ", st["new_running"])
	})
	opstest.Eventually(t, time.Minute, "old replica deleted", func() (bool, string) {
		got := runningProviders(t, h.Admin, id)
		return len(got) == 1 && got[0] != from[0], fmt.Sprint(got)
	})
	var list struct{ Items []map[string]any }
	if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+id+"/migrations", nil, &list); err != nil || len(list.Items) != 1 {
		t.Fatalf("migrations of the workload: %v %+v", err, list)
	}

	// Problems are problem+json in the caller's language.
	pt := h.Client(servertest.AdminToken, "pt-BR")
	_, err = pt.Do(ctx, "POST", "/v1/workloads/"+id+"/migrations", map[string]any{}, nil)
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Detail, "informe to_provider") {
		t.Fatalf("no target: %v", err)
	}
	_, err = pt.Do(ctx, "POST", "/v1/workloads/wl_nope/migrations", target, nil)
	if !errors.As(err, &p) || p.Status != http.StatusNotFound {
		t.Fatalf("unknown workload: %v", err)
	}
}

// TestEvacuatePlanAccountsForEveryWorkload: the plan lists every workload
// on the provider (feasible with targets, or the reason), and executing it
// leaves only the infeasible ones there.
func TestEvacuatePlanAccountsForEveryWorkload(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	opsFleet(t, h, 6)
	// The provider holding most of them.
	counts := map[string]int{}
	var page struct{ Items []map[string]any }
	if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads?limit=1000", nil, &page); err != nil {
		t.Fatal(err)
	}
	prov := ""
	for _, w := range page.Items {
		for _, p := range runningProviders(t, h.Admin, w["id"].(string)) {
			counts[p]++
			if prov == "" || counts[p] > counts[prov] {
				prov = p
			}
		}
	}
	on, err := h.Server.Store.Read().ActiveOnProvider(ctx, prov)
	if err != nil {
		t.Fatal(err)
	}
	var plan struct {
		Workloads, Feasible, Infeasible int
		Items                           []struct {
			WorkloadID string `json:"workload_id"`
			Feasible   bool   `json:"feasible"`
			Reason     string `json:"reason"`
			Plan       struct {
				Moves []map[string]any `json:"moves"`
			} `json:"plan"`
		} `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/providers/"+prov+":evacuate-plan", nil, &plan); err != nil {
		t.Fatal(err)
	}
	if plan.Workloads != len(on) || len(plan.Items) != len(on) || plan.Feasible+plan.Infeasible != len(on) {
		t.Fatalf("plan accounts for %d (%d+%d) of %d workloads on %s", plan.Workloads, plan.Feasible, plan.Infeasible, len(on), prov)
	}
	for _, it := range plan.Items {
		if it.Feasible && len(it.Plan.Moves) == 0 || !it.Feasible && it.Reason == "" {
			t.Fatalf("item %+v: a target or a reason", it)
		}
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/providers/"+prov+":nope", nil, nil); err == nil {
		t.Fatal("unknown provider action accepted")
	}

	var started struct {
		ID    string `json:"id"`
		Total int    `json:"total"`
	}
	hdr, err := h.Admin.Do(ctx, "POST", "/v1/providers/"+prov+":evacuate", map[string]int{"concurrency": 2}, &started)
	if err != nil {
		t.Fatal(err)
	}
	if started.Total != plan.Feasible || hdr.Get("Location") != "/v1/evacuations/"+started.ID {
		t.Fatalf("evacuation %+v at %q", started, hdr.Get("Location"))
	}
	requestTargets(t, h, "POST /v1/providers/{id}", "evacuations", started.ID)
	var prog map[string]any
	opstest.Eventually(t, 2*time.Minute, "evacuation done", func() (bool, string) {
		if _, err := h.Admin.Do(ctx, "GET", "/v1/evacuations/"+started.ID, nil, &prog); err != nil {
			t.Fatal(err)
		}
		return prog["state"] == "done", fmt.Sprint(prog)
	})
	if int(prog["done"].(float64)) != plan.Feasible {
		t.Fatalf("moved %v of %d", prog["done"], plan.Feasible)
	}
	left, err := h.Server.Store.Read().ActiveOnProvider(ctx, prov)
	if err != nil || len(left) != plan.Infeasible {
		t.Fatalf("%d workloads left on %s, want %d (%v)", len(left), prov, plan.Infeasible, err)
	}
}

// scopedToken makes a service token with role bound at an institution.
func scopedToken(t *testing.T, h *servertest.Harness, role string, kind auth.ScopeKind, scopeID string) string {
	t.Helper()
	secret, hash := auth.NewSecret(auth.TokenPrefix)
	err := h.Server.Store.InTx(context.Background(), func(tx *store.Tx) error {
		tok := model.APIToken{Kind: auth.TokenService, ScopeKind: string(kind), ScopeID: scopeID}
		tok.Name, tok.Role, tok.Hash = role+"@"+scopeID, role, hash
		return tx.CreateAPIToken(context.Background(), &tok)
	})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func getRaw(t *testing.T, h *servertest.Harness, token, lang, path string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", h.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept-Language", lang)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// TestResidencyReportRoute: JSON, CSV and printable HTML in es, pt-BR and
// en; an institution admin reads its own institution's report only
// (another's is 404, no institution means its own); auditors read the
// platform's; a developer may not read it.
func TestResidencyReportRoute(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	opsFleet(t, h, 2)
	var ins struct {
		Items []struct {
			ID      string `json:"id"`
			Country string `json:"country"`
		} `json:"items"`
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/institutions", nil, &ins); err != nil {
		t.Fatal(err)
	}
	own, other := "", ""
	for _, in := range ins.Items {
		if in.Country == "BR" && own == "" {
			own = in.ID
		} else if other == "" {
			other = in.ID
		}
	}
	titles := map[string]string{"es": "Informe de residencia de datos", "pt-BR": "Relatório de residência de dados", "en": "Data residency report"}
	for lang, title := range titles {
		code, ct, body := getRaw(t, h, servertest.AdminToken, lang, "/v1/residency?institution_id="+own+"&format=html")
		if code != 200 || !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, title) || !strings.Contains(body, `lang="`+lang+`"`) {
			t.Fatalf("html %s: %d %s %.200s", lang, code, ct, body)
		}
		code, ct, body = getRaw(t, h, servertest.AdminToken, lang, "/v1/residency?institution_id="+own+"&format=csv")
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if code != 200 || !strings.HasPrefix(ct, "text/csv") || err != nil || len(recs) != 3 || strings.Join(recs[0], ",") != strings.Join(residency.CSVHeader, ",") {
			t.Fatalf("csv %s: %d %s %v %q", lang, code, ct, err, body)
		}
		code, ct, body = getRaw(t, h, servertest.AdminToken, lang, "/v1/residency?institution_id="+own+"&format=json")
		var rep residency.Report
		if code != 200 || !strings.HasPrefix(ct, "application/json") || json.Unmarshal([]byte(body), &rep) != nil || rep.Placements != 2 || rep.Violations != 0 {
			t.Fatalf("json %s: %d %s %.300s", lang, code, ct, body)
		}
		code, ct, body = getRaw(t, h, servertest.AdminToken, lang, "/v1/residency?format=pdf")
		if code != 400 || !strings.HasPrefix(ct, "application/problem+json") || !strings.Contains(body, map[string]string{"es": "use json, csv o html", "pt-BR": "use json, csv ou html", "en": "use json, csv or html"}[lang]) {
			t.Fatalf("bad format %s: %d %s %s", lang, code, ct, body)
		}
	}

	admin := scopedToken(t, h, auth.RoleInstitutionAdmin, auth.Institution, own)
	code, _, body := getRaw(t, h, admin, "en", "/v1/residency?institution_id="+other)
	if code != 404 || !strings.Contains(body, "not-found") {
		t.Fatalf("another institution's report: %d %s", code, body)
	}
	code, _, body = getRaw(t, h, admin, "en", "/v1/residency")
	var rep residency.Report
	if code != 200 || json.Unmarshal([]byte(body), &rep) != nil || rep.Placements != 2 {
		t.Fatalf("own report: %d %.300s", code, body)
	}
	for _, r := range rep.Rows {
		if r.InstitutionID != own {
			t.Fatalf("row of another institution: %+v", r)
		}
	}
	otherAdmin := scopedToken(t, h, auth.RoleInstitutionAdmin, auth.Institution, other)
	code, _, body = getRaw(t, h, otherAdmin, "en", "/v1/residency?format=json")
	rep = residency.Report{}
	if code != 200 || json.Unmarshal([]byte(body), &rep) != nil || rep.Placements != 0 || len(rep.Rows) != 0 {
		t.Fatalf("another institution sees: %d %.300s", code, body)
	}
	auditor := scopedToken(t, h, auth.RoleAuditor, auth.Platform, "")
	code, _, body = getRaw(t, h, auditor, "en", "/v1/residency")
	rep = residency.Report{}
	if code != 200 || json.Unmarshal([]byte(body), &rep) != nil || rep.Placements != 2 || rep.InstitutionID != "" {
		t.Fatalf("platform report for the auditor: %d %.300s", code, body)
	}
	dev := scopedToken(t, h, auth.RoleDeveloper, auth.Institution, own)
	if code, _, body := getRaw(t, h, dev, "en", "/v1/residency"); code != 403 {
		t.Fatalf("developer: %d %s", code, body)
	}
}

// requestTargets checks that the audit event of the last request with the
// given action names the object the request created.
func requestTargets(t *testing.T, h *servertest.Harness, action, kind, id string) {
	t.Helper()
	evs, err := h.Server.Store.Read().AuditEvents(context.Background(), store.AuditFilter{Limit: 100, Action: action})
	if err != nil || len(evs) == 0 {
		t.Fatalf("audit events of %s: %v %+v", action, err, evs)
	}
	last := evs[0]
	for _, e := range evs {
		if e.Seq > last.Seq {
			last = e
		}
	}
	if last.TargetKind != kind || last.TargetID != id {
		t.Fatalf("%s targets %s %s, want %s %s", action, last.TargetKind, last.TargetID, kind, id)
	}
}
