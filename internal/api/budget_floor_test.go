package api_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestBudgetFloor: a budget line cannot be cut below what it carries
// (committed + accrued) — the 422 names the floor in the line's currency,
// formatted for the caller — unless a reduction reason is given; then the
// cut is made, audited and shown as a budget alert.
func TestBudgetFloor(t *testing.T) {
	t.Parallel()
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		ctx := context.Background()
		c := h.Admin
		project, body := workloadRequest(t, h, "SCS-1V-2-20s", 1, "confidential")
		_, prj := raw(t, h, "GET", "/v1/projects/"+project, servertest.AdminToken, "", "")
		lineID := prj["budget_line_id"].(string)
		if _, err := c.Do(ctx, "POST", "/v1/workloads", body, nil); err != nil {
			t.Fatal(err)
		}
		var bal ledger.Balance
		if _, err := c.Do(ctx, "GET", "/v1/budget-lines/"+lineID+"/balance", nil, &bal); err != nil {
			t.Fatal(err)
		}
		floor := bal.Committed.Minor + bal.Accrued.Minor
		if floor <= 0 {
			t.Fatalf("nothing committed: %+v", bal)
		}

		// Down to the floor itself is allowed without a reason.
		if _, err := c.Do(ctx, "PATCH", "/v1/budget-lines/"+lineID, map[string]any{"amount_minor": floor}, nil); err != nil {
			t.Fatalf("cutting to exactly the floor: %v", err)
		}
		// One minor unit below is refused, naming the floor.
		pt := h.Client(servertest.AdminToken, "pt-BR")
		_, err := pt.Do(ctx, "PATCH", "/v1/budget-lines/"+lineID, map[string]any{"amount_minor": floor - 1}, nil)
		var p *client.Problem
		if !errors.As(err, &p) || p.Status != http.StatusUnprocessableEntity || !strings.HasSuffix(p.Type, "/below-committed") {
			t.Fatalf("cut below the floor: %v", err)
		}
		for _, want := range []string{money.Format(money.Amount{Minor: floor, Currency: bal.Amount.Currency}, i18n.PTBR),
			money.Format(bal.Committed, i18n.PTBR), "reduction_reason"} {
			if !strings.Contains(p.Detail, want) {
				t.Errorf("detail %q lacks %q", p.Detail, want)
			}
		}
		if f, _ := p.Extensions["floor"].(map[string]any); f == nil || f["minor"] != float64(floor) {
			t.Errorf("problem's floor = %v, want %d minor", p.Extensions["floor"], floor)
		}
		var after ledger.Balance
		if _, err := c.Do(ctx, "GET", "/v1/budget-lines/"+lineID+"/balance", nil, &after); err != nil || after.Amount.Minor != floor || after.Available.Minor < 0 {
			t.Fatalf("a refused cut changed the line: %+v %v", after, err)
		}
		// A blank reason is no reason.
		if _, err := c.Do(ctx, "PATCH", "/v1/budget-lines/"+lineID, map[string]any{"amount_minor": 0, "reduction_reason": "  "}, nil); !errors.As(err, &p) || p.Status != 422 {
			t.Fatalf("blank reason: %v", err)
		}

		// With a reason: done, negative available, alert and audit.
		reason := "contingenciamento: decreto 11.415/2026"
		var line map[string]any
		if _, err := c.Do(ctx, "PATCH", "/v1/budget-lines/"+lineID, map[string]any{"amount_minor": 0, "reduction_reason": reason}, &line); err != nil {
			t.Fatalf("cut with a reason: %v", err)
		}
		if _, ok := line["reduction_reason"]; ok {
			t.Errorf("the reason is echoed on the line: %v", line)
		}
		if _, err := c.Do(ctx, "GET", "/v1/budget-lines/"+lineID+"/balance", nil, &after); err != nil || after.Amount.Minor != 0 || after.Available.Minor != -floor {
			t.Fatalf("after the reduction: %+v %v", after, err)
		}
		var alerts struct {
			Items []api.BudgetAlertView `json:"items"`
		}
		if _, err := c.Do(ctx, "GET", "/v1/budget-alerts?budget_line_id="+lineID, nil, &alerts); err != nil {
			t.Fatal(err)
		}
		var red *api.BudgetAlertView
		for i, a := range alerts.Items {
			if a.Kind == "reduction" {
				red = &alerts.Items[i]
			}
		}
		if red == nil || red.Reason != reason || red.Used.Minor != floor || red.Amount.Minor != 0 || red.By == "" {
			t.Fatalf("no reduction alert: %+v", alerts.Items)
		}
		// The alert engine raises it for the webhooks, in every language.
		if err := h.Server.Ops.Alerts.Evaluate(ctx); err != nil {
			t.Fatal(err)
		}
		var fired struct {
			Items []map[string]any `json:"items"`
		}
		if _, err := pt.Do(ctx, "GET", "/v1/alerts?rule=budget_reduced", nil, &fired); err != nil {
			t.Fatal(err)
		}
		if len(fired.Items) != 1 || fired.Items[0]["target_id"] != lineID || !strings.Contains(fmt.Sprint(fired.Items[0]["summary"]), reason) {
			t.Fatalf("budget_reduced alerts: %v", fired.Items)
		}
		var audit struct {
			Items []map[string]any `json:"items"`
		}
		if _, err := c.Do(ctx, "GET", "/v1/audit?action="+api.ActionBudgetReduce, nil, &audit); err != nil {
			t.Fatal(err)
		}
		if len(audit.Items) != 1 || audit.Items[0]["target_id"] != red.ID || audit.Items[0]["outcome"] != "success" {
			t.Fatalf("audit of the reduction: %v", audit.Items)
		}
	})
}
