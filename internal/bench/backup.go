package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/soberana/soberana/internal/backup"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// BackupOptions size the backup scenario.
type BackupOptions struct {
	// Workloads is how many running workloads the database holds.
	Workloads int
	// DatabaseURL is a postgres:// URL of an empty database to fill;
	// empty uses SQLite in a temporary directory.
	DatabaseURL string
	// RestoreURL is a postgres:// URL of a second empty database to
	// restore into (required with DatabaseURL).
	RestoreURL string
	// Dir holds the backup file (default: a temporary directory).
	Dir string
}

// Backup measures soberana backup create, verify and restore on a
// database of n running workloads: each with its placement, ledger
// workload, commitment line, open usage interval and audit event (one
// hash chain of n events), on top of the rating scenario's catalog.
func Backup(ctx context.Context, o BackupOptions) (BackupResult, error) {
	positive(&o.Workloads, 100_000)
	res := BackupResult{Head: Head{Scenario: "backup", Database: "sqlite"}, Workloads: o.Workloads}
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "soberana-bench-backup-")
		if err != nil {
			return res, err
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, err
	}
	url, restoreTo := o.DatabaseURL, o.RestoreURL
	if url == "" {
		url, restoreTo = filepath.Join(dir, "live", "soberana.db"), filepath.Join(dir, "restored", "soberana.db")
	} else {
		res.Database = "postgres"
		if restoreTo == "" {
			return res, errors.New("--restore-url: a second, empty PostgreSQL database to restore into")
		}
	}
	st, err := openMigrated(ctx, url, "fills a database")
	if err != nil {
		return res, err
	}
	setup := time.Now()
	err = backupFixture(ctx, st, o.Workloads)
	_ = st.Close()
	if err != nil {
		return res, fmt.Errorf("setting up: %w", err)
	}
	res.SetupSeconds = time.Since(setup).Seconds()
	if fi, err := os.Stat(url); err == nil {
		res.DatabaseBytes = fi.Size()
	}

	file := filepath.Join(dir, "soberana.backup")
	start := time.Now()
	rep, err := backup.Create(ctx, url, file, backup.Options{})
	if err != nil {
		return res, err
	}
	res.CreateTotalSeconds = time.Since(start).Seconds()
	res.CreateSeconds, res.CheckSeconds, res.BackupBytes, res.Rows = rep.Duration.Seconds(), rep.CheckDuration.Seconds(), rep.Bytes, rep.Rows
	if rep.Rows["workloads"] != int64(o.Workloads) || rep.AuditEvents != int64(o.Workloads) {
		return res, fmt.Errorf("the backup holds %d workloads and %d audit events, want %d", rep.Rows["workloads"], rep.AuditEvents, o.Workloads)
	}
	start = time.Now()
	scratch := ""
	if o.DatabaseURL != "" {
		scratch = o.DatabaseURL
	}
	if _, err := backup.Verify(ctx, file, backup.Options{ScratchURL: scratch}); err != nil {
		return res, err
	}
	res.VerifySeconds = time.Since(start).Seconds()
	start = time.Now()
	got, err := backup.Restore(ctx, file, restoreTo, backup.RestoreOptions{})
	if err != nil {
		return res, err
	}
	res.RestoreSeconds, res.RestoreTotalSeconds = got.Duration.Seconds(), time.Since(start).Seconds()
	if got.Rows["workloads"] != int64(o.Workloads) {
		return res, fmt.Errorf("restored %d workloads, want %d", got.Rows["workloads"], o.Workloads)
	}
	return res, nil
}

// BackupResult is the scenario's JSON line.
type BackupResult struct {
	Head
	Workloads     int              `json:"workloads"`
	Rows          map[string]int64 `json:"rows"`
	SetupSeconds  float64          `json:"setup_seconds"`
	BackupBytes   int64            `json:"backup_bytes"`
	DatabaseBytes int64            `json:"database_bytes,omitempty"`
	// CreateSeconds is the copy (VACUUM INTO or pg_dump) alone;
	// CreateTotalSeconds is the whole `backup create`, the check of the
	// backup included (CheckSeconds of it; on PostgreSQL the restore into
	// a scratch database comes on top).
	CreateSeconds      float64 `json:"backup_create_seconds"`
	CreateTotalSeconds float64 `json:"backup_create_total_seconds"`
	CheckSeconds       float64 `json:"backup_check_seconds"`
	VerifySeconds      float64 `json:"backup_verify_seconds"`
	RestoreSeconds     float64 `json:"restore_seconds"`
	// RestoreTotalSeconds includes checking the backup before (SQLite)
	// and the restored database after.
	RestoreTotalSeconds float64 `json:"restore_total_seconds"`
}

// backupFixture writes the rating scenario's catalog, ledger workloads,
// commitments and usage, then the workloads, placements and audit events
// that go with them.
func backupFixture(ctx context.Context, st *store.Store, n int) error {
	month := time.Now().UTC().AddDate(0, -1, 0)
	month = time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	if _, err := ratingFixture(ctx, st, month, RatingOptions{Workloads: n, Days: 30}); err != nil {
		return err
	}
	type lw struct{ id, ins, project, line, offering, cur, provider string }
	var ws []lw
	rows, err := st.DB().QueryContext(ctx, `SELECT lw.workload_id, lw.institution_id, lw.project_id, lw.budget_line_id,
		lw.offering_id, lw.currency, MIN(u.provider_id) FROM ledger_workloads lw JOIN usage_intervals u ON u.workload_id = lw.workload_id
		GROUP BY lw.workload_id, lw.institution_id, lw.project_id, lw.budget_line_id, lw.offering_id, lw.currency ORDER BY lw.workload_id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var w lw
		if err := rows.Scan(&w.id, &w.ins, &w.project, &w.line, &w.offering, &w.cur, &w.provider); err != nil {
			_ = rows.Close()
			return err
		}
		ws = append(ws, w)
	}
	_ = rows.Close()
	const batch = 5000
	for i := 0; i < len(ws); i += batch {
		part := ws[i:min(i+batch, len(ws))]
		err := st.InTx(ctx, func(tx *store.Tx) error {
			for j, w := range part {
				wl := model.Workload{Meta: model.Meta{ID: w.id}, ProjectID: w.project, InstitutionID: w.ins, BudgetLineID: w.line,
					WorkloadPolicy: model.WorkloadPolicy{OfferingID: w.offering, Replicas: 1, Classification: "internal", Residency: model.Residency{Countries: []string{"BR"}},
						Sovereignty: model.Sovereignty{Mode: "any"}, Redundancy: model.Redundancy{MinProviders: 1, MinFailureDomains: 1}},
					Currency: w.cur, ForecastMonthlyMinor: 10_000, State: "running", CreatedBy: "bench"}
				if err := tx.Workloads().Create(ctx, &wl, "wl"); err != nil {
					return err
				}
				pl := store.PlacementRow{Placement: model.Placement{Meta: model.Meta{ID: fmt.Sprintf("pl_bench_%07d", i+j)}, WorkloadID: w.id,
					SiteID: "site_bench", ProviderID: w.provider, State: "running", ResourceID: "sim-" + w.id, MonthlyMinor: 10_000,
					VCPUs: 1, MemoryMiB: 2048, DiskGiB: 20, Simulated: true}, FinalState: "deleted"}
				if err := tx.Placements().Create(ctx, &pl, "pl"); err != nil {
					return err
				}
				e := model.AuditEvent{ActorKind: "token", ActorID: "tok_bench", ActorName: "bench", Via: "api", Action: "workloads.create",
					TargetKind: "workloads", TargetID: w.id, InstitutionID: w.ins, ProjectID: w.project, RequestID: "req_" + w.id,
					SourceIP: "127.0.0.1", Outcome: "success", Status: 201}
				if err := tx.AppendAudit(ctx, &e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
