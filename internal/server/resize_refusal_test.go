package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// resizeSnapshot is everything a refused resize must leave as it was:
// the workload (offering, forecast, state), its placements, its budget
// commitment lines and its budget line's balance.
type resizeSnapshot struct {
	Workload   string
	Placements string
	Lines      []string
	Amount     float64
	Available  float64
	Held       float64 // committed + accrued: rating moves between them, never out
}

func snapshotResize(t *testing.T, b tb, h *servertest.Harness, wid, lineID string) resizeSnapshot {
	t.Helper()
	w := b.must(200, servertest.AdminToken, "GET", "/v1/workloads/"+wid, nil)
	var s resizeSnapshot
	// The fields a resize changes; not updated_at-like fields of readers.
	wj, _ := json.Marshal(map[string]any{"offering_id": w["offering_id"], "forecast_monthly_minor": w["forecast_monthly_minor"],
		"state": w["state"], "version": w["version"], "reason": w["reason"]})
	s.Workload = string(wj)
	var ps []map[string]any
	for _, p := range w["placements"].([]any) {
		m := p.(map[string]any)
		ps = append(ps, map[string]any{"id": m["id"], "site_id": m["site_id"], "state": m["state"], "vcpus": m["vcpus"],
			"memory_mib": m["memory_mib"], "monthly_minor": m["monthly_minor"], "version": m["version"], "power": m["power"]})
	}
	pj, _ := json.Marshal(ps)
	s.Placements = string(pj)
	lines, err := h.Server.Store.Read().LedgerLines(context.Background(), store.LedgerFilter{WorkloadID: wid,
		Kinds: []model.LedgerKind{model.LedgerCommitment, model.LedgerRelease}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		s.Lines = append(s.Lines, fmt.Sprintf("%s %s %d", l.ID, l.Kind, l.AmountMinor))
	}
	slices.Sort(s.Lines)
	bal := b.must(200, servertest.AdminToken, "GET", "/v1/budget-lines/"+lineID+"/balance", nil)
	minor := func(k string) float64 { return bal[k].(map[string]any)["minor"].(float64) }
	s.Amount, s.Available, s.Held = minor("amount"), minor("available"), minor("committed")+minor("accrued")
	return s
}

// TestResizeRefusalsChangeNothing is issue #18's "a budget that cannot
// cover a resize refuses it with 422" and "resize to an offering the site
// lacks gets a 4xx", through the whole server on SQLite and PostgreSQL:
// each refusal is problem+json in the caller's language (es, pt-BR, en),
// the budget one naming the amount needed, and leaves the workload, its
// placements, its commitment lines and its budget line as they were.
func TestResizeRefusalsChangeNothing(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, h *servertest.Harness) {
		b := tb{t: t, h: h}
		prjs := b.must(200, servertest.AdminToken, "GET", "/v1/projects?name=prontuario-eletronico", nil)["items"].([]any)
		prj := prjs[0].(map[string]any)
		lineID := prj["budget_line_id"].(string)
		offs := b.must(200, servertest.AdminToken, "GET", "/v1/offerings?name=SCS-1V-2-20s", nil)["items"].([]any)
		w := b.must(201, servertest.AdminToken, "POST", "/v1/workloads", map[string]any{"project_id": prj["id"],
			"offering_id": offs[0].(map[string]any)["id"], "replicas": 1, "classification": "internal",
			"residency": map[string]any{"countries": []string{"BR"}}})
		wid := w["id"].(string)
		// The workload wait of the API: poll until running (no fixed sleep).
		for deadline := time.Now().Add(60 * time.Second); ; {
			if b.must(200, servertest.AdminToken, "GET", "/v1/workloads/"+wid, nil)["state"] == "running" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the workload did not run")
			}
			time.Sleep(20 * time.Millisecond)
		}

		// An offering priced nowhere: no site has it. 4xx, localized.
		b.must(201, servertest.AdminToken, "POST", "/v1/offerings", map[string]any{"name": "SCS-3V-6-30", "kind": "vm",
			"vcpus": 3, "memory_mib": 6144, "disk_gib": 30})
		before := snapshotResize(t, b, h, wid, lineID)
		details := map[string]bool{}
		for _, lang := range []string{"es", "pt-BR", "en"} {
			code, p := b.call(servertest.AdminToken, "POST", "/v1/workloads/"+wid+":resize", map[string]any{"offering": "SCS-3V-6-30"}, lang)
			if code < 400 || code >= 500 || p["status"] != float64(code) || p["detail"] == nil {
				t.Fatalf("%s: resize to an offering the site lacks: %d %v", lang, code, p)
			}
			details[fmt.Sprint(p["detail"])] = true
		}
		if len(details) != 3 {
			t.Errorf("the refusal is not in three languages: %v", details)
		}
		if after := snapshotResize(t, b, h, wid, lineID); !equalSnap(before, after) {
			t.Fatalf("a resize to a missing offering changed things:\n%+v\n%+v", before, after)
		}

		// The budget line cut to what is already held: nothing available,
		// so the larger size cannot be committed.
		b.must(200, servertest.AdminToken, "PATCH", "/v1/budget-lines/"+lineID, map[string]any{"amount_minor": int64(before.Held)})
		before = snapshotResize(t, b, h, wid, lineID)
		if before.Available != 0 {
			t.Fatalf("the line still has %v available", before.Available)
		}
		words := map[string]string{"es": "presupuesto", "pt-BR": "orçamento", "en": "budget"}
		details = map[string]bool{}
		for _, lang := range []string{"es", "pt-BR", "en"} {
			code, p := b.call(servertest.AdminToken, "POST", "/v1/workloads/"+wid+":resize", map[string]any{"offering": "SCS-2V-4-20s"}, lang)
			detail := fmt.Sprint(p["detail"])
			if code != 422 || p["status"] != float64(422) || !strings.Contains(fmt.Sprint(p["type"]), "budget-exceeded") {
				t.Fatalf("%s: resize over budget: %d %v", lang, code, p)
			}
			// It names the amount needed: the problem's need, formatted
			// in the reader's language, is in the detail.
			need, _ := p["need"].(map[string]any)
			if need == nil || need["minor"].(float64) <= 0 {
				t.Fatalf("%s: no amount in the problem: %v", lang, p)
			}
			if !strings.Contains(strings.ToLower(detail+" "+fmt.Sprint(p["title"])), words[lang]) {
				t.Errorf("%s: the refusal does not say budget: %q %v", lang, detail, p["title"])
			}
			if !strings.Contains(digits(detail), digits(fmt.Sprint(need["value"]))) {
				t.Errorf("%s: the detail does not name the amount needed %v: %q", lang, need["value"], detail)
			}
			details[detail] = true
		}
		if len(details) != 3 {
			t.Errorf("the budget refusal is not in three languages: %v", details)
		}
		if after := snapshotResize(t, b, h, wid, lineID); !equalSnap(before, after) {
			t.Fatalf("a refused resize changed things:\n%+v\n%+v", before, after)
		}
	})
}

func equalSnap(a, b resizeSnapshot) bool {
	return a.Workload == b.Workload && a.Placements == b.Placements && slices.Equal(a.Lines, b.Lines) &&
		a.Amount == b.Amount && a.Available == b.Available && a.Held == b.Held
}

// digits keeps only the digits of s: amounts compare across the
// languages' decimal and thousands separators.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
