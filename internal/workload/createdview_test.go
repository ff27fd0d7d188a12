package workload_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestCreateAnswersWhatGetReads: the create's response is built from what
// its transaction stored instead of read back (issue #19), so it must be
// the very view a GET reads from the database afterwards. The workload
// awaits approval, so nothing moves it between the two.
func TestCreateAnswersWhatGetReads(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		pg   bool
	}{{"sqlite", false}, {"postgres", true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := servertest.Start(t, servertest.Options{Postgres: tc.pg})
			c := h.Admin
			ctx := context.Background()
			_, off := fixture(t, c)
			// newProject makes an institution (with the given settings),
			// a budget line of amount and a project on it.
			newProject := func(name string, ins map[string]any, amount int64) string {
				t.Helper()
				var in, line, prj map[string]any
				ins["name"], ins["country"], ins["currency"] = name, "BR", "BRL"
				ins["data_policy"] = map[string]any{"countries": []string{"BR"}}
				if _, err := c.Do(ctx, "POST", "/v1/institutions", ins, &in); err != nil {
					t.Fatal(err)
				}
				if _, err := c.Do(ctx, "POST", "/v1/budget-lines", map[string]any{"institution_id": in["id"], "fiscal_year": time.Now().Year(), "code": "33-90", "name": "nuvem", "amount_minor": amount}, &line); err != nil {
					t.Fatal(err)
				}
				if _, err := c.Do(ctx, "POST", "/v1/projects", map[string]any{"institution_id": in["id"], "budget_line_id": line["id"], "name": "portal"}, &prj); err != nil {
					t.Fatal(err)
				}
				return prj["id"].(string)
			}
			// Two requests that wait for approval: one of an institution
			// that approves nothing by itself (the budget is not asked:
			// no cost), one that approves everything but whose line is
			// too small, of an institution that takes overdraft requests
			// (the ledger knows the workload: a cost, nothing committed).
			prj := newProject("Prefeitura", map[string]any{"auto_approve_minor": 0}, 100_000_000)
			for _, tc := range []struct {
				project string
				cost    bool
			}{
				{prj, false},
				{newProject("Secretaria", map[string]any{"auto_approve_minor": 1_000_000_000, "allow_overdraft_requests": true}, 1), true},
			} {
				var created, got map[string]any
				if _, err := c.Do(ctx, "POST", "/v1/workloads", body(tc.project, off, 2), &created); err != nil {
					t.Fatal(err)
				}
				if created["state"] != "pending_approval" {
					t.Fatalf("the create was not held for approval: %v", created["state"])
				}
				if _, err := c.Do(ctx, "GET", "/v1/workloads/"+created["id"].(string), nil, &got); err != nil {
					t.Fatal(err)
				}
				if pl, _ := got["placements"].([]any); len(pl) != 2 {
					t.Fatalf("GET answered %d placements", len(pl))
				}
				if ev, _ := got["events"].([]any); len(ev) != 2 {
					t.Fatalf("GET answered %d events", len(ev))
				}
				if _, has := got["cost"]; has != tc.cost {
					t.Fatalf("GET answered cost %v, want one: %v", got["cost"], tc.cost)
				}
				if !reflect.DeepEqual(created, got) {
					t.Fatalf("the create answered\n%v\nthe GET read\n%v", created, got)
				}
			}
			// The create reads project, institution and offering in one
			// statement; a reference naming nothing is still reported
			// on its own field.
			for field, b := range map[string]map[string]any{
				"project_id":  body("prj_nothing", off, 1),
				"offering_id": body(prj, "off_nothing", 1),
			} {
				_, err := c.Do(ctx, "POST", "/v1/workloads", b, nil)
				var p *client.Problem
				if !errors.As(err, &p) || p.Status != 422 || len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != field {
					t.Fatalf("a create naming no %s: %v", field, err)
				}
			}
		})
	}
}
