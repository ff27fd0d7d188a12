package workload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/fleet"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/store"
)

// Sentinel errors of the service; the API maps them in one place.
var (
	// ErrState: the workload is not in a state that allows the action.
	ErrState = errors.New("workload: action not allowed in this state")
	// ErrIdempotencyMismatch: an Idempotency-Key was reused for a
	// different request.
	ErrIdempotencyMismatch = errors.New("workload: idempotency key reused with a different request")
)

// StateError says which state refused which action.
type StateError struct {
	Action, State string
}

func (e *StateError) Error() string {
	return fmt.Sprintf("workload: cannot %s a workload in state %s", e.Action, e.State)
}

// Unwrap makes errors.Is(err, ErrState) true.
func (e *StateError) Unwrap() error { return ErrState }

// Actors that are not people.
const (
	ActorSystem     = "system"
	ActorReconciler = "system:reconciler"
)

// Service creates, approves, rejects and deletes workloads and moves them
// through their states.
type Service struct {
	st    *store.Store
	fleet *fleet.Fleet
	log   *slog.Logger
	// Budget and Meter are the ledger's seams; nil when not wired.
	Budget Budget
	Meter  Meter
	// Kick wakes the reconciler after a change it should act on.
	Kick func()
	// Trust adds files and commands to every replica's first boot (the
	// SSH certificate trust); nil adds nothing. See firstboot.go.
	Trust FirstBootTrust
	// Drivers reaches the providers' drivers for power actions and
	// resizes; nil refuses both as unsupported.
	Drivers Drivers
	// busy: the replicas whose power action runs in this process.
	busy powerBusy
}

// New returns a service.
func New(st *store.Store, f *fleet.Fleet, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{st: st, fleet: f, log: log, Kick: func() {}}
}

// The request's fields are declared once, in model.WorkloadRequest, which
// the public SDK sends as client.WorkloadSpec; CreateRequest adds the
// service's validation.

// CreateRequest is the body of POST /v1/workloads.
type CreateRequest model.WorkloadRequest

// policy is the request's policy as the workload keeps it, naming the
// offering by the id it resolved to.
func (r *CreateRequest) policy(offeringID string) model.WorkloadPolicy {
	p := r.WorkloadPolicy
	p.OfferingID = offeringID
	return p
}

// MaxReplicas bounds one workload's replicas.
const MaxReplicas = 1000

// Validate checks the request's fields.
func (r *CreateRequest) Validate() error {
	var v model.Validator
	v.Required("project_id", r.ProjectID)
	v.Required("offering_id", r.OfferingID)
	if r.Replicas < 1 || r.Replicas > MaxReplicas {
		v.Add("replicas", "workload.field.replicas", strconv.Itoa(MaxReplicas), strconv.Itoa(r.Replicas))
	}
	v.OneOf("classification", r.Classification, model.Classifications...)
	// No countries and no sovereignty mode: the institution's data policy
	// fills them in (ApplyPolicy).
	for i, c := range r.Residency.Countries {
		v.Country(fmt.Sprintf("residency.countries[%d]", i), c)
	}
	for i, s := range r.Residency.Subdivisions {
		f := fmt.Sprintf("residency.subdivisions[%d]", i)
		if v.Subdivision(f, s, "") && !contains(r.Residency.Countries, s[:2]) {
			v.Add(f, "workload.field.subdivision_outside", s)
		}
	}
	if r.Sovereignty.Mode != "" && v.OneOf("sovereignty.mode", r.Sovereignty.Mode, model.SovereigntyNational, model.SovereigntyRegional, model.SovereigntyAny) &&
		r.Sovereignty.Mode == model.SovereigntyRegional && len(r.Sovereignty.Jurisdictions) == 0 {
		v.Add("sovereignty.jurisdictions", "workload.field.jurisdictions")
	}
	for i, j := range r.Sovereignty.Jurisdictions {
		v.Country(fmt.Sprintf("sovereignty.jurisdictions[%d]", i), j)
	}
	v.NonNegative("redundancy.min_providers", int64(r.Redundancy.MinProviders))
	v.NonNegative("redundancy.min_failure_domains", int64(r.Redundancy.MinFailureDomains))
	if r.Redundancy.MinDistanceKm < 0 || r.Redundancy.MinDistanceKm > 20_000 {
		v.Add("redundancy.min_distance_km", "workload.field.distance", strconv.FormatFloat(r.Redundancy.MinDistanceKm, 'f', -1, 64))
	}
	if n := r.Nearness; n != nil {
		if n.Latitude < -90 || n.Latitude > 90 {
			v.Add("nearness.latitude", "field.latitude", n.Latitude)
		}
		if n.Longitude < -180 || n.Longitude > 180 {
			v.Add("nearness.longitude", "field.longitude", n.Longitude)
		}
		if !(n.RadiusKm > 0 && n.RadiusKm <= 20_000) {
			v.Add("nearness.radius_km", "workload.field.distance", strconv.FormatFloat(n.RadiusKm, 'f', -1, 64))
		}
	}
	r.validateCover(&v)
	if r.Tier != "" {
		v.OneOf("tier", r.Tier, model.TierCore, model.TierEdge)
	}
	v.NonNegative("cost_ceiling_minor", r.CostCeilingMinor)
	r.validateFirstBoot(&v)
	if r.Preference != "" {
		if v.OneOf("preference", r.Preference, model.Names(placement.Preferences)...) &&
			r.Preference == string(placement.Nearest) && r.Nearness == nil {
			v.Add("nearness", "workload.field.nearness_required")
		}
	}
	return v.Err()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Actor is who asks.
type Actor struct {
	// Name is recorded on events; ID scopes idempotency keys.
	Name, ID string
	// Person is the user the caller's credential derives from (empty for
	// tokens no person made): recorded as a workload's requester, and
	// never the approver of its own request.
	Person string
	// FinanceOfficerOf reports whether the caller is a finance officer of
	// an institution (nil: of none); only they approve spending.
	FinanceOfficerOf func(institutionID string) bool
}

// Idempotency identifies a retried request: the key the client sent and a
// hash of the body it sent with it.
type Idempotency struct{ Key, BodyHash string }

// HashBody returns the hash stored with an idempotency key.
func HashBody(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Create validates, places (reserving capacity), applies the approval
// rules and persists the workload with its placements and first events in
// one transaction. With idem, a request already seen returns the workload
// it created and replayed=true.
func (s *Service) Create(ctx context.Context, who Actor, req CreateRequest, idem *Idempotency) (model.Workload, bool, error) {
	c, replayed, err := s.CreateWritten(ctx, who, req, idem)
	return c.Workload, replayed, err
}

// Written is what a create stored, exactly as stored (times in
// microseconds, as the store keeps them): the API answers a create from
// it instead of reading back the rows it just wrote (issue #19: each read
// is a round trip). Placements and Events are nil for a replayed request,
// whose workload may have moved on since.
type Written struct {
	Workload   model.Workload
	Placements []store.PlacementRow
	Events     []model.WorkloadEvent
	// Cost is the new workload's cost when CostKnown (nil: the ledger
	// has no record of it, e.g. a request waiting for approval that
	// booked nothing); otherwise it must be read.
	Cost      *model.WorkloadCost
	CostKnown bool
}

// CreateWritten is Create returning what the committed transaction wrote.
func (s *Service) CreateWritten(ctx context.Context, who Actor, req CreateRequest, idem *Idempotency) (out Written, replayed bool, err error) {
	replay := func(w model.Workload, ok bool, err error) (Written, bool, error) {
		return Written{Workload: w}, ok, err
	}
	if err := req.Validate(); err != nil {
		return out, false, err
	}
	if idem != nil {
		if w, ok, err := s.replay(ctx, who, idem); ok || err != nil {
			return replay(w, ok, err)
		}
	}
	c, err := s.planCreate(ctx, who, req)
	if err != nil {
		return out, false, err
	}
	// The budget is reserved by one conditional statement (Budget.Commit,
	// store.ReserveBudgetOnLine: it reads the line's current amount, not
	// the one read above) and everything else here inserts new rows or is
	// guarded by a unique key: on PostgreSQL the transaction runs at READ
	// COMMITTED, and the reservation is its last statement
	// (store.ReserveBudgetOnLineAtCommit), so creates on one budget line hold
	// its balance row only for the COMMIT instead of queueing whole
	// transactions.
	err = s.st.Write(store.ReadCommitted(ctx), func(tx *store.Tx) error {
		return s.writeCreate(ctx, tx, who, idem, c)
	})
	if err != nil {
		_ = s.fleet.Engine().ReleaseDecision(c.d)
		if idem != nil && errors.Is(err, store.ErrDuplicate) {
			if w, ok, rerr := s.replay(ctx, who, idem); ok || rerr != nil {
				return replay(w, ok, rerr)
			}
		}
		return Written{}, false, err
	}
	if c.approved {
		s.Kick()
	}
	return Written{Workload: c.w, Placements: c.rows, Events: c.events, Cost: c.cost, CostKnown: c.costKnown}, false, nil
}

// creating is a create between its steps: what planCreate read and
// decided (the institution, the offering, the project's budget line, the
// placement and its rows, the workload), then what the transaction wrote
// (each run of it starts them afresh).
type creating struct {
	w    model.Workload
	inst model.Institution
	off  model.Offering
	line model.BudgetLine
	d    placement.Decision
	rows []store.PlacementRow

	approved  bool
	events    []model.WorkloadEvent
	cost      *model.WorkloadCost
	costKnown bool
}

// planCreate reads a create's inputs (applying the institution's policy
// to req), builds the workload with its first boot, places it (reserving
// capacity in the engine) and turns the decision into placement rows.
func (s *Service) planCreate(ctx context.Context, who Actor, req CreateRequest) (*creating, error) {
	tx := s.st.Read()
	proj, inst, off, line, err := s.createInputs(ctx, tx, &req)
	if err != nil {
		return nil, err
	}
	c := &creating{inst: inst, off: off, line: line}
	c.w = model.Workload{
		ProjectID: proj.ID, InstitutionID: inst.ID, BudgetLineID: proj.BudgetLineID,
		WorkloadPolicy: req.policy(off.ID), Currency: inst.Currency,
		CreatedBy: who.Name, RequestedBy: who.requester(), AllowSimulated: req.AllowSimulated,
		Image: req.Image, UserData: req.UserData,
	}
	if err := s.resolveFirstBoot(ctx, tx, who, &c.w, req); err != nil {
		return nil, err
	}
	preq, err := s.PlacementRequest(ctx, &c.w, off, nil)
	if err != nil {
		return nil, err
	}
	if c.d, err = s.fleet.Engine().Place(preq); err != nil {
		return nil, s.PlaceError(err, inst.Currency, off.Name)
	}
	c.w.ID = model.NewID("wl")
	c.w.ForecastMonthlyMinor = c.d.TotalMonthlyMinor
	c.rows = s.PlacementRows(&c.w, off, c.d, nil)
	return c, nil
}

// writeCreate is the create's transaction: the idempotency key, then the
// workload in its first state (pending approval) and its first event,
// and the rest of its writes (insertCreate) in one pipelined batch.
func (s *Service) writeCreate(ctx context.Context, tx *store.Tx, who Actor, idem *Idempotency, c *creating) error {
	if idem != nil {
		if err := tx.PutIdempotency(ctx, store.Idempotency{Scope: who.ID, Key: idem.Key, RequestHash: idem.BodyHash, WorkloadID: c.w.ID}); err != nil {
			return err
		}
	}
	// fn may run more than once (a retried serialization failure, a
	// reservation refused at COMMIT): start from nothing each time.
	c.approved = false
	// A workload the budget was not asked about has no ledger
	// record, hence no cost.
	c.cost, c.costKnown = nil, true
	// Not stored yet (an earlier attempt's Create set a version): the
	// ledger then books it as new, never as an approved stored request
	// (which may overdraw when the institution allows overdraft
	// requests).
	c.w.Version = 0
	for i := range c.rows {
		c.rows[i].NextAttemptAt = nil
	}
	now := tx.Now()
	c.events = []model.WorkloadEvent{{Actor: who.Name, To: model.StatePendingApproval,
		Reason: Enc(M("workload.reason.created", strconv.Itoa(c.w.Replicas), c.off.Name, s.money(c.w.ForecastMonthlyMinor, c.w.Currency)))}}
	c.w.State = model.StatePendingApproval // a new workload's first state
	c.w.Reason = c.events[0].Reason
	// The budget's ledger rows (commitNewBudget, from the line read
	// with the inputs, after its reservation when that is not left
	// for COMMIT), the workload, its placements and its events depend
	// on nothing read in this transaction: on PostgreSQL they are sent
	// as one pipelined batch, one round trip, with the request's audit
	// event (PipelinedLast: nothing here edits it) (issue #19).
	return tx.PipelinedLast(ctx, func() error {
		return s.insertCreate(ctx, tx, c, now)
	})
}

// insertCreate decides the new workload's approval (decideCreate), then
// inserts the workload, its placements (due now when approved) and its
// events.
func (s *Service) insertCreate(ctx context.Context, tx *store.Tx, c *creating, now time.Time) error {
	if err := s.decideCreate(ctx, tx, c); err != nil {
		return err
	}
	if err := tx.Workloads().Create(ctx, &c.w, "wl"); err != nil {
		return err
	}
	for i := range c.rows {
		if c.approved {
			c.rows[i].NextAttemptAt = &now
		}
		if err := tx.Placements().Create(ctx, &c.rows[i], "pl"); err != nil {
			return err
		}
	}
	for i := range c.events {
		c.events[i].WorkloadID = c.w.ID
		c.events[i].At = now
	}
	return tx.AddEvents(ctx, c.events)
}

// decideCreate applies the approval rules to a new workload: a forecast
// within the institution's automatic approval is committed to the budget
// (commitNewBudget), and approved unless the budget says it needs an
// approval; a larger one waits for approval without asking the budget.
// Each outcome adds its event and sets the workload's reason.
func (s *Service) decideCreate(ctx context.Context, tx *store.Tx, c *creating) error {
	w, inst := &c.w, c.inst
	if w.ForecastMonthlyMinor > inst.AutoApproveMinor {
		w.Reason = Enc(M("workload.reason.needs_approval", s.money(w.ForecastMonthlyMinor, w.Currency), s.money(inst.AutoApproveMinor, w.Currency)))
		c.events = append(c.events, model.WorkloadEvent{Actor: ActorSystem, From: model.StatePendingApproval,
			To: model.StatePendingApproval, Reason: w.Reason})
		return nil
	}
	outcome, err := s.commitNewBudget(ctx, tx, w, c.line)
	if err != nil {
		return err
	}
	c.cost, c.costKnown = outcome.Cost, outcome.Cost != nil || s.Budget == nil
	if outcome.NeedsApproval {
		w.Reason = Enc(outcome.Reason)
		c.events = append(c.events, model.WorkloadEvent{Actor: ActorSystem, From: model.StatePendingApproval,
			To: model.StatePendingApproval, Reason: w.Reason})
		return nil
	}
	c.approved = true
	if err := setState(w, model.StateApproved); err != nil {
		return err
	}
	w.Reason = Enc(M("workload.reason.auto_approved", s.money(w.ForecastMonthlyMinor, w.Currency), s.money(inst.AutoApproveMinor, w.Currency)))
	c.events = append(c.events, model.WorkloadEvent{Actor: ActorSystem, From: model.StatePendingApproval,
		To: model.StateApproved, Reason: w.Reason})
	return nil
}

// createInputs reads a create's (or a preview's) project, its
// institution, the offering and the project's budget line in one
// statement, and applies the institution's policy to req; when that read
// finds nothing, it reads them apart to say which reference names nothing
// (and returns no line: the budget then reads it, Budget.Commit).
func (s *Service) createInputs(ctx context.Context, tx *store.Tx, req *CreateRequest) (proj model.Project, inst model.Institution, off model.Offering, line model.BudgetLine, err error) {
	proj, inst, off, line, err = tx.CreateInputs(ctx, req.ProjectID, req.OfferingID)
	if errors.Is(err, store.ErrNotFound) {
		proj, inst, off, err = s.createInputsApart(ctx, tx, req)
		return proj, inst, off, model.BudgetLine{}, err
	} else if err == nil {
		err = ApplyPolicy(inst, req)
	}
	return proj, inst, off, line, err
}

// createInputsApart reads a create's project, institution and offering
// one by one, checking the institution's policy before the offering as
// Create does: when the one-statement read (store.Tx.CreateInputs) found
// nothing, this says which reference names nothing.
func (s *Service) createInputsApart(ctx context.Context, tx *store.Tx, req *CreateRequest) (proj model.Project, inst model.Institution, off model.Offering, err error) {
	proj, err = tx.Projects().Get(ctx, req.ProjectID)
	if errors.Is(err, store.ErrNotFound) {
		return proj, inst, off, refErr("project_id", "project", req.ProjectID)
	} else if err != nil {
		return proj, inst, off, err
	}
	if inst, err = tx.Institutions().Get(ctx, proj.InstitutionID); err != nil {
		return proj, inst, off, err
	}
	if err := ApplyPolicy(inst, req); err != nil {
		return proj, inst, off, err
	}
	off, err = tx.Offerings().Get(ctx, req.OfferingID)
	if errors.Is(err, store.ErrNotFound) {
		return proj, inst, off, refErr("offering_id", "offering", req.OfferingID)
	}
	return proj, inst, off, err
}

func (s *Service) replay(ctx context.Context, who Actor, idem *Idempotency) (model.Workload, bool, error) {
	tx := s.st.Read()
	got, err := tx.GetIdempotency(ctx, who.ID, idem.Key)
	if errors.Is(err, store.ErrNotFound) {
		return model.Workload{}, false, nil
	}
	if err != nil {
		return model.Workload{}, false, err
	}
	if got.RequestHash != idem.BodyHash {
		return model.Workload{}, false, ErrIdempotencyMismatch
	}
	w, err := tx.Workloads().Get(ctx, got.WorkloadID)
	return w, err == nil, err
}

func (s *Service) commitBudget(ctx context.Context, tx *store.Tx, w *model.Workload) (BudgetOutcome, error) {
	if s.Budget == nil {
		return Fits(), nil
	}
	return s.Budget.Commit(ctx, tx, w)
}

// newLineCommitter is a Budget that commits a workload not stored yet
// from its budget line read before the transaction, without reading the
// line again unless the reservation is refused (ledger.Ledger.CommitNew).
type newLineCommitter interface {
	CommitNew(ctx context.Context, tx *store.Tx, w *model.Workload, line model.BudgetLine) (BudgetOutcome, error)
}

// commitNewBudget is commitBudget for a create, line its workload's
// budget line as createInputs read it (zero: not read).
func (s *Service) commitNewBudget(ctx context.Context, tx *store.Tx, w *model.Workload, line model.BudgetLine) (BudgetOutcome, error) {
	if c, ok := s.Budget.(newLineCommitter); ok && line.ID != "" {
		return c.CommitNew(ctx, tx, w, line)
	}
	return s.commitBudget(ctx, tx, w)
}

func (s *Service) releaseBudget(ctx context.Context, tx *store.Tx, w *model.Workload) error {
	if s.Budget == nil {
		return nil
	}
	return s.Budget.Release(ctx, tx, w)
}

// PlacementRequest builds the engine's request for a workload's replicas
// under its full policy, excluding sites (re-placing, migration,
// evacuation).
func (s *Service) PlacementRequest(ctx context.Context, w *model.Workload, off model.Offering, exclude []string) (placement.Request, error) {
	class, err := placement.ParseClassification(w.Classification)
	if err != nil {
		return placement.Request{}, err
	}
	sub, err := s.substrate(ctx, w)
	if err != nil {
		return placement.Request{}, err
	}
	r := placement.Request{
		OfferingID:     fleet.OfferingKey(off.ID, w.Currency),
		OfferingName:   off.Name,
		Resources:      placement.Resources{VCPU: off.VCPUs, MemoryMiB: off.MemoryMiB, DiskGiB: off.DiskGiB},
		Replicas:       w.Replicas,
		Classification: class,
		Residency:      placement.Residency{Countries: w.Residency.Countries, Subdivisions: w.Residency.Subdivisions},
		Sovereignty:    placement.Sovereignty{Mode: placement.SovereigntyMode(w.Sovereignty.Mode), Jurisdictions: w.Sovereignty.Jurisdictions},
		Redundancy: placement.Redundancy{MinProviders: w.Redundancy.MinProviders, MinFailureDomains: w.Redundancy.MinFailureDomains,
			MinDistanceKm: w.Redundancy.MinDistanceKm},
		CostCeilingMinor: w.CostCeilingMinor,
		Preference:       placement.Preference(w.Preference),
		Exclude:          exclude,
		Substrate:        sub,
		Image:            w.Image,
	}
	if w.Nearness != nil {
		r.Near = &placement.Near{Lat: w.Nearness.Latitude, Lon: w.Nearness.Longitude, RadiusKm: w.Nearness.RadiusKm}
	}
	for _, p := range w.Near {
		r.NearPoints = append(r.NearPoints, placement.NearPoint{Lat: p.Latitude, Lon: p.Longitude, RadiusKm: p.RadiusKm, Label: p.Label})
	}
	r.PerSubdivision = w.PerSubdivision
	if w.Tier != "" {
		t, err := placement.ParseTier(w.Tier)
		if err != nil {
			return r, err
		}
		r.Tier = &t
	}
	return r, nil
}

// PlacementRows turns a decision into pending placement rows with the
// given replica numbers (nil: 0…n-1).
func (s *Service) PlacementRows(w *model.Workload, off model.Offering, d placement.Decision, replicas []int) []store.PlacementRow {
	rows := make([]store.PlacementRow, len(d.Choices))
	for i, c := range d.Choices {
		replica := i
		if replicas != nil {
			replica = replicas[i]
		}
		sim := false
		if p, ok := s.fleet.Provider(c.ProviderID); ok {
			sim = p.Simulated
		}
		rows[i] = store.PlacementRow{Placement: model.Placement{
			Meta:       model.Meta{ID: model.NewID("pl")},
			WorkloadID: w.ID, Replica: replica, SiteID: c.SiteID, ProviderID: c.ProviderID,
			State: model.PlacementPending, MonthlyMinor: c.MonthlyMinor,
			VCPUs: d.Resources.VCPU, MemoryMiB: d.Resources.MemoryMiB, DiskGiB: d.Resources.DiskGiB, Simulated: sim,
			Reason: Enc(M("replica.reason.placed", s.siteName(c.SiteID), s.providerName(c.ProviderID))),
		}, FinalState: model.PlacementDeleted}
	}
	return rows
}

// PlaceError is a placement that does not fit, with the engine's
// explanation in the workload's currency.
type PlaceError struct {
	Err     error
	explain func(i18n.Lang) string
}

func (e *PlaceError) Error() string { return e.Err.Error() }

// Unwrap exposes placement.ErrNoFit, ErrCostCeiling or ErrInvalidRequest.
func (e *PlaceError) Unwrap() error { return e.Err }

// Explain renders why nothing fits in lang.
func (e *PlaceError) Explain(lang i18n.Lang) string { return e.explain(lang) }

// PlaceError returns a placement failure as a *PlaceError, whose Explain
// renders it in any language (money in the workload's currency); other
// errors are returned as they are.
func (s *Service) PlaceError(err error, currency, offering string) error {
	digits := 2
	if c, cerr := money.ParseCurrency(currency); cerr == nil {
		digits = c.Digits()
	}
	var nf *placement.NoFitError
	var ce *placement.CostCeilingError
	var ir *placement.InvalidRequestError
	switch {
	case errors.As(err, &nf):
		nf.Reasons.Currency, nf.Reasons.MinorDigits, nf.Reasons.OfferingID = currency, digits, offering
		return &PlaceError{Err: err, explain: nf.Explain}
	case errors.As(err, &ce):
		ce.Reasons.Currency, ce.Reasons.MinorDigits, ce.Reasons.OfferingID = currency, digits, offering
		return &PlaceError{Err: err, explain: ce.Explain}
	case errors.As(err, &ir):
		return &PlaceError{Err: err, explain: ir.Explain}
	}
	return err
}

func (s *Service) money(minor int64, currency string) string {
	c, err := money.ParseCurrency(currency)
	if err != nil {
		return strconv.FormatInt(minor, 10)
	}
	return money.Amount{Minor: minor, Currency: c}.String()
}

func refErr(field, noun, id string) error {
	var v model.Validator
	v.Add(field, "field.reference", noun, id)
	return v.Err()
}

// Enc stores a Msg in a reason column.
func Enc(m Msg) string {
	b, _ := json.Marshal(m)
	return string(b)
}

// Decode reads a stored reason; text that is not a stored Msg is returned
// as free text.
func Decode(s string) Msg {
	var m Msg
	if len(s) > 0 && s[0] == '{' && json.Unmarshal([]byte(s), &m) == nil {
		return m
	}
	return Msg{Text: s}
}

// Get loads a workload.
func (s *Service) Get(ctx context.Context, id string) (model.Workload, error) {
	return s.st.Read().Workloads().Get(ctx, id)
}

// Approve approves a workload waiting for approval. If its placements no
// longer fit (a site went down or left the fleet), it is placed again; if
// nothing fits any more it fails with the reason.
func (s *Service) Approve(ctx context.Context, who Actor, id string, reason string) (model.Workload, error) {
	tx := s.st.Read()
	a, err := s.readApproval(ctx, tx, who, id)
	if err != nil {
		return a.read, err
	}
	a.who, a.reason = who, reason
	if err := s.replanApproval(ctx, tx, &a); err != nil {
		return a.read, err
	}
	w := a.read
	// READ COMMITTED, like Create: the budget reservation is one
	// conditional statement and every row written here carries an
	// optimistic version check, so nothing is lost; under SERIALIZABLE an
	// approval kept losing the line's balance row to the creates running
	// on it (HAProxy bench: 40001 after 20 retries, a 500).
	err = s.st.Write(store.ReadCommitted(ctx), func(tx *store.Tx) error {
		// Every write below checks the version read above (Update,
		// UpdateAll): a workload changed since fails with ErrConflict
		// and rolls back. Each run of fn starts from what was read, not
		// from w, which an earlier run (rolled back) may have set.
		if a.fail != nil {
			return s.writeApprovalFailed(ctx, tx, &a, &w)
		}
		return s.writeApproval(ctx, tx, &a, &w)
	})
	if err != nil {
		s.undoReplan(a)
		return w, s.approveConflict(ctx, id, err)
	}
	s.Kick()
	return w, nil
}

// approval is an approval between its steps: the workload and placements
// read before its transaction and, when some of its pending placements
// sat on sites that are down, either their new placement (dec, newRows)
// or why nothing fits any more (fail).
type approval struct {
	who     Actor
	reason  string
	read    model.Workload
	ps      []store.PlacementRow
	newRows []store.PlacementRow
	dec     *placement.Decision
	fail    *Msg
}

// readApproval reads the workload to approve and its placements, and
// checks that it waits for approval and that who may approve it.
func (s *Service) readApproval(ctx context.Context, tx *store.Tx, who Actor, id string) (approval, error) {
	// The workload and its placements in one statement, read once: the
	// transaction writes them with their versions checked, so a change
	// in between is a conflict without a second read (issue #19).
	w, ps, err := tx.WorkloadWithPlacements(ctx, id)
	a := approval{read: w, ps: ps}
	if err != nil {
		return a, err
	}
	if w.State != model.StatePendingApproval {
		return a, &StateError{Action: "approve", State: string(w.State)}
	}
	return a, mayApprove(who, w)
}

// replanApproval places the workload again when any of its pending
// placements sits on a site that is down (or left the fleet): the pending
// placements' capacity is given back and the workload is placed anew
// within its policy (a.dec, a.newRows), or, when nothing fits any more,
// a.fail says why. With every pending placement on a live site it does
// nothing.
func (s *Service) replanApproval(ctx context.Context, tx *store.Tx, a *approval) error {
	stale := false
	for _, p := range a.ps {
		if p.State == model.PlacementPending && s.fleet.Down(p.SiteID) {
			stale = true
		}
	}
	if !stale {
		return nil
	}
	off, err := tx.Offerings().Get(ctx, a.read.OfferingID)
	if err != nil {
		return err
	}
	for _, p := range a.ps {
		if p.State == model.PlacementPending {
			_ = s.fleet.Engine().Release(p.SiteID, fleet.Resources(p.Placement))
		}
	}
	pw, err := WithinPolicy(ctx, tx, a.read)
	if err != nil {
		return err
	}
	req, err := s.PlacementRequest(ctx, &pw, off, nil)
	if err != nil {
		return err
	}
	d, err := s.fleet.Engine().Place(req)
	if err != nil {
		perr := s.PlaceError(err, a.read.Currency, off.Name)
		m := M("workload.reason.approval_no_fit", explainEN(perr))
		a.fail = &m
		return nil
	}
	a.dec = &d
	a.newRows = s.PlacementRows(&a.read, off, d, nil)
	return nil
}

// undoReplan gives the engine back what replanApproval changed, after
// the approval's transaction failed: the new placement's capacity is
// released and the pending placements' capacity reserved again.
func (s *Service) undoReplan(a approval) {
	if a.dec != nil {
		_ = s.fleet.Engine().ReleaseDecision(*a.dec)
	}
	if a.dec != nil || a.fail != nil { // give back what was released
		for _, p := range a.ps {
			if p.State == model.PlacementPending {
				_ = s.fleet.Engine().Reserve(p.SiteID, fleet.Resources(p.Placement))
			}
		}
	}
}

// writeApprovalFailed writes an approval that found nothing fits any
// more: the pending placements fail, the workload's budget is released
// and the workload fails with a.fail; *out is set to the workload written.
func (s *Service) writeApprovalFailed(ctx context.Context, tx *store.Tx, a *approval, out *model.Workload) error {
	w2 := a.read
	from := w2.State
	if err := updatePending(ctx, tx, a.ps, func(p *store.PlacementRow) error {
		if err := setPlacement(p, model.PlacementFailed); err != nil {
			return err
		}
		p.Reason, p.NextAttemptAt = Enc(*a.fail), nil
		return nil
	}); err != nil {
		return err
	}
	if err := setState(&w2, model.StateFailed); err != nil {
		return err
	}
	w2.Reason = Enc(*a.fail)
	if err := s.releaseBudget(ctx, tx, &w2); err != nil {
		return err
	}
	if err := tx.Workloads().Update(ctx, &w2); err != nil {
		return err
	}
	*out = w2
	return tx.PipelinedLast(ctx, func() error {
		return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w2.ID, Actor: a.who.Name, From: from, To: model.StateFailed, Reason: w2.Reason})
	})
}

// writeApproval writes an approval: the budget is committed, the
// placements become due (approvedPlacements) and the workload approved,
// with a.reason or the default one; *out is set to the workload written.
func (s *Service) writeApproval(ctx context.Context, tx *store.Tx, a *approval, out *model.Workload) error {
	now := tx.Now()
	w2 := a.read
	from := w2.State
	if _, err := s.commitBudget(ctx, tx, &w2); err != nil {
		return err
	}
	if err := s.approvedPlacements(ctx, tx, a, &w2, now); err != nil {
		return err
	}
	m := M("workload.reason.approved")
	if a.reason != "" {
		m = Msg{Text: a.reason}
	}
	if err := setState(&w2, model.StateApproved); err != nil {
		return err
	}
	w2.Reason = Enc(m)
	if err := tx.Workloads().Update(ctx, &w2); err != nil {
		return err
	}
	*out = w2
	// The timeline entry and the request's audit event, the last
	// writes, in one round trip on PostgreSQL (issue #19).
	return tx.PipelinedLast(ctx, func() error {
		return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: w2.ID, Actor: a.who.Name, From: from, To: model.StateApproved, Reason: w2.Reason})
	})
}

// approvedPlacements writes the placements of an approval. With a new
// placement (a.dec) the pending placements it replaces are deleted, the
// new ones created due now and w2's forecast becomes the new placement's;
// otherwise the pending placements become due now.
func (s *Service) approvedPlacements(ctx context.Context, tx *store.Tx, a *approval, w2 *model.Workload, now time.Time) error {
	if a.dec == nil {
		return updatePending(ctx, tx, a.ps, func(p *store.PlacementRow) error {
			p.NextAttemptAt = &now
			return nil
		})
	}
	if err := updatePending(ctx, tx, a.ps, func(p *store.PlacementRow) error {
		if err := setPlacement(p, model.PlacementDeleted); err != nil {
			return err
		}
		p.NextAttemptAt = nil
		p.Reason = Enc(M("replica.reason.replaced_on_approval", s.siteName(p.SiteID)))
		return nil
	}); err != nil {
		return err
	}
	for i := range a.newRows {
		a.newRows[i].NextAttemptAt = &now
	}
	// One statement for all of them (issue #19: one each cost a round
	// trip per replica).
	if err := tx.Placements().CreateMany(ctx, a.newRows, "pl"); err != nil {
		return err
	}
	w2.ForecastMonthlyMinor = a.dec.TotalMonthlyMinor
	return nil
}

// updatePending writes the pending placements of ps, each as edit leaves
// a copy of it (ps itself is not changed: a transaction run again starts
// from what was read), in one statement with every placement's version
// checked (updatePlacements; issue #19: a statement per placement cost
// a round trip each), and fails as it does.
func updatePending(ctx context.Context, tx *store.Tx, ps []store.PlacementRow, edit func(*store.PlacementRow) error) error {
	var rows []*store.PlacementRow
	for _, p := range ps {
		if p.State != model.PlacementPending {
			continue
		}
		if err := edit(&p); err != nil {
			return err
		}
		rows = append(rows, &p)
	}
	return updatePlacements(ctx, tx, rows)
}

// updatePlacements writes rows in one statement with every placement's
// version checked (store.Repo.UpdateAll), and fails as Update would on
// the first placement not written: store.ErrNotFound if it is gone,
// store.ErrConflict if it changed since it was read. The caller's
// transaction then rolls back, so a failure writes nothing.
func updatePlacements(ctx context.Context, tx *store.Tx, rows []*store.PlacementRow) error {
	written, err := tx.Placements().UpdateAll(ctx, rows)
	if err != nil {
		return err
	}
	for i, ok := range written {
		if ok {
			continue
		}
		if _, err := tx.Placements().Get(ctx, rows[i].ID); err != nil {
			return err
		}
		return fmt.Errorf("updating placements %s: %w (version %d is stale)", rows[i].ID, store.ErrConflict, rows[i].Version)
	}
	return nil
}

// approveConflict is an approval's error when its transaction found the
// workload changed since it was read: another approval (or a rejection or
// deletion) that went first. The workload is read again, on this path
// only, so that the caller learns its state as the check before the
// transaction would have told it (409) rather than a bare conflict (412,
// which the route does not declare). Other errors are returned as they
// are.
func (s *Service) approveConflict(ctx context.Context, id string, err error) error {
	if !errors.Is(err, store.ErrConflict) {
		return err
	}
	w, gerr := s.st.Read().Workloads().Get(ctx, id)
	if gerr != nil {
		return gerr
	}
	if w.State != model.StatePendingApproval {
		return &StateError{Action: "approve", State: string(w.State)}
	}
	return err
}

func explainEN(err error) string {
	var pe *PlaceError
	if errors.As(err, &pe) {
		return pe.Explain(i18n.EN)
	}
	return err.Error()
}

// Reject ends a workload that waits for approval, with a reason.
func (s *Service) Reject(ctx context.Context, who Actor, id, reason string) (model.Workload, error) {
	if reason == "" {
		var v model.Validator
		v.Add("reason", "field.required")
		return model.Workload{}, v.Err()
	}
	var w model.Workload
	var freed []store.PlacementRow
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		freed = freed[:0]
		var err error
		if w, err = tx.Workloads().Get(ctx, id); err != nil {
			return err
		}
		if w.State != model.StatePendingApproval {
			return &StateError{Action: "reject", State: string(w.State)}
		}
		ps, err := tx.PlacementsOf(ctx, id)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.State != model.PlacementPending {
				continue
			}
			if err := setPlacement(&p, model.PlacementDeleted); err != nil {
				return err
			}
			p.NextAttemptAt = nil
			p.Reason = Enc(M("replica.reason.workload_rejected"))
			if err := tx.Placements().Update(ctx, &p); err != nil {
				return err
			}
			freed = append(freed, p)
		}
		if err := s.releaseBudget(ctx, tx, &w); err != nil {
			return err
		}
		if err := setState(&w, model.StateRejected); err != nil {
			return err
		}
		w.Reason = Enc(Msg{Text: reason})
		if err := tx.Workloads().Update(ctx, &w); err != nil {
			return err
		}
		return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: id, Actor: who.Name, From: model.StatePendingApproval, To: model.StateRejected, Reason: w.Reason})
	})
	if err != nil {
		return w, err
	}
	s.Release(freed)
	return w, nil
}

// Release gives back the engine capacity of placements that ended outside
// the reconciler.
func (s *Service) Release(ps []store.PlacementRow) {
	for _, p := range ps {
		if err := s.fleet.Engine().Release(p.SiteID, fleet.Resources(p.Placement)); err != nil {
			s.log.Warn("releasing capacity", "placement", p.ID, "site", p.SiteID, "err", err)
		}
	}
}

// Delete starts deleting a workload: its replicas are deleted from the
// providers by the reconciler, which then frees their capacity. A workload
// that never ran is deleted at once. Deleting a deleted or deleting
// workload is a no-op.
func (s *Service) Delete(ctx context.Context, who Actor, id string) (model.Workload, error) {
	var w model.Workload
	var freed []store.PlacementRow
	kick := false
	err := s.st.Write(ctx, func(tx *store.Tx) error {
		freed, kick = freed[:0], false
		var err error
		if w, err = tx.Workloads().Get(ctx, id); err != nil {
			return err
		}
		from := w.State
		switch w.State {
		case model.StateDeleting, model.StateDeleted:
			return nil
		case model.StateRejected:
			return &StateError{Action: "delete", State: string(w.State)}
		}
		ps, err := tx.PlacementsOf(ctx, id)
		if err != nil {
			return err
		}
		now := tx.Now()
		busy := false
		for _, p := range ps {
			switch {
			case p.State == model.PlacementPending && p.NextAttemptAt == nil && p.Attempts == 0 && p.ResourceID == "" && w.State == model.StatePendingApproval:
				if err := setPlacement(&p, model.PlacementDeleted); err != nil {
					return err
				}
				p.Reason = Enc(M("replica.reason.workload_deleted"))
				freed = append(freed, p)
			case p.State == model.PlacementPending || p.State == model.PlacementProvisioning || p.State == model.PlacementRunning:
				if p.State == model.PlacementRunning && s.Meter != nil {
					if err := s.Meter.Stop(ctx, tx, &p.Placement, now); err != nil {
						return err
					}
				}
				if err := setPlacement(&p, model.PlacementDeleting); err != nil {
					return err
				}
				p.FinalState, p.Attempts, p.NextAttemptAt = model.PlacementDeleted, 0, &now
				p.Reason = Enc(M("replica.reason.workload_deleted"))
				busy = true
			case p.State == model.PlacementDeleting:
				busy = true
				continue
			default:
				continue
			}
			if err := tx.Placements().Update(ctx, &p); err != nil {
				return err
			}
		}
		to := model.StateDeleting
		if !busy {
			to = model.StateDeleted
			if err := s.releaseBudget(ctx, tx, &w); err != nil {
				return err
			}
		}
		kick = busy
		if err := setState(&w, to); err != nil {
			return err
		}
		w.Reason = Enc(M("workload.reason.delete_requested"))
		if err := tx.Workloads().Update(ctx, &w); err != nil {
			return err
		}
		return tx.AddEvent(ctx, &model.WorkloadEvent{WorkloadID: id, Actor: who.Name, From: from, To: to, Reason: w.Reason})
	})
	if err != nil {
		return w, err
	}
	s.Release(freed)
	if kick {
		s.Kick()
	}
	return w, nil
}
