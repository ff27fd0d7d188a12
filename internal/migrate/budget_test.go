package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/migrate"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// TestMigrationBudgetAndAudit, on SQLite and PostgreSQL: migrations move
// each workload's budget commitment to its new forecast exactly (the
// line's committed amount is the sum of the live workloads' commitments of
// their forecasts, a retried switch books nothing twice), a migration the
// line cannot take is refused at plan and execute and rolled back at the
// switch with the commitment untouched, and every step — migrations
// started, done, rolled back, an evacuation started and finished — is on
// the audit log with the right action, target and actor while the chain
// still verifies.
func TestMigrationBudgetAndAudit(t *testing.T) {
	t.Parallel()
	servertest.BothStores(t, migrationBudgetAndAudit)
}

func migrationBudgetAndAudit(t *testing.T, pg bool) {
	h := servertest.Start(t, servertest.Options{Postgres: pg})
	ctx := context.Background()
	srv := h.Server
	st := srv.Store
	d := opstest.LoadDemo(t, st)
	nv, gh := d.Providers["Nuvem Verde (sim)"], d.Providers["Global Hyperscale LatAm (sim)"]
	// Brazil only: Nuvem Verde or Global Hyperscale's São Paulo site, at
	// different prices.
	ids := opstest.CreateMany(t, srv.Workloads, 3, 3, func(int) workload.CreateRequest {
		return d.Internal(1, model.SovereigntyAny, "BR")
	})
	opstest.WaitRunning(t, st, ids, time.Minute)
	proj, err := st.Read().Projects().Get(ctx, d.ProjectBR)
	if err != nil {
		t.Fatal(err)
	}
	lineID := proj.BudgetLineID
	checkCommitted(t, st, lineID, nil)

	// Move everything to Nuvem Verde, then to Global Hyperscale: the
	// forecast changes and the commitment follows it, exactly.
	for _, to := range []model.Provider{nv, gh} {
		before := forecasts(t, st, ids)
		migs := map[string]string{}
		for _, id := range ids {
			migs[id] = startMigration(t, h.Admin, id, map[string]any{"to_provider": to.ID})
		}
		waitMigrations(t, srv.Ops.Migrate, ids, to.ID, srv)
		after := forecasts(t, st, ids)
		changed := 0
		for _, id := range ids {
			if after[id] != before[id] {
				changed++
			}
		}
		if changed == 0 {
			t.Fatalf("moving to %s changed no forecast (%v)", to.Name, after)
		}
		checkCommitted(t, st, lineID, migs)
		checkAudited(t, st, migs)
	}

	// A retried switch books nothing twice.
	w, err := st.Read().Workloads().Get(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	last := lastMigration(t, st, w.ID)
	bal := balance(t, st, lineID)
	if err := st.Write(ctx, func(tx *store.Tx) error {
		delta, err := srv.Ledger.Recommit(ctx, tx, &w, w.ForecastMonthlyMinor, last.ID)
		if err == nil && delta != 0 {
			err = fmt.Errorf("re-booking moved the line by %d", delta)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if b := balance(t, st, lineID); b.Committed != bal.Committed || b.Accrued != bal.Accrued {
		t.Fatalf("a retried switch moved the line: %+v → %+v", bal, b)
	}

	// The line has nothing available: moving to the dearer provider is
	// refused at plan and execute, in the caller's language.
	dearer, cheaper := nv, gh
	p, err := srv.Ops.Migrate.Plan(ctx, w.ID, migrate.Target{ToProvider: nv.ID})
	if err != nil {
		t.Fatal(err)
	}
	if p.DeltaMonthlyMinor < 0 {
		dearer, cheaper = gh, nv
	}
	moveTo := func(prov model.Provider) {
		t.Helper()
		for _, id := range ids {
			startMigration(t, h.Admin, id, map[string]any{"to_provider": prov.ID})
		}
		waitMigrations(t, srv.Ops.Migrate, ids, prov.ID, srv)
	}
	if cheaper.ID != gh.ID {
		moveTo(cheaper)
	}
	setAvailable(t, st, lineID, 0)
	for lang, want := range map[string]string{"es": "compromiso presupuestario", "pt-BR": "empenho orçamentário", "en": "budget commitment"} {
		var plan struct {
			Feasible             bool   `json:"feasible"`
			Reason               string `json:"reason"`
			CommitmentDeltaMinor int64  `json:"commitment_delta_minor"`
		}
		c := h.Client(servertest.AdminToken, lang)
		if _, err := c.Do(ctx, "POST", "/v1/workloads/"+w.ID+"/migration-plan", map[string]any{"to_provider": dearer.ID}, &plan); err != nil {
			t.Fatal(err)
		}
		if plan.Feasible || !strings.Contains(plan.Reason, want) || plan.CommitmentDeltaMinor <= 0 {
			t.Fatalf("%s: plan over budget: %+v, want a reason with %q", lang, plan, want)
		}
		_, err := c.Do(ctx, "POST", "/v1/workloads/"+w.ID+"/migrations", map[string]any{"to_provider": dearer.ID}, nil)
		var prob *client.Problem
		if !errors.As(err, &prob) || prob.Status != http.StatusUnprocessableEntity || !strings.HasSuffix(prob.Type, "/budget-exceeded") {
			t.Fatalf("%s: migrating over budget: %v", lang, err)
		}
	}
	// The line runs out between execute and switch: the switch rolls back
	// and the commitment is as it was.
	setAvailable(t, st, lineID, 1_000_000_000)
	if err := srv.Sim.SetProviderFaults(ctx, dearer.ID, sim.Faults{DelayMs: 1500}); err != nil {
		t.Fatal(err)
	}
	remBefore := remaining(t, st, w.ID)
	migID := startMigration(t, h.Admin, w.ID, map[string]any{"to_provider": dearer.ID})
	setAvailable(t, st, lineID, 0)
	opstest.Eventually(t, time.Minute, "rolled back", func() (bool, string) {
		m, err := st.Read().Migrations().Get(ctx, migID)
		if err != nil {
			t.Fatal(err)
		}
		return m.State == model.MigrationRolledBack, string(m.State)
	})
	if err := srv.Sim.SetProviderFaults(ctx, dearer.ID, sim.Faults{}); err != nil {
		t.Fatal(err)
	}
	var view struct {
		State  string `json:"state"`
		Reason string `json:"reason"`
	}
	if _, err := h.Client(servertest.AdminToken, "es").Do(ctx, "GET", "/v1/workloads/"+w.ID+"/migrations/"+migID, nil, &view); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(view.Reason, "línea presupuestaria") || !strings.Contains(view.Reason, "se revierte") {
		t.Fatalf("rolled back for the budget: %+v", view)
	}
	if got := remaining(t, st, w.ID); got != remBefore {
		t.Fatalf("commitment after a rolled back migration: %d, was %d", got, remBefore)
	}
	lines, err := st.Read().LedgerLines(ctx, store.LedgerFilter{WorkloadID: w.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if strings.HasSuffix(l.ID, "/"+migID) {
			t.Fatalf("a rolled back migration booked %s", l.ID)
		}
	}
	checkAudited(t, st, map[string]string{w.ID: migID})

	// Evacuate the cheaper provider (the workloads go to the dearer one,
	// so there must be money for it).
	setAvailable(t, st, lineID, 1_000_000_000)
	var started struct {
		ID string `json:"id"`
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/providers/"+cheaper.ID+":evacuate", map[string]int{"concurrency": 2}, &started); err != nil {
		t.Fatal(err)
	}
	opstest.Eventually(t, time.Minute, "evacuation done", func() (bool, string) {
		p, err := srv.Ops.Migrate.EvacuationProgress(ctx, started.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p.State == model.EvacuationDone, fmt.Sprintf("%+v", p)
	})
	migs := map[string]string{}
	for _, id := range ids {
		if m := lastMigration(t, st, id); m.EvacuationID == started.ID {
			migs[id] = m.ID
		}
	}
	if len(migs) != len(ids) {
		t.Fatalf("the evacuation moved %d of %d workloads", len(migs), len(ids))
	}
	checkCommitted(t, st, lineID, migs)
	checkAudited(t, st, migs)
	for action, actor := range map[string]string{"evacuation.started": "token", "evacuation.finished": audit.ActorSystem} {
		evs, err := st.Read().AuditEvents(ctx, store.AuditFilter{Action: action, TargetID: started.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || evs[0].ActorKind != actor || evs[0].TargetKind != "evacuations" {
			t.Fatalf("%s: %+v", action, evs)
		}
	}
	verifyChain(t, st)

	// Freeing money is always possible, even with nothing available.
	setAvailable(t, st, lineID, 0)
	if p, err := srv.Ops.Migrate.Plan(ctx, w.ID, migrate.Target{ToProvider: cheaper.ID}); err != nil || !p.Feasible || p.CommitmentDeltaMinor >= 0 {
		t.Fatalf("plan back to the cheaper provider with nothing available: %v %+v", err, p)
	}
}

func startMigration(t *testing.T, c *client.Client, id string, target map[string]any) string {
	t.Helper()
	var m struct {
		ID string `json:"id"`
	}
	if _, err := c.Do(context.Background(), "POST", "/v1/workloads/"+id+"/migrations", target, &m); err != nil {
		t.Fatalf("migrating %s: %v", id, err)
	}
	return m.ID
}

func forecasts(t *testing.T, st *store.Store, ids []string) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, id := range ids {
		w, err := st.Read().Workloads().Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		out[id] = w.ForecastMonthlyMinor
	}
	return out
}

func lastMigration(t *testing.T, st *store.Store, workloadID string) model.Migration {
	t.Helper()
	p, err := st.Read().Migrations().List(context.Background(), store.ListOptions{Filters: map[string]string{"workload_id": workloadID}, Limit: 100})
	if err != nil || len(p.Items) == 0 {
		t.Fatalf("migrations of %s: %v", workloadID, err)
	}
	return p.Items[len(p.Items)-1]
}

func balance(t *testing.T, st *store.Store, lineID string) ledger.Balance {
	t.Helper()
	tx := st.Read()
	line, err := tx.BudgetLines().Get(context.Background(), lineID)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ledger.Balances(context.Background(), tx, []model.BudgetLine{line})
	if err != nil {
		t.Fatal(err)
	}
	return b[0]
}

// setAvailable sets the line's amount so that it has available left.
func setAvailable(t *testing.T, st *store.Store, lineID string, available int64) {
	t.Helper()
	ctx := context.Background()
	err := st.Write(ctx, func(tx *store.Tx) error {
		line, err := tx.BudgetLines().Get(ctx, lineID)
		if err != nil {
			return err
		}
		b, err := ledger.Balances(ctx, tx, []model.BudgetLine{line})
		if err != nil {
			return err
		}
		line.AmountMinor = b[0].Committed.Minor + b[0].Accrued.Minor + available
		return tx.BudgetLines().Update(ctx, &line)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func remaining(t *testing.T, st *store.Store, workloadID string) int64 {
	t.Helper()
	rem, err := st.Read().RemainingCommitments(context.Background(), []string{workloadID})
	if err != nil {
		t.Fatal(err)
	}
	return rem[workloadID]
}

// checkCommitted: the line's committed amount is the sum of what is still
// committed for its live workloads, and each one's is exactly the
// commitment of its forecast from its last commitment (nothing was rated
// since; the rating loop runs every 5 minutes). For the workloads in
// migs, that last commitment is the migration's, commit/<workload>/<mig>.
func checkCommitted(t *testing.T, st *store.Store, lineID string, migs map[string]string) {
	t.Helper()
	ctx := context.Background()
	tx := st.Read()
	line, err := tx.BudgetLines().Get(ctx, lineID)
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := money.ParseCurrency(line.Currency)
	ws, err := tx.Workloads().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, w := range ws {
		if w.BudgetLineID != lineID {
			continue
		}
		lines, err := tx.LedgerLines(ctx, store.LedgerFilter{WorkloadID: w.ID, Kinds: []model.LedgerKind{model.LedgerCommitment, model.LedgerRelease}})
		if err != nil {
			t.Fatal(err)
		}
		var rem int64
		var lastCommit model.LedgerLine
		for _, l := range lines {
			rem += l.AmountMinor
			if l.Kind == model.LedgerCommitment && !l.BookedAt.Before(lastCommit.BookedAt) {
				lastCommit = l
			}
		}
		switch w.State {
		case model.StateDeleted, model.StateFailed, model.StateRejected:
			if rem != 0 {
				t.Fatalf("%s ended (%s) with %d still committed", w.ID, w.State, rem)
			}
			continue
		}
		want := ledger.Commitment(money.Amount{Minor: w.ForecastMonthlyMinor, Currency: cur}, line.FiscalYear, lastCommit.BookedAt)
		if lastCommit.AmountMinor != want.Minor || rem != want.Minor {
			t.Fatalf("%s (forecast %d/month): last commitment %s %d, still committed %d; want %d",
				w.ID, w.ForecastMonthlyMinor, lastCommit.ID, lastCommit.AmountMinor, rem, want.Minor)
		}
		if mig, ok := migs[w.ID]; ok && lastCommit.ID != "commit/"+w.ID+"/"+mig {
			t.Fatalf("%s: last commitment %s, want the migration's", w.ID, lastCommit.ID)
		}
		sum += rem
	}
	if b := balance(t, st, lineID); b.Committed.Minor != sum {
		t.Fatalf("line committed %d, the live workloads' commitments sum to %d", b.Committed.Minor, sum)
	}
	// The balance equals the live commitments; the ledger lines must sum
	// to the balance.
	drift, err := tx.BalanceDrift(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(drift) > 0 {
		t.Fatalf("the ledger lines differ from the balances: %+v", drift)
	}
}

// checkAudited: each migration (workload → id) has one audit event per
// step it took: migration.started by the caller of the request (or the
// system for an evacuation), then migration.done or migration.rolled_back
// by the system; all target the migration and name the workload's
// institution and project.
func checkAudited(t *testing.T, st *store.Store, migs map[string]string) {
	t.Helper()
	ctx := context.Background()
	for wid, mid := range migs {
		w, err := st.Read().Workloads().Get(ctx, wid)
		if err != nil {
			t.Fatal(err)
		}
		m, err := st.Read().Migrations().Get(ctx, mid)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := st.Read().AuditEvents(ctx, store.AuditFilter{TargetID: mid})
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, e := range evs {
			if !strings.HasPrefix(e.Action, "migration.") {
				continue // the request's own event
			}
			steps = append(steps, e.Action)
			if e.TargetKind != "migrations" || e.InstitutionID != w.InstitutionID || e.ProjectID != w.ProjectID || e.Outcome != audit.OutcomeSuccess {
				t.Fatalf("%s: %+v", e.Action, e)
			}
			system := e.ActorKind == audit.ActorSystem && e.ActorID == audit.ActorSystem && e.ActorName == "system:migrate"
			switch {
			case e.Action == "migration.started" && m.EvacuationID != "":
				if !system || e.Via != "evacuation:"+m.EvacuationID {
					t.Fatalf("started by an evacuation: %+v", e)
				}
			case e.Action == "migration.started":
				// The caller of the request, as the request's event says.
				reqs, err := st.Read().AuditEvents(ctx, store.AuditFilter{Action: "POST /v1/workloads/{id}/migrations", After: e.Seq, Limit: 1})
				if err != nil || len(reqs) != 1 {
					t.Fatalf("the request's event: %v %+v", err, reqs)
				}
				r := reqs[0]
				if system || e.ActorKind != r.ActorKind || e.ActorID != r.ActorID || e.ActorID == "" || e.RequestID != r.RequestID || e.RequestID == "" || r.Seq != e.Seq+1 || r.TargetKind != "migrations" || r.TargetID != e.TargetID {
					t.Fatalf("started %+v by request %+v", e, r)
				}
			default:
				if !system {
					t.Fatalf("%s not by the system: %+v", e.Action, e)
				}
			}
		}
		want := []string{"migration.started", "migration." + string(m.State)}
		if fmt.Sprint(steps) != fmt.Sprint(want) {
			t.Fatalf("migration %s (%s): audited %v, want %v", mid, m.State, steps, want)
		}
	}
	verifyChain(t, st)
}

func verifyChain(t *testing.T, st *store.Store) {
	t.Helper()
	rep, err := audit.CheckChain(context.Background(), st)
	if err != nil || rep.Break != nil || rep.Events == 0 {
		t.Fatalf("audit verify: %v %+v", err, rep)
	}
}
