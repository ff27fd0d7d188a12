package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
)

func postCSV(t *testing.T, h *servertest.Harness, lang, body string) (int, map[string]any) {
	t.Helper()
	resp, out := raw(t, h, "POST", "/v1/fx-rates:import?source=BCB", servertest.AdminToken, lang, body, "Content-Type", "text/csv")
	if out == nil {
		t.Fatalf("%d: the answer is not a JSON object", resp.StatusCode)
	}
	return resp.StatusCode, out
}

func TestFXRatesCSVImport(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	good := "date,from,to,rate\n2026-11-02,USD,BRL,5.4301\n2026-11-02,USD,CLP,951.2\n"
	code, out := postCSV(t, h, "en", good)
	if code != 201 || out["imported"] != float64(2) {
		t.Fatalf("import: %d %v", code, out)
	}
	code, out = postCSV(t, h, "en", good) // re-importing is safe
	if code != 201 || out["imported"] != float64(0) || out["unchanged"] != float64(2) {
		t.Fatalf("re-import: %d %v", code, out)
	}
	bad := "date,from,to,rate\n2026-11-03,USD,BRL,5.5\n2026-11-03,USD,BRL,-1\n2026-13-01,USD,XXX,1\n"
	code, out = postCSV(t, h, "pt-BR", bad)
	if code != 422 {
		t.Fatalf("bad import: %d %v", code, out)
	}
	params, _ := json.Marshal(out["invalid_params"])
	for _, want := range []string{`"line 3: rate"`, `"line 4: date"`, "decimal positivo", "data AAAA-MM-DD"} {
		if !bytes.Contains(params, []byte(want)) {
			t.Errorf("invalid_params lack %s: %s", want, params)
		}
	}
	// All or none: the good line of the bad file was not imported.
	code, out = postCSV(t, h, "en", "date,from,to,rate\n2026-11-02,USD,BRL,5.9\n")
	if code != 422 || !strings.Contains(string(must(json.Marshal(out))), "already stored") {
		t.Fatalf("conflicting re-import: %d %v", code, out)
	}
	var page struct{ Items []map[string]any }
	if _, err := h.Admin.Do(context.Background(), "GET", "/v1/fx-rates?valid_on=2026-11-03", nil, &page); err != nil || len(page.Items) != 0 {
		t.Fatalf("a refused import stored %v (%v)", page.Items, err)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// TestLedgerEndToEnd drives the ledger through the real server: a workload
// commits its forecast, runs (metered), shows its cost, is deleted
// (released); statements and closing answer; an over-budget request is
// refused with the line, need and shortfall in the caller's language.
func TestLedgerEndToEnd(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	c := h.Admin
	project, body := workloadRequest(t, h, "SCS-1V-2-20s", 1, "confidential")
	_, prj := raw(t, h, "GET", "/v1/projects/"+project, servertest.AdminToken, "", "")
	lineID, insID := prj["budget_line_id"].(string), prj["institution_id"].(string)
	var w struct {
		ID, State string
	}
	if _, err := c.Do(ctx, "POST", "/v1/workloads", body, &w); err != nil {
		t.Fatal(err)
	}
	var bal ledger.Balance
	if _, err := c.Do(ctx, "GET", "/v1/budget-lines/"+lineID+"/balance", nil, &bal); err != nil {
		t.Fatal(err)
	}
	if bal.Committed.Minor <= 0 || bal.Available.Minor != bal.Amount.Minor-bal.Committed.Minor-bal.Accrued.Minor {
		t.Fatalf("balance after create: %+v", bal)
	}
	var lineView struct {
		Committed, Accrued, Available struct{ Minor int64 }
	}
	if _, err := c.Do(ctx, "GET", "/v1/budget-lines/"+lineID, nil, &lineView); err != nil {
		t.Fatal(err)
	}
	if lineView.Committed.Minor != bal.Committed.Minor || lineView.Available.Minor != bal.Available.Minor {
		t.Fatalf("budget line shows %+v, balance says %+v", lineView, bal)
	}
	// Running: metered.
	h.WaitRunning(t, w.ID, 30*time.Second)
	var cost struct {
		ForecastMonthly struct{ Minor int64 } `json:"forecast_monthly"`
		MonthToDate     struct{ Minor int64 } `json:"month_to_date"`
		Committed       struct{ Minor int64 } `json:"committed"`
	}
	if _, err := c.Do(ctx, "GET", "/v1/workloads/"+w.ID+"/cost", nil, &cost); err != nil {
		t.Fatal(err)
	}
	if cost.ForecastMonthly.Minor <= 0 || cost.Committed.Minor != bal.Committed.Minor || cost.MonthToDate.Minor < 0 {
		t.Fatalf("cost %+v", cost)
	}
	var full struct {
		Cost *struct {
			ForecastMonthly struct{ Minor int64 } `json:"forecast_monthly"`
			MonthToDate     struct{ Minor int64 } `json:"month_to_date"`
		} `json:"cost"`
	}
	if _, err := c.Do(ctx, "GET", "/v1/workloads/"+w.ID, nil, &full); err != nil {
		t.Fatal(err)
	}
	if full.Cost == nil || full.Cost.ForecastMonthly.Minor != cost.ForecastMonthly.Minor || full.Cost.MonthToDate.Minor < 0 {
		t.Fatalf("workload page lacks its cost: %+v", full.Cost)
	}
	ivs, err := h.Server.Store.Read().WorkloadIntervals(ctx, w.ID)
	if err != nil || len(ivs) != 1 || ivs[0].End != nil {
		t.Fatalf("usage intervals of a running workload: %+v %v", ivs, err)
	}
	if _, err := c.Do(ctx, "DELETE", "/v1/workloads/"+w.ID, nil, nil); err != nil {
		t.Fatal(err)
	}
	opstest.Eventually(t, 30*time.Second, "workload "+w.ID+" deleted", func() (bool, string) {
		if _, err := c.Do(ctx, "GET", "/v1/workloads/"+w.ID, nil, &w); err != nil {
			t.Fatal(err)
		}
		return w.State == "deleted", "it is " + w.State
	})
	if _, err := c.Do(ctx, "POST", "/v1/ledger:rate", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, "GET", "/v1/budget-lines/"+lineID+"/balance", nil, &bal); err != nil {
		t.Fatal(err)
	}
	if bal.Committed.Minor != 0 {
		t.Fatalf("committed after delete: %+v", bal)
	}
	month := ledger.Month(time.Now())
	var st ledger.Statement
	if _, err := c.Do(ctx, "GET", "/v1/statements?institution_id="+insID+"&month="+month, nil, &st); err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, l := range st.Lines {
		sum += l.Amount.Minor
	}
	if st.Total != nil && st.Total.Minor != sum {
		t.Fatalf("statement total %v, lines %d", st.Total, sum)
	}
	var p *client.Problem
	if _, err := c.Do(ctx, "POST", "/v1/statements:close", map[string]any{"month": month}, nil); !errors.As(err, &p) || p.Status != 409 {
		t.Fatalf("closing the running month: %v", err)
	}
	if _, err := c.Do(ctx, "GET", "/v1/statements?month=2026-13&institution_id="+insID, nil, nil); !errors.As(err, &p) || p.Status != 400 {
		t.Fatalf("bad month: %v", err)
	}

	// A small line of an institution that refuses overdrafts.
	var ins, line, small map[string]any
	if _, err := c.Do(ctx, "POST", "/v1/institutions", map[string]any{"name": "Municipalidad", "country": "CL", "currency": "CLP", "auto_approve_minor": 1_000_000_000,
		"data_policy": map[string]any{"countries": []string{"CL", "BR"}}}, &ins); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, "POST", "/v1/budget-lines", map[string]any{"institution_id": ins["id"], "fiscal_year": time.Now().Year(), "code": "22-11", "name": "nube", "amount_minor": 10}, &line); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Do(ctx, "POST", "/v1/projects", map[string]any{"institution_id": ins["id"], "budget_line_id": line["id"], "name": "web"}, &small); err != nil {
		t.Fatal(err)
	}
	body["project_id"] = small["id"]
	es := h.Client(servertest.AdminToken, "es-CL")
	_, err = es.Do(ctx, "POST", "/v1/workloads", body, nil)
	if !errors.As(err, &p) || p.Status != 422 {
		t.Fatalf("over-budget request: %v", err)
	}
	t.Logf("refusal: %s — %s", p.Type, p.Detail)
	if !strings.Contains(p.Detail, "22-11") || !strings.Contains(p.Detail, "faltan $") || !strings.HasSuffix(p.Type, "/budget-exceeded") || p.Extensions["shortfall"] == nil || p.Extensions["budget_line_id"] != line["id"] {
		t.Fatalf("over-budget problem: %+v", p)
	}
}
