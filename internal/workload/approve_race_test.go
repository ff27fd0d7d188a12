package workload_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestConcurrentApprovalsApproveOnce: an approval reads the workload once,
// before its transaction, and relies on the version checks of the writes
// in it (issue #19); two approvals of one workload at once must still
// approve it once: one answers 200, the other 409 (a conflict, or the
// state no longer pending), and the timeline has one approval.
func TestConcurrentApprovalsApproveOnce(t *testing.T) {
	t.Parallel()
	for _, pg := range []bool{false, true} {
		t.Run(map[bool]string{false: "sqlite", true: "postgres"}[pg], func(t *testing.T) {
			h := servertest.Start(t, servertest.Options{Postgres: pg})
			prj, _ := fixture(t, h.Admin)
			ctx := context.Background()
			fin := financeOfficer(t, h, prj)
			for range 3 {
				v := pendingApproval(t, h, prj)
				errs := make([]error, 2)
				var wg sync.WaitGroup
				for i := range errs {
					wg.Go(func() { _, errs[i] = fin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":approve", nil, nil) })
				}
				wg.Wait()
				ok, conflict := 0, 0
				for _, err := range errs {
					var p *client.Problem
					switch {
					case err == nil:
						ok++
					case errors.As(err, &p) && p.Status == 409:
						conflict++
					default:
						t.Fatalf("approval: %v", err)
					}
				}
				if ok != 1 || conflict != 1 {
					t.Fatalf("two approvals at once: %d approved, %d conflicts (%v)", ok, conflict, errs)
				}
				if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+v.ID, nil, &v); err != nil {
					t.Fatal(err)
				}
				approvals := 0
				for _, e := range v.Events {
					if e.To == "approved" {
						approvals++
					}
				}
				if approvals != 1 {
					t.Fatalf("the timeline has %d approvals: %+v", approvals, v.Events)
				}
				// The approval's audit event is written once, with the
				// approval's other last writes (store.Tx.PipelinedLast).
				opstest.Eventually(t, 30*time.Second, "the approval's audit event", func() (bool, string) {
					var page struct {
						Items []struct {
							Action  string `json:"action"`
							Outcome string `json:"outcome"`
						} `json:"items"`
					}
					if _, err := h.Admin.Do(ctx, "GET", "/v1/audit?target_id="+v.ID, nil, &page); err != nil {
						t.Fatal(err)
					}
					n := 0
					for _, e := range page.Items {
						if e.Action == "POST /v1/workloads/{id}" && e.Outcome == "success" {
							n++
						}
					}
					if n > 1 {
						t.Fatalf("%d successful approvals audited: %+v", n, page.Items)
					}
					return n == 1, fmt.Sprintf("%+v", page.Items)
				})
			}
		})
	}
}
