package workload_test

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

// TestRerunCreateAsksForOverdraftApproval: on PostgreSQL a create's budget
// reservation is left for COMMIT; when it does not fit, the transaction
// runs again reserving in place. The re-run used to keep the version the
// first attempt's insert gave the workload, so the ledger took it for an
// approved stored request and, the institution allowing overdraft
// requests, forced the reservation past the line's amount and approved
// the workload. It must wait for a finance officer instead, the line
// untouched.
func TestRerunCreateAsksForOverdraftApproval(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{Postgres: true})
	prj, off := fixture(t, h.Admin)
	ctx := context.Background()
	var v view
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", body(prj, off, 1), &v); err != nil {
		t.Fatal(err)
	}
	db := h.Server.Store.DB()
	// The line (its institution allows overdraft requests) is now full.
	if _, err := db.ExecContext(ctx, `UPDATE budget_lines SET amount_minor =
		(SELECT committed_minor + accrued_minor FROM budget_balances WHERE budget_line_id = budget_lines.id)
		WHERE id = (SELECT budget_line_id FROM projects WHERE id = $1)`, prj); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", body(prj, off, 1), &v); err != nil {
		t.Fatal(err)
	}
	if v.State != "pending_approval" {
		t.Fatalf("a create that does not fit the line is %s (%s), want pending_approval", v.State, v.Reason)
	}
	var amount, used int64
	if err := db.QueryRowContext(ctx, `SELECT l.amount_minor, b.committed_minor + b.accrued_minor
		FROM budget_lines l JOIN budget_balances b ON b.budget_line_id = l.id
		WHERE l.id = (SELECT budget_line_id FROM projects WHERE id = $1)`, prj).Scan(&amount, &used); err != nil {
		t.Fatal(err)
	}
	if used > amount {
		t.Fatalf("line overdrawn without approval: %d used of %d", used, amount)
	}
}
