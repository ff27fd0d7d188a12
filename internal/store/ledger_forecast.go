package store

import (
	"context"
	"fmt"
)

// SetLedgerForecast records a workload's new monthly forecast in the
// ledger's record of it (a migration re-committed its budget for it).
func (t *Tx) SetLedgerForecast(ctx context.Context, workloadID string, monthlyMinor int64) error {
	if _, err := t.Exec(ctx, `UPDATE ledger_workloads SET forecast_monthly_minor = ? WHERE workload_id = ?`,
		monthlyMinor, workloadID); err != nil {
		return fmt.Errorf("setting the forecast of %s: %w", workloadID, mapErr(err))
	}
	return nil
}

// SetLedgerOffering records a workload's new offering in the ledger's
// record of it (a resize): intervals opened from now on are rated at its
// prices.
func (t *Tx) SetLedgerOffering(ctx context.Context, workloadID, offeringID string) error {
	if _, err := t.Exec(ctx, `UPDATE ledger_workloads SET offering_id = ? WHERE workload_id = ?`,
		offeringID, workloadID); err != nil {
		return fmt.Errorf("setting the offering of %s: %w", workloadID, mapErr(err))
	}
	return nil
}
