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
// awaits approval (an institution that approves nothing by itself), so
// nothing moves it between the two.
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
			var ins, line, prj map[string]any
			if _, err := c.Do(ctx, "POST", "/v1/institutions", map[string]any{"name": "Prefeitura", "country": "BR", "currency": "BRL", "auto_approve_minor": 0,
				"data_policy": map[string]any{"countries": []string{"BR"}}}, &ins); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Do(ctx, "POST", "/v1/budget-lines", map[string]any{"institution_id": ins["id"], "fiscal_year": time.Now().Year(), "code": "33-90", "name": "nuvem", "amount_minor": 100_000_000}, &line); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Do(ctx, "POST", "/v1/projects", map[string]any{"institution_id": ins["id"], "budget_line_id": line["id"], "name": "portal"}, &prj); err != nil {
				t.Fatal(err)
			}
			var created, got map[string]any
			if _, err := c.Do(ctx, "POST", "/v1/workloads", body(prj["id"].(string), off, 2), &created); err != nil {
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
			if !reflect.DeepEqual(created, got) {
				t.Fatalf("the create answered\n%v\nthe GET read\n%v", created, got)
			}
			// The create reads project, institution and offering in one
			// statement; a reference naming nothing is still reported
			// on its own field.
			for field, b := range map[string]map[string]any{
				"project_id":  body("prj_nothing", off, 1),
				"offering_id": body(prj["id"].(string), "off_nothing", 1),
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
