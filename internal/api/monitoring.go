package api

import (
	"time"

	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/health"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// MonitoringOptions wire /v1/health, /v1/failovers and /v1/alerts.
type MonitoringOptions struct {
	Health    *health.Monitor
	Failovers func() any
}

// AlertView is an alert with its summary in the caller's language, the
// times it names written in the zone the caller asked for (tz, default
// UTC). SummaryTimes lists those times, machine form and text, so that a
// page can mark them up; fired_at and resolved_at stay RFC 3339.
type AlertView struct {
	model.Alert
	Summary      string             `json:"summary"`
	SummaryTimes []workload.MsgTime `json:"summary_times,omitempty"`
}

// WebhookRequest is the body of POST /v1/alert-webhooks
// (model.WebhookRequest).
type WebhookRequest = model.WebhookRequest

// WebhookView is a webhook as the API shows it (model.WebhookView).
type WebhookView = model.WebhookView

// AddMonitoring registers the health, failover and alert routes.
func (a *API) AddMonitoring(o MonitoringOptions) {
	a.AddRoutes(func(a *API) []*Route {
		return []*Route{
			{Method: "GET", Path: "/v1/health", Summary: "Health of every provider API and site (after hysteresis), with probe latency, error rate and capacity use",
				Tag: "monitoring", Auth: Platform("monitoring:read"), Response: map[string][]health.Status{},
				Handle: func(r *http.Request) (any, error) {
					return map[string]any{"items": o.Health.Statuses()}, nil
				}},
			{Method: "GET", Path: "/v1/failovers", Summary: "Site failovers in progress and the last finished ones, with the time to recover",
				Tag: "monitoring", Auth: Platform("monitoring:read"), Response: map[string][]any{},
				Handle: func(r *http.Request) (any, error) {
					return map[string]any{"items": o.Failovers()}, nil
				}},
			{Method: "GET", Path: "/v1/alerts", Summary: "Alerts (firing and resolved), newest first, with the summary in the caller's language",
				Tag: "monitoring", Auth: Platform("monitoring:read"), Query: []string{"state", "rule", "institution_id", "tz", "limit", "cursor"},
				Response: listPage[AlertView]{},
				Handle: func(r *http.Request) (any, error) {
					loc, r, err := zoneQuery(r)
					if err != nil {
						return nil, err
					}
					q, err := ListQuery(r, []string{"state", "rule", "institution_id"})
					if err != nil {
						return nil, err
					}
					p, err := a.store.Read().Alerts().List(r.Context(), q)
					if err != nil {
						return nil, err
					}
					lang := Lang(r.Context())
					out := make([]AlertView, len(p.Items))
					for i, al := range p.Items {
						out[i].Alert = al
						out[i].Summary, out[i].SummaryTimes = workload.Decode(al.Summary).RenderIn(lang, loc)
					}
					return listPage[AlertView]{Items: out, NextCursor: EncodeCursor(p.Next)}, nil
				}},
			{Method: "GET", Path: "/v1/alerts/dead-letters", Summary: "Alert deliveries that gave up after every retry",
				Tag: "monitoring", Auth: Platform("monitoring:read"), Query: []string{"limit", "cursor"}, Response: listPage[model.AlertDelivery]{},
				Handle: func(r *http.Request) (any, error) {
					q, err := ListQuery(r, nil)
					if err != nil {
						return nil, err
					}
					q.Filters["state"] = string(model.DeliveryDead)
					p, err := a.store.Read().AlertDeliveries().List(r.Context(), q)
					if err != nil {
						return nil, err
					}
					return listPage[model.AlertDelivery]{Items: p.Items, NextCursor: EncodeCursor(p.Next)}, nil
				}},
			{Method: "GET", Path: "/v1/alert-webhooks", Summary: "Webhooks that receive alerts (secrets are never shown again)",
				Tag: "monitoring", Auth: Platform("monitoring:read"), Response: map[string][]model.AlertWebhook{},
				Handle: func(r *http.Request) (any, error) {
					list, err := a.store.Read().AlertWebhooks().All(r.Context())
					if err != nil {
						return nil, err
					}
					if list == nil {
						list = []model.AlertWebhook{} // an empty list, never null
					}
					return map[string]any{"items": list}, nil
				}},
			{Method: "POST", Path: "/v1/alert-webhooks", Summary: "Register a webhook; alerts are POSTed to it signed with HMAC-SHA256 (X-Soberana-Signature)",
				Tag: "monitoring", Auth: Platform("monitoring:write"), Request: WebhookRequest{}, Response: WebhookView{}, Status: http.StatusCreated,
				Handle: withBody(func(r *http.Request, req WebhookRequest) (any, error) {
					var v model.Validator
					v.Name("name", &req.Name)
					if u, err := url.Parse(req.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
						v.Add("url", "alert.field.url", req.URL)
					}
					if err := v.Err(); err != nil {
						return nil, err
					}
					if req.Secret == "" {
						var b [24]byte
						_, _ = rand.Read(b[:])
						req.Secret = hex.EncodeToString(b[:])
					}
					box := a.secretBox()
					if box == nil {
						return nil, Errorf(http.StatusServiceUnavailable, "secrets-unconfigured", "problem.secrets-unconfigured.detail")
					}
					wh := model.AlertWebhook{Name: req.Name, URL: req.URL, Secret: secrets.SealedMarker}
					err := a.store.InTx(r.Context(), func(tx *store.Tx) error {
						if err := tx.AlertWebhooks().Create(r.Context(), &wh, "whk"); err != nil {
							return err
						}
						return box.Put(r.Context(), tx, alert.SecretOwner, wh.ID, alert.SecretName, []byte(req.Secret))
					})
					if err != nil {
						return nil, err
					}
					return Created{Value: WebhookView{AlertWebhook: wh, Secret: req.Secret}, Location: "/v1/alert-webhooks/" + wh.ID}, nil
				})},
			{Method: "DELETE", Path: "/v1/alert-webhooks/{id}", Summary: "Remove a webhook", Tag: "monitoring", Auth: Platform("monitoring:write"),
				Handle: func(r *http.Request) (any, error) {
					return nil, a.store.InTx(r.Context(), func(tx *store.Tx) error { return tx.AlertWebhooks().Delete(r.Context(), r.PathValue("id")) })
				}},
		}
	})
}

// zoneQuery takes the reader's time zone (tz, an IANA name) off the
// request's query; none is UTC, an unknown one a 400.
func zoneQuery(r *http.Request) (*time.Location, *http.Request, error) {
	q := r.URL.Query()
	tz := q.Get("tz")
	if !q.Has("tz") {
		return time.UTC, r, nil
	}
	q.Del("tz")
	loc, err := time.LoadLocation(tz)
	if err != nil || tz == "" || tz == "Local" {
		return nil, r, Errorf(http.StatusBadRequest, "bad-request", "problem.bad-request.tz", tz)
	}
	r2 := *r
	u := *r.URL
	u.RawQuery = q.Encode()
	r2.URL = &u
	return loc, &r2, nil
}
