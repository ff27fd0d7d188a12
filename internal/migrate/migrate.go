// Package migrate moves workloads between providers and evacuates whole
// providers (the exit drill that proves there is no lock-in).
//
// A migration is make-before-break: Plan places the workload's whole
// replica set again under its full policy (residency, classification,
// sovereignty, redundancy, cost ceiling) excluding the providers it must
// leave, and says the monthly cost change, the steps and the data to move
// (by image or volume snapshot when both drivers can export and import
// one; otherwise the application must move its data). Execute reserves
// the new sites, creates the new placements and puts the workload in
// migrating; the reconciler provisions them while the old replicas keep
// serving. Advance then switches — the old placements are deleted, the
// forecast becomes the new set's — once every new replica runs, or rolls
// back (deletes the new ones) if any fails or the migration times out.
// At no time does the workload have fewer running replicas than it had.
//
// The switch also moves the workload's budget commitment to the new
// forecast (Budget.Recommit, in the switch's transaction); a plan whose
// new commitment the budget line cannot take is not feasible, and a switch
// the line can no longer take rolls back. Every step — started, done,
// rolled back, an evacuation started and finished — is an event on the
// hash-chained audit log, written in the transaction of the change.
//
// Migrations and evacuations are rows in the database, so a restart
// resumes them; Advance is level-triggered like the reconciler.
package migrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/fleet"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// Errors.
var (
	// ErrNotRunning: only a running workload can migrate.
	ErrNotRunning = errors.New("migrate: the workload is not running")
	// ErrInfeasible: no placement satisfies the policy on the target.
	ErrInfeasible = errors.New("migrate: no feasible target")
	// ErrTarget: the request names no target or an unknown provider.
	ErrTarget = errors.New("migrate: name --to-provider or --exclude-provider (a known provider)")
)

// Budget is the seam to the ledger (*ledger.Ledger implements it): the
// switch of a migration moves the workload's budget commitment to the new
// forecast. Both return the change of the budget line's committed amount;
// an increase the line cannot take is an error wrapping workload.ErrBudget.
type Budget interface {
	// RecommitDelta says what Recommit would do now, booking nothing.
	RecommitDelta(ctx context.Context, tx *store.Tx, w *model.Workload, monthlyMinor int64) (int64, error)
	// Recommit books it in tx, idempotently on key (the migration's id).
	Recommit(ctx context.Context, tx *store.Tx, w *model.Workload, monthlyMinor int64, key string) (int64, error)
}

// SnapshotMover is what a driver implements when it can move a replica's
// data by image or volume snapshot; declared here, where it is used.
type SnapshotMover interface {
	ExportSnapshot(ctx context.Context, ref provider.ResourceRef) (snapshotID string, err error)
	ImportSnapshot(ctx context.Context, spec provider.Spec, snapshotID string) error
}

// Target says where a workload should go.
type Target struct {
	ToProvider       string   `json:"to_provider,omitempty"`
	ExcludeProviders []string `json:"exclude_providers,omitempty"`
}

// Data move methods.
const (
	DataSnapshot    = "snapshot"
	DataApplication = "application"
)

// DataMethods lists every data move method (the OpenAPI enum).
var DataMethods = []string{DataSnapshot, DataApplication}

// Plan is what a migration would do (the wire model.MigrationPlan) with
// its reason and steps as messages, rendered where the plan is shown.
type Plan struct {
	model.MigrationPlan
	// Why is the reason, rendered into Reason in the reader's language.
	Why Why `json:"-"`
	// StepMsgs are the steps as message keys (rendered into Steps).
	StepMsgs []workload.Msg `json:"-"`
}

// Render fills Steps and Reason in lang.
func (p *Plan) Render(lang i18n.Lang) {
	if !p.Why.IsZero() {
		p.Reason = p.Why.Render(lang)
	}
	p.Steps = p.Steps[:0]
	for _, m := range p.StepMsgs {
		p.Steps = append(p.Steps, m.Render(lang))
	}
}

// Options tune migrations.
type Options struct {
	// Timeout rolls back a migration whose new replicas are not all
	// running by then (default 15 min).
	Timeout time.Duration
	// Every is the time between Advance rounds (default 500 ms).
	Every time.Duration
}

// Service plans, executes and advances migrations and evacuations.
type Service struct {
	st      *store.Store
	fleet   *fleet.Fleet
	svc     *workload.Service
	drivers *provider.Registry
	log     *slog.Logger
	o       Options
	kick    chan struct{}
	// Kick wakes the reconciler after new placements were written.
	Kick func()
	// Budget moves a migrated workload's budget commitment; nil leaves
	// commitments alone.
	Budget Budget
	// planMu serializes plans that hold reservations (evacuation plans).
	planMu sync.Mutex
}

// New returns a service.
func New(o Options, st *store.Store, f *fleet.Fleet, svc *workload.Service, drivers *provider.Registry, log *slog.Logger) *Service {
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Minute
	}
	if o.Every <= 0 {
		o.Every = 500 * time.Millisecond
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{st: st, fleet: f, svc: svc, drivers: drivers, log: log, o: o, kick: make(chan struct{}, 1), Kick: func() {}}
}

func (s *Service) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// excluded lists the sites a target rules out.
func (s *Service) excluded(t Target) ([]string, error) {
	if t.ToProvider == "" && len(t.ExcludeProviders) == 0 {
		return nil, ErrTarget
	}
	if t.ToProvider != "" {
		if _, ok := s.fleet.Provider(t.ToProvider); !ok {
			return nil, fmt.Errorf("%w: %s", ErrTarget, t.ToProvider)
		}
	}
	var out []string
	for id := range s.fleet.Usage() {
		site, ok := s.fleet.Site(id)
		if !ok {
			continue
		}
		if (t.ToProvider != "" && site.ProviderID != t.ToProvider) || slices.Contains(t.ExcludeProviders, site.ProviderID) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

type loaded struct {
	w   model.Workload
	off model.Offering
	old []store.PlacementRow // active placements
}

func (s *Service) load(ctx context.Context, id string) (loaded, error) {
	tx := s.st.Read()
	var l loaded
	var err error
	if l.w, err = tx.Workloads().Get(ctx, id); err != nil {
		return l, err
	}
	if l.off, err = tx.Offerings().Get(ctx, l.w.OfferingID); err != nil {
		return l, err
	}
	// The new placements obey the institution's data policy as it stands
	// now, not only what the workload was created with (it may predate the
	// policy, or the policy may have been tightened since).
	if l.w, err = workload.WithinPolicy(ctx, tx, l.w); err != nil {
		return l, err
	}
	ps, err := tx.PlacementsOf(ctx, id)
	if err != nil {
		return l, err
	}
	for _, p := range ps {
		if p.State == model.PlacementPending || p.State == model.PlacementProvisioning || p.State == model.PlacementRunning {
			l.old = append(l.old, p)
		}
	}
	return l, nil
}

// place computes (and reserves) the new set; the caller releases d. The
// plan's reason is rendered in English; Render renders it again.
func (s *Service) place(ctx context.Context, l loaded, t Target) (*placement.Decision, Plan, error) {
	p := Plan{MigrationPlan: model.MigrationPlan{WorkloadID: l.w.ID, Currency: l.w.Currency, Moves: []model.ReplicaMove{}, Data: []model.DataMove{}}}
	for _, o := range l.old {
		p.CurrentMonthlyMinor += o.MonthlyMinor
	}
	if l.w.State != model.StateRunning {
		p.Why = WhyMsg(workload.M("migrate.reason.not_running", string(l.w.State)))
		p.Reason = p.Why.Render(i18n.EN)
		return nil, p, fmt.Errorf("%w (state %s)", ErrNotRunning, l.w.State)
	}
	excl, err := s.excluded(t)
	if err != nil {
		return nil, p, err
	}
	req, err := s.svc.PlacementRequest(ctx, &l.w, l.off, excl)
	if err != nil {
		return nil, p, err
	}
	d, err := s.fleet.Engine().Place(req)
	if err != nil {
		p.Why = s.whyPlacement(err, l.w.Currency, l.off.Name)
		p.Reason = p.Why.Render(i18n.EN)
		return nil, p, &InfeasibleError{Why: p.Why}
	}
	if s.Budget != nil {
		p.CommitmentDeltaMinor, err = s.Budget.RecommitDelta(ctx, s.st.Read(), &l.w, d.TotalMonthlyMinor)
		if err != nil {
			_ = s.fleet.Engine().ReleaseDecision(d)
			if !errors.Is(err, workload.ErrBudget) {
				return nil, p, err
			}
			p.NewMonthlyMinor = d.TotalMonthlyMinor
			p.DeltaMonthlyMinor = p.NewMonthlyMinor - p.CurrentMonthlyMinor
			p.Why = whyBudget(err)
			p.Reason = p.Why.Render(i18n.EN)
			return nil, p, &InfeasibleError{Why: p.Why, Err: err}
		}
	}
	p.Feasible = true
	byReplica := map[int]store.PlacementRow{}
	for _, o := range l.old {
		byReplica[o.Replica] = o
	}
	for i, c := range d.Choices {
		o := byReplica[i]
		site, _ := s.fleet.Site(c.SiteID)
		p.Moves = append(p.Moves, model.ReplicaMove{Replica: i, FromSite: o.SiteID, FromProvider: o.ProviderID, ToSite: c.SiteID,
			ToProvider: c.ProviderID, ToCountry: site.Country, FromMonthlyMinor: o.MonthlyMinor, ToMonthlyMinor: c.MonthlyMinor})
		method := DataApplication
		if s.canSnapshot(o.ProviderID) && s.canSnapshot(c.ProviderID) {
			method = DataSnapshot
		}
		p.Data = append(p.Data, model.DataMove{Replica: i, DiskGiB: d.Resources.DiskGiB, Method: method})
		p.DataGiB += d.Resources.DiskGiB
	}
	p.NewMonthlyMinor = d.TotalMonthlyMinor
	p.DeltaMonthlyMinor = p.NewMonthlyMinor - p.CurrentMonthlyMinor
	n := strconv.Itoa(len(d.Choices))
	p.StepMsgs = []workload.Msg{workload.M("migrate.step.create", n)}
	if slices.ContainsFunc(p.Data, func(m model.DataMove) bool { return m.Method == DataApplication }) {
		p.StepMsgs = append(p.StepMsgs, workload.M("migrate.step.data_application", strconv.FormatInt(p.DataGiB, 10)))
	} else {
		p.StepMsgs = append(p.StepMsgs, workload.M("migrate.step.data_snapshot", strconv.FormatInt(p.DataGiB, 10)))
	}
	p.StepMsgs = append(p.StepMsgs, workload.M("migrate.step.switch"), workload.M("migrate.step.delete", strconv.Itoa(len(l.old))))
	p.Render(i18n.EN)
	return &d, p, nil
}

func (s *Service) canSnapshot(providerID string) bool {
	prov, ok := s.fleet.Provider(providerID)
	if !ok {
		return false
	}
	_, ok = provider.As[SnapshotMover](s.drivers, prov.Driver)
	return ok
}

// Plan says what migrating a workload to t would do, without doing it.
func (s *Service) Plan(ctx context.Context, workloadID string, t Target) (Plan, error) {
	l, err := s.load(ctx, workloadID)
	if err != nil {
		return Plan{}, err
	}
	d, p, err := s.place(ctx, l, t)
	if d != nil {
		_ = s.fleet.Engine().ReleaseDecision(*d)
	}
	if errors.Is(err, ErrInfeasible) || errors.Is(err, ErrNotRunning) {
		return p, nil // the plan says why
	}
	return p, err
}

// record is what a migration row's JSON columns hold.
type ids []string

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Execute starts a migration: the new placements are written and the
// workload is migrating. It returns the migration row.
func (s *Service) Execute(ctx context.Context, who workload.Actor, workloadID string, t Target, evacuationID string) (model.Migration, Plan, error) {
	l, err := s.load(ctx, workloadID)
	if err != nil {
		return model.Migration{}, Plan{}, err
	}
	d, p, err := s.place(ctx, l, t)
	if err != nil {
		return model.Migration{}, p, err
	}
	rows := s.svc.PlacementRows(&l.w, l.off, *d, nil)
	var m model.Migration
	ev := s.event(ctx, "migration.started", &l.w, evacuationID)
	err = audit.Write(ctx, s.st, ev, func(tx *store.Tx, ev *model.AuditEvent) error {
		w, err := tx.Workloads().Get(ctx, workloadID)
		if err != nil {
			return err
		}
		if w.Version != l.w.Version || w.State != model.StateRunning {
			return fmt.Errorf("%w (state %s)", ErrNotRunning, w.State)
		}
		now := tx.Now()
		if err := s.svc.AddReplicas(ctx, tx, rows, now, func(r store.PlacementRow) workload.Msg {
			return workload.M("migrate.reason.new_replica", r.SiteID, r.ProviderID)
		}); err != nil {
			return err
		}
		newIDs := make(ids, len(rows))
		for i := range rows {
			newIDs[i] = rows[i].ID
		}
		oldIDs := make(ids, len(l.old))
		for i, o := range l.old {
			oldIDs[i] = o.ID
		}
		reason := workload.M("workload.reason.migrating", strconv.Itoa(len(rows)), jsonTargets(t))
		if err := s.svc.Transition(ctx, tx, &w, model.StateMigrating, who.Name, reason); err != nil {
			return err
		}
		m = model.Migration{WorkloadID: w.ID, EvacuationID: evacuationID, State: model.MigrationRunning, Plan: jsonOf(p),
			NewPlacements: jsonOf(newIDs), OldPlacements: jsonOf(oldIDs), CreatedBy: who.Name}
		if err := tx.Migrations().Create(ctx, &m, "mig"); err != nil {
			return err
		}
		ev.TargetID = m.ID
		// the request that asked for it (if any) targets it too
		store.AuditTarget(ctx, "migrations", m.ID)
		return nil
	})
	if err != nil {
		_ = s.fleet.Engine().ReleaseDecision(*d)
		return model.Migration{}, p, err
	}
	s.Kick()
	s.wake()
	return m, p, nil
}

// event starts the audit event of a step of w's migration (target: the
// migration, named once it exists). The actor is the caller of the request
// that took the step, else the system — through the evacuation that
// started it, if any. The workload's institution and project go with it,
// so that the institution's admins see it.
func (s *Service) event(ctx context.Context, action string, w *model.Workload, evacuationID string) model.AuditEvent {
	e := audit.System("migrate", action, "migrations", "")
	if !audit.ActingAs(ctx, &e) && evacuationID != "" {
		e.Via = "evacuation:" + evacuationID
	}
	e.InstitutionID, e.ProjectID = w.InstitutionID, w.ProjectID
	return e
}

func jsonTargets(t Target) string {
	if t.ToProvider != "" {
		return "→ " + t.ToProvider
	}
	return "≠ " + fmt.Sprint(t.ExcludeProviders)
}

// Advance looks at every running migration once: it switches those whose
// new replicas all run and rolls back those that failed or timed out.
func (s *Service) Advance(ctx context.Context) error {
	ms, err := s.st.Read().MigrationsInState(ctx, model.MigrationRunning, 1000)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := s.advance(ctx, m); err != nil && !errors.Is(err, store.ErrConflict) {
			s.log.Warn("advancing migration", "migration", m.ID, "err", err)
		}
	}
	if err := s.advanceEvacuations(ctx); err != nil {
		return err
	}
	return nil
}

func (s *Service) advance(ctx context.Context, m model.Migration) error {
	var oldIDs, newIDs ids
	if err := json.Unmarshal([]byte(m.OldPlacements), &oldIDs); err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(m.NewPlacements), &newIDs); err != nil || len(newIDs) == 0 {
		return fmt.Errorf("migration %s: bad new placements: %v", m.ID, err)
	}
	first := slices.Min(newIDs)
	ps, err := s.st.Read().PlacementsOf(ctx, m.WorkloadID)
	if err != nil {
		return err
	}
	w, err := s.st.Read().Workloads().Get(ctx, m.WorkloadID)
	if err != nil {
		return err
	}
	var fresh []store.PlacementRow
	running, failed := 0, false
	for _, p := range ps {
		// New replicas are the ones the migration made and any the
		// reconciler made in their place (later ids).
		if slices.Contains(oldIDs, p.ID) || p.ID < first {
			continue
		}
		switch p.State {
		case model.PlacementPending, model.PlacementProvisioning:
			fresh = append(fresh, p)
		case model.PlacementRunning:
			fresh = append(fresh, p)
			running++
		case model.PlacementFailed, model.PlacementDeleting, model.PlacementDeleted:
			if slices.Contains(newIDs, p.ID) && p.State == model.PlacementFailed {
				failed = true
			}
		}
	}
	timedOut := s.st.Now().Sub(m.CreatedAt) > s.o.Timeout
	switch {
	case w.State != model.StateMigrating:
		// Someone deleted it meanwhile (or it failed over): the migration ends.
		return s.finish(ctx, m, w, model.MigrationRolledBack, workload.M("migrate.reason.interrupted", string(w.State)))
	case running == w.Replicas && len(fresh) == running:
		err = s.switchOver(ctx, m, w, fresh, oldIDs)
		var be *budgetError
		if errors.As(err, &be) {
			// The line can no longer take the new commitment: the old
			// replicas (and the commitment) stay as they were.
			err = s.rollback(ctx, m, w, fresh, budgetMsg(be.err))
		}
	case failed || timedOut || len(fresh) < w.Replicas:
		why := workload.M("migrate.reason.new_failed")
		if timedOut {
			why = workload.M("migrate.reason.timeout", s.o.Timeout.String())
		}
		err = s.rollback(ctx, m, w, fresh, why)
	default:
		return nil
	}
	if err == nil {
		s.Kick()
	}
	return err
}

// budgetError is a switch the budget line can no longer take.
type budgetError struct{ err error }

func (e *budgetError) Error() string { return e.err.Error() }
func (e *budgetError) Unwrap() error { return e.err }

// switchOver deletes the old replicas, makes the new set the workload's
// and moves its budget commitment to the new forecast, in one transaction.
func (s *Service) switchOver(ctx context.Context, m model.Migration, w model.Workload, fresh []store.PlacementRow, oldIDs ids) error {
	return audit.Write(ctx, s.st, s.event(ctx, "migration.done", &w, m.EvacuationID), func(tx *store.Tx, ev *model.AuditEvent) error {
		ev.TargetID = m.ID
		now := tx.Now()
		w2, err := tx.Workloads().Get(ctx, w.ID)
		if err != nil {
			return err
		}
		if w2.Version != w.Version {
			return store.ErrConflict
		}
		var total int64
		for _, f := range fresh {
			cur, err := tx.PlacementByID(ctx, f.ID)
			if err != nil {
				return err
			}
			if cur.State != model.PlacementRunning {
				return store.ErrConflict
			}
			total += cur.MonthlyMinor
		}
		for _, id := range oldIDs {
			o, err := tx.PlacementByID(ctx, id)
			if err != nil {
				return err
			}
			if o.State != model.PlacementPending && o.State != model.PlacementProvisioning && o.State != model.PlacementRunning {
				continue
			}
			if err := s.svc.RetireReplica(ctx, tx, &o, now, workload.M("migrate.reason.old_replica")); err != nil {
				return err
			}
		}
		old := w2.ForecastMonthlyMinor
		w2.ForecastMonthlyMinor = total
		if s.Budget != nil {
			// After the old replicas' meters stopped: their usage up to now
			// is charged against the old commitment before it is released.
			if _, err := s.Budget.Recommit(ctx, tx, &w2, total, m.ID); err != nil {
				if errors.Is(err, workload.ErrBudget) {
					return &budgetError{err}
				}
				return err
			}
		}
		if err := s.svc.Transition(ctx, tx, &w2, model.StateRunning, workload.ActorReconciler, workload.M("workload.reason.migrated",
			strconv.Itoa(len(fresh)), strconv.FormatInt(old, 10), strconv.FormatInt(total, 10), w2.Currency)); err != nil {
			return err
		}
		if err := m.SetState(model.MigrationDone); err != nil {
			return err
		}
		m.Reason = w2.Reason
		return tx.Migrations().Update(ctx, &m)
	})
}

// rollback deletes the new replicas; the old ones never stopped, and the
// budget commitment was never moved.
func (s *Service) rollback(ctx context.Context, m model.Migration, w model.Workload, fresh []store.PlacementRow, why workload.Msg) error {
	return audit.Write(ctx, s.st, s.event(ctx, "migration.rolled_back", &w, m.EvacuationID), func(tx *store.Tx, ev *model.AuditEvent) error {
		ev.TargetID = m.ID
		now := tx.Now()
		for _, f := range fresh {
			cur, err := tx.PlacementByID(ctx, f.ID)
			if err != nil {
				return err
			}
			if err := s.svc.RetireReplica(ctx, tx, &cur, now, why); err != nil {
				return err
			}
		}
		w2, err := tx.Workloads().Get(ctx, w.ID)
		if err != nil {
			return err
		}
		if w2.State == model.StateMigrating {
			// Every rollback reason says the migration is rolled back; it
			// is stored keyed and rendered in the reader's language.
			if err := s.svc.Transition(ctx, tx, &w2, model.StateRunning, workload.ActorReconciler, why); err != nil {
				return err
			}
		}
		if err := m.SetState(model.MigrationRolledBack); err != nil {
			return err
		}
		m.Reason = workload.Enc(why)
		return tx.Migrations().Update(ctx, &m)
	})
}

func (s *Service) finish(ctx context.Context, m model.Migration, w model.Workload, state model.MigrationState, why workload.Msg) error {
	return audit.Write(ctx, s.st, s.event(ctx, "migration."+string(state), &w, m.EvacuationID), func(tx *store.Tx, ev *model.AuditEvent) error {
		ev.TargetID = m.ID
		if err := m.SetState(state); err != nil {
			return err
		}
		m.Reason = workload.Enc(why)
		return tx.Migrations().Update(ctx, &m)
	})
}

// Run advances migrations and evacuations until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	t := time.NewTicker(s.o.Every)
	defer t.Stop()
	for {
		if err := s.Advance(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("advancing migrations", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-s.kick:
		}
	}
}

// MigrationView is a migration with its plan.
type MigrationView struct {
	model.Migration
	Plan   model.MigrationPlan `json:"plan"`
	Reason string              `json:"reason,omitempty"`
}

// View decodes a migration row for the API.
func View(m model.Migration, lang i18n.Lang) MigrationView {
	v := MigrationView{Migration: m}
	_ = json.Unmarshal([]byte(m.Plan), &v.Plan)
	v.Plan.Steps = v.Plan.Steps[:0:0]
	if m.Reason != "" {
		v.Reason = workload.Decode(m.Reason).Render(lang)
	}
	return v
}
