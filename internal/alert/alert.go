// Package alert evaluates the alert rules, keeps one alert row per firing
// condition (deduplicated by key, resolved when the condition clears) and
// delivers every firing and resolution to the configured webhooks, signed
// with HMAC-SHA256, retried with exponential backoff and kept as a dead
// letter when every attempt failed.
//
// Rules: site_down and provider_down (the health monitor's stable state),
// capacity (a site's use above a threshold), budget (the ledger's
// budget_alerts: a line crossed 50/80/100 %), budget_reduced (a line cut
// below what it carries, with a reason), grant_expiring (a vendor
// grant ends within the warning window) and workload_failed.
//
// Signature: each request carries
//
//	X-Soberana-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
// and receivers check it with Verify (docs/operations.md shows how in a
// few lines of any language).
package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/fleet"
	"github.com/soberana/soberana/internal/health"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/metrics"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// Rules.
const (
	RuleSiteDown     = "site_down"
	RuleProviderDown = "provider_down"
	RuleCapacity     = "capacity"
	RuleBudget       = "budget"
	// RuleBudgetReduced: a budget line was cut below what it carried
	// (committed + accrued), with a reason.
	RuleBudgetReduced  = "budget_reduced"
	RuleGrantExpiring  = "grant_expiring"
	RuleWorkloadFailed = "workload_failed"
)

// Rules lists every rule (the OpenAPI enum of an alert's rule).
var Rules = []string{RuleSiteDown, RuleProviderDown, RuleCapacity, RuleBudget, RuleBudgetReduced, RuleGrantExpiring,
	RuleWorkloadFailed, RuleReplicaDeleted, RuleReplicaDrift}

// Target kinds of an alert: what its rule watched (a site or provider:
// health.KindSite, health.KindProvider).
const (
	TargetBudgetLine = "budget_line"
	TargetGrant      = "grant"
	TargetWorkload   = "workload"
	TargetPlacement  = "placement"
)

// TargetKinds lists every target kind (the OpenAPI enum).
var TargetKinds = []string{health.KindSite, health.KindProvider, TargetBudgetLine, TargetGrant, TargetWorkload, TargetPlacement}

// Webhook events: an alert fired or resolved; EventAuditCheckpoint is
// the audit log's signed checkpoint.
const (
	EventFiring   = "alert.firing"
	EventResolved = "alert.resolved"
)

// Events lists every webhook event (the OpenAPI enum of a delivery's event).
var Events = []string{EventFiring, EventResolved, EventAuditCheckpoint}

// Webhook headers and the default call timeout.
const (
	SignatureHead  = "X-Soberana-Signature"
	EventHead      = "X-Soberana-Event"
	DeliveryHead   = "X-Soberana-Delivery"
	defaultTimeout = 10 * time.Second
)

// resolvable rules clear by themselves; the others are facts that stay
// until someone reads them (budget crossings, failures).
var resolvable = map[string]bool{RuleSiteDown: true, RuleProviderDown: true, RuleCapacity: true, RuleGrantExpiring: true}

// Options tune the alerts; zero fields take defaults.
type Options struct {
	Every           time.Duration // between evaluations (default 15 s)
	CapacityPercent int           // default 85
	GrantWarning    time.Duration // default 72 h
	Attempts        int           // deliveries before a dead letter (default 8)
	BackoffBase     time.Duration // default 1 s
	BackoffMax      time.Duration // default 10 min
	Client          *http.Client
	Now             func() time.Time
	// Box returns the secrets box that holds webhooks' sealed secrets
	// (nil, or returning nil: no secrets key).
	Box func() Box
	// Location is the zone in which delivered summaries write times
	// (nil: UTC); the payload's fired_at and resolved_at stay RFC 3339.
	Location *time.Location
}

func (o *Options) defaults() {
	if o.Every <= 0 {
		o.Every = 15 * time.Second
	}
	if o.CapacityPercent <= 0 {
		o.CapacityPercent = 85
	}
	if o.GrantWarning <= 0 {
		o.GrantWarning = 72 * time.Hour
	}
	if o.Attempts <= 0 {
		o.Attempts = 8
	}
	if o.BackoffBase <= 0 {
		o.BackoffBase = time.Second
	}
	if o.BackoffMax <= 0 {
		o.BackoffMax = 10 * time.Minute
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: defaultTimeout}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Engine evaluates rules and delivers alerts.
type Engine struct {
	o      Options
	st     *store.Store
	fleet  *fleet.Fleet
	health *health.Monitor
	log    *slog.Logger
	since  time.Time
}

// New returns an engine.
func New(o Options, st *store.Store, f *fleet.Fleet, h *health.Monitor, log *slog.Logger) *Engine {
	o.defaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{o: o, st: st, fleet: f, health: h, log: log, since: o.Now().Add(-24 * time.Hour)}
}

// condition is one firing condition found by a rule — or, when clears is
// set, the news that the rule's condition on a target (kind, id, value)
// cleared: its firing alerts that no condition holds resolve, even under
// a rule that is not resolvable (a drift found gone).
type condition struct {
	key, rule, severity, kind, id, institution, value string
	summary                                           workload.Msg
	clears                                            bool
}

// target is what a clearing condition resolves: the alerts of a rule on
// one target with one value.
type target struct{ rule, id, value string }

// Conditions evaluates every rule.
func (e *Engine) conditions(ctx context.Context) ([]condition, error) {
	var out []condition
	tx := e.st.Read()
	names := e.namer(ctx, tx)
	if e.health != nil {
		for _, s := range e.health.Statuses() {
			if s.State != model.HealthDown {
				continue
			}
			rule, name := RuleSiteDown, names.site(s.ID)
			if s.Kind == health.KindProvider {
				rule, name = RuleProviderDown, names.provider(s.ID)
			}
			out = append(out, condition{key: rule + ":" + s.ID, rule: rule, severity: model.SeverityCritical, kind: s.Kind, id: s.ID,
				summary: workload.M("alert."+rule, name, s.Since.UTC().Format(time.RFC3339))})
		}
	}
	for id, u := range e.fleet.Usage() {
		r := metrics.UseRatio(u.Used.VCPU, u.Capacity.VCPU, u.Used.MemoryMiB, u.Capacity.MemoryMiB, u.Used.DiskGiB, u.Capacity.DiskGiB)
		if r*100 >= float64(e.o.CapacityPercent) {
			pct := strconv.Itoa(int(r * 100))
			out = append(out, condition{key: RuleCapacity + ":" + id, rule: RuleCapacity, severity: model.SeverityWarning, kind: health.KindSite, id: id,
				value: pct, summary: workload.M("alert.capacity", names.site(id), pct, strconv.Itoa(e.o.CapacityPercent))})
		}
	}
	bas, err := tx.BudgetAlerts(ctx, "", "")
	if err != nil {
		return nil, err
	}
	for _, b := range bas {
		th := strconv.FormatInt(b.Threshold, 10)
		out = append(out, condition{key: RuleBudget + ":" + b.BudgetLineID + ":" + th, rule: RuleBudget, severity: model.SeverityWarning,
			kind: TargetBudgetLine, id: b.BudgetLineID, institution: b.InstitutionID, value: th,
			summary: workload.M("alert.budget", names.budgetLine(b.BudgetLineID), th)})
	}
	reds, err := tx.BudgetReductions(ctx, "", "")
	if err != nil {
		return nil, err
	}
	for _, r := range reds {
		out = append(out, condition{key: RuleBudgetReduced + ":" + r.ID, rule: RuleBudgetReduced, severity: model.SeverityWarning,
			kind: TargetBudgetLine, id: r.BudgetLineID, institution: r.InstitutionID, value: strconv.FormatInt(r.ToMinor, 10),
			summary: workload.M("alert.budget_reduced", names.budgetLine(r.BudgetLineID), r.ActorName, r.Reason)})
	}
	now := e.o.Now()
	if gs, err := tx.ExpiringGrants(ctx, now, now.Add(e.o.GrantWarning)); err == nil {
		for _, g := range gs {
			out = append(out, condition{key: RuleGrantExpiring + ":" + g.ID, rule: RuleGrantExpiring, severity: model.SeverityInfo,
				kind: TargetGrant, id: g.ID, institution: g.InstitutionID,
				summary: workload.M("alert.grant_expiring", g.ID, names.project(g.ProjectID), g.ExpiresAt.UTC().Format(time.RFC3339))})
		}
	} else {
		e.log.Debug("alerts: reading grants", "err", err)
	}
	drifts, err := e.driftConditions(ctx, tx)
	if err != nil {
		return nil, err
	}
	out = append(out, drifts...)
	ws, err := tx.FailedWorkloads(ctx, e.since, 1000)
	if err != nil {
		return nil, err
	}
	for _, w := range ws {
		out = append(out, condition{key: RuleWorkloadFailed + ":" + w.ID, rule: RuleWorkloadFailed, severity: model.SeverityWarning,
			kind: TargetWorkload, id: w.ID, institution: w.InstitutionID,
			summary: workload.M("alert.workload_failed", w.ID, workload.Decode(w.Reason).Render(i18n.EN))})
	}
	return out, nil
}

// Evaluate runs the rules once: new conditions fire, cleared ones
// resolve, and each change is queued for every webhook.
func (e *Engine) Evaluate(ctx context.Context) error {
	conds, err := e.conditions(ctx)
	if err != nil {
		return err
	}
	firing, err := e.firing(ctx)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	cleared := map[target]bool{}
	for _, c := range conds {
		if c.clears {
			cleared[target{c.rule, c.id, c.value}] = true
			continue
		}
		seen[c.key] = true
		if _, ok := firing[c.key]; ok {
			continue
		}
		if err := e.fire(ctx, c); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	for key, a := range firing {
		if seen[key] || !resolvable[a.Rule] && !cleared[target{a.Rule, a.TargetID, a.Value}] {
			continue
		}
		if err := e.resolve(ctx, a); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return nil
}

func (e *Engine) firing(ctx context.Context) (map[string]model.Alert, error) {
	out := map[string]model.Alert{}
	o := store.ListOptions{Filters: map[string]string{"state": string(model.AlertFiring)}, Limit: 1000}
	for {
		p, err := e.st.Read().Alerts().List(ctx, o)
		if err != nil {
			return nil, err
		}
		for _, a := range p.Items {
			out[a.DedupKey] = a
		}
		if p.Next == "" {
			return out, nil
		}
		o.After = p.Next
	}
}

func encMsg(m workload.Msg) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func (e *Engine) fire(ctx context.Context, c condition) error {
	return e.st.Write(ctx, func(tx *store.Tx) error {
		now := e.o.Now().UTC()
		p, err := tx.Alerts().List(ctx, store.ListOptions{Filters: map[string]string{"dedup_key": c.key}, Limit: 1})
		if err != nil {
			return err
		}
		var a model.Alert
		if len(p.Items) == 1 {
			a = p.Items[0]
			if a.State == model.AlertFiring {
				return nil
			}
			if err := a.SetState(model.AlertFiring); err != nil {
				return err
			}
			a.FiredAt, a.ResolvedAt, a.Summary, a.Value = now, nil, encMsg(c.summary), c.value
			if err := tx.Alerts().Update(ctx, &a); err != nil {
				return err
			}
		} else {
			a = model.Alert{DedupKey: c.key, Rule: c.rule, Severity: c.severity, State: model.AlertFiring, TargetKind: c.kind,
				TargetID: c.id, InstitutionID: c.institution, Summary: encMsg(c.summary), Value: c.value, FiredAt: now}
			if err := tx.Alerts().Create(ctx, &a, "alr"); err != nil {
				return err
			}
		}
		e.log.Warn("alert firing", "rule", c.rule, "target", c.id)
		return e.enqueue(ctx, tx, a, EventFiring)
	})
}

func (e *Engine) resolve(ctx context.Context, a model.Alert) error {
	return e.st.Write(ctx, func(tx *store.Tx) error {
		now := e.o.Now().UTC()
		if err := a.SetState(model.AlertResolved); err != nil {
			return err
		}
		a.ResolvedAt = &now
		if err := tx.Alerts().Update(ctx, &a); err != nil {
			return err
		}
		e.log.Info("alert resolved", "rule", a.Rule, "target", a.TargetID)
		return e.enqueue(ctx, tx, a, EventResolved)
	})
}

// Payload is the JSON body of a webhook delivery.
type Payload struct {
	Event         string           `json:"event"`
	AlertID       string           `json:"alert_id"`
	Rule          string           `json:"rule"`
	Severity      string           `json:"severity"`
	State         model.AlertState `json:"state"`
	TargetKind    string           `json:"target_kind"`
	TargetID      string           `json:"target_id"`
	InstitutionID string           `json:"institution_id,omitempty"`
	Value         string           `json:"value,omitempty"`
	FiredAt       time.Time        `json:"fired_at"`
	ResolvedAt    *time.Time       `json:"resolved_at,omitempty"`
	// Summary in the three languages of the platform.
	Summary map[string]string `json:"summary"`
}

// PayloadOf renders an alert for webhooks, times in its summaries in UTC.
func PayloadOf(a model.Alert, event string) Payload { return PayloadIn(a, event, nil) }

// PayloadIn renders an alert for webhooks with the times its summaries
// name written in loc (nil: UTC), in each language's way.
func PayloadIn(a model.Alert, event string, loc *time.Location) Payload {
	m := workload.Decode(a.Summary)
	sum := map[string]string{}
	for _, l := range i18n.All {
		sum[string(l)], _ = m.RenderIn(l, loc)
	}
	return Payload{Event: event, AlertID: a.ID, Rule: a.Rule, Severity: a.Severity, State: a.State, TargetKind: a.TargetKind,
		TargetID: a.TargetID, InstitutionID: a.InstitutionID, Value: a.Value, FiredAt: a.FiredAt, ResolvedAt: a.ResolvedAt,
		Summary: sum}
}

func (e *Engine) enqueue(ctx context.Context, tx *store.Tx, a model.Alert, event string) error {
	hooks, err := tx.AlertWebhooks().All(ctx)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(PayloadIn(a, event, e.o.Location))
	now := e.o.Now().UTC()
	for _, h := range hooks {
		d := model.AlertDelivery{AlertID: a.ID, WebhookID: h.ID, Event: event, Payload: string(body), State: model.DeliveryPending, NextAttemptAt: &now}
		if err := tx.AlertDeliveries().Create(ctx, &d, "dlv"); err != nil {
			return err
		}
	}
	return nil
}

// Sign returns the signature header value for body at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// ErrSignature is a signature that does not verify.
var ErrSignature = errors.New("alert: bad webhook signature")

// Verify checks a signature header against body; signatures older or
// newer than tolerance (replays) are refused.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return ErrSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: timestamp outside %s", ErrSignature, tolerance)
	}
	want := Sign(secret, time.Unix(sec, 0), body)
	if !hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig)) {
		return ErrSignature
	}
	return nil
}

// claimFor is how long a claimed delivery is left to its claimer before
// another replica may try it (well above a webhook call's timeout).
const claimFor = 5 * time.Minute

// Deliver sends the due deliveries once each; failures back off and, after
// Attempts, become dead letters.
func (e *Engine) Deliver(ctx context.Context) error {
	due, err := e.st.Read().DueDeliveries(ctx, e.o.Now().UTC(), 100)
	if err != nil {
		return err
	}
	hooks := map[string]model.AlertWebhook{}
	for _, d := range due {
		h, ok := hooks[d.WebhookID]
		if !ok {
			if h, err = e.st.Read().AlertWebhooks().Get(ctx, d.WebhookID); err != nil {
				h = model.AlertWebhook{}
			}
			hooks[d.WebhookID] = h
		}
		// Claim the delivery before sending it: the version check lets one
		// replica win; the others skip it. A replica that dies after the
		// claim leaves it due again when the claim expires.
		claimed := e.o.Now().UTC().Add(claimFor)
		d.NextAttemptAt = &claimed
		if err := e.st.Write(ctx, func(tx *store.Tx) error { return tx.AlertDeliveries().Update(ctx, &d) }); err != nil {
			if errors.Is(err, store.ErrConflict) {
				continue // another replica has it
			}
			return err
		}
		var derr error
		if h.ID == "" {
			derr = errors.New("webhook removed")
		} else {
			derr = e.post(ctx, h, d)
		}
		d.Attempts++
		if derr == nil {
			if err := d.SetState(model.DeliveryDelivered); err != nil {
				return err
			}
			d.NextAttemptAt, d.LastError = nil, ""
		} else {
			d.LastError = derr.Error()
			if d.Attempts >= e.o.Attempts || h.ID == "" {
				if err := d.SetState(model.DeliveryDead); err != nil {
					return err
				}
				d.NextAttemptAt = nil
				e.log.Warn("alert delivery gave up: dead letter", "delivery", d.ID, "webhook", d.WebhookID, "err", derr)
			} else {
				next := e.o.Now().UTC().Add(e.backoff(d.Attempts))
				d.NextAttemptAt = &next
			}
		}
		if err := e.st.Write(ctx, func(tx *store.Tx) error { return tx.AlertDeliveries().Update(ctx, &d) }); err != nil &&
			!errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return nil
}

func (e *Engine) backoff(attempts int) time.Duration {
	d := e.o.BackoffBase << min(attempts-1, 20)
	if d > e.o.BackoffMax || d <= 0 {
		d = e.o.BackoffMax
	}
	return d/2 + time.Duration(mrand.Int64N(int64(d/2)+1))
}

func (e *Engine) post(ctx context.Context, h model.AlertWebhook, d model.AlertDelivery) error {
	body := []byte(d.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "soberana-alerts/1")
	secret, err := e.secret(ctx, h)
	if err != nil {
		return err
	}
	req.Header.Set(SignatureHead, Sign(secret, time.Now(), body))
	req.Header.Set(EventHead, d.Event)
	req.Header.Set(DeliveryHead, d.ID)
	resp, err := e.o.Client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// Run evaluates and delivers every Every until ctx ends.
func (e *Engine) Run(ctx context.Context) error {
	// The first evaluation waits one interval: health needs a few probes
	// before "down" means anything, and a process that just started has
	// nothing to say yet.
	return pace.Every(ctx, e.o.Every, func() {
		if err := e.Evaluate(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("evaluating alert rules", "err", err)
		}
		if err := e.Deliver(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("delivering alerts", "err", err)
		}
	})
}
