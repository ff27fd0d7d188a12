package model

import "time"

// AlertState is whether an alert's condition holds. The alert engine is
// its one writer and moves it by AlertTransitions (Alert.SetState).
type AlertState string

// Alert states.
const (
	AlertFiring   AlertState = "firing"
	AlertResolved AlertState = "resolved"
)

// AlertStates lists every alert state.
var AlertStates = []AlertState{AlertFiring, AlertResolved}

// AlertTransitions is the table of alert states: a firing alert resolves,
// and a resolved one fires again when its condition comes back (the row is
// deduplicated by its key).
var AlertTransitions = StateTable[AlertState]{
	AlertFiring:   {AlertResolved},
	AlertResolved: {AlertFiring},
}

// Alert severities: critical wants someone now (a site or provider
// down, a replica gone), warning soon, info is news (a grant expiring).
const (
	SeverityCritical = "critical"
	SeverityWarning  = "warning"
	SeverityInfo     = "info"
)

// Severities lists every alert severity (the OpenAPI enum).
var Severities = []string{SeverityCritical, SeverityWarning, SeverityInfo}

// Alert is one firing (or resolved) condition, deduplicated by DedupKey.
type Alert struct {
	Meta
	DedupKey      string     `json:"dedup_key"`
	Rule          string     `json:"rule"`
	Severity      string     `json:"severity"`
	State         AlertState `json:"state"`
	TargetKind    string     `json:"target_kind"`
	TargetID      string     `json:"target_id"`
	InstitutionID string     `json:"institution_id,omitempty"`
	Summary       string     `json:"-"`
	Value         string     `json:"value,omitempty"`
	FiredAt       time.Time  `json:"fired_at"`
	ResolvedAt    *time.Time `json:"resolved_at,omitempty"`
}

// SetState moves a to state to, checking AlertTransitions. It only
// changes a; the caller stores it.
func (a *Alert) SetState(to AlertState) error {
	return AlertTransitions.Move("alert", &a.State, to)
}

// AlertWebhook is an endpoint alerts are delivered to, signed with Secret.
type AlertWebhook struct {
	Meta
	Name   string `json:"name"`
	URL    string `json:"url"`
	Secret string `json:"-"`
}

// WebhookRequest registers a webhook; Secret is generated when empty and
// shown only in the answer to the creation.
type WebhookRequest struct {
	Name   string `json:"name"`
	URL    string `json:"url"`
	Secret string `json:"secret,omitempty"`
}

// WebhookView is a webhook; Secret is set only when it was just created.
type WebhookView struct {
	AlertWebhook
	Secret string `json:"secret,omitempty"`
}

// DeliveryState is where the delivery of one alert event to one webhook
// is. The alert engine is its one writer and moves it by
// DeliveryTransitions (AlertDelivery.SetState).
type DeliveryState string

// Delivery states.
const (
	DeliveryPending   DeliveryState = "pending"
	DeliveryDelivered DeliveryState = "delivered"
	// DeliveryDead is a dead letter: the engine gave up.
	DeliveryDead DeliveryState = "dead"
)

// DeliveryStates lists every delivery state.
var DeliveryStates = []DeliveryState{DeliveryPending, DeliveryDelivered, DeliveryDead}

// DeliveryTransitions is the table of delivery states: a pending delivery
// is delivered or, after its last attempt, dead; both are final (a failed
// attempt that will be retried stays pending).
var DeliveryTransitions = StateTable[DeliveryState]{
	DeliveryPending: {DeliveryDelivered, DeliveryDead},
}

// AlertDelivery is one alert event to deliver to one webhook; State is
// pending, delivered or dead (a dead letter: it gave up).
type AlertDelivery struct {
	Meta
	AlertID       string        `json:"alert_id"`
	WebhookID     string        `json:"webhook_id"`
	Event         string        `json:"event"`
	Payload       string        `json:"payload"`
	State         DeliveryState `json:"state"`
	Attempts      int           `json:"attempts"`
	LastError     string        `json:"last_error,omitempty"`
	NextAttemptAt *time.Time    `json:"next_attempt_at,omitempty"`
}

// SetState moves d to state to, checking DeliveryTransitions. It only
// changes d; the caller stores it.
func (d *AlertDelivery) SetState(to DeliveryState) error {
	return DeliveryTransitions.Move("delivery", &d.State, to)
}

// BudgetAlert records that a line crossed a threshold (percent).
type BudgetAlert struct {
	ID            string
	InstitutionID string
	BudgetLineID  string
	Threshold     int64
	UsedMinor     int64
	AmountMinor   int64
	Currency      string
	At            time.Time
}
