package edge

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The tracker's Prometheus metrics: heartbeats accepted and rejected (by
// reason), the edge sites heard and missed in the last interval, and how
// long the last interval's derivation took.
var (
	descAccepted = prometheus.NewDesc("soberana_edge_heartbeats_accepted_total",
		"Edge heartbeats verified and accepted.", nil, nil)
	descRejected = prometheus.NewDesc("soberana_edge_heartbeats_rejected_total",
		"Edge heartbeats rejected, by reason (malformed, unknown, revoked, signature, replay, subject).", []string{"reason"}, nil)
	descSites = prometheus.NewDesc("soberana_edge_sites",
		"Edge sites in the last closed interval, by whether their subcloud's heartbeat was heard.", []string{"state"}, nil)
	descTick = prometheus.NewDesc("soberana_edge_tick_seconds",
		"Time the last interval's health derivation took.", nil, nil)
)

// Describe implements prometheus.Collector.
func (t *Tracker) Describe(ch chan<- *prometheus.Desc) {
	ch <- descAccepted
	ch <- descRejected
	ch <- descSites
	ch <- descTick
}

// Collect implements prometheus.Collector.
func (t *Tracker) Collect(ch chan<- prometheus.Metric) {
	t.mu.Lock()
	acc, heard, missed, tick := t.accepted, t.lastHeard, t.lastMissed, t.lastTick
	rej := make(map[string]int64, len(t.rejected))
	for k, v := range t.rejected {
		rej[k] = v
	}
	t.mu.Unlock()
	ch <- prometheus.MustNewConstMetric(descAccepted, prometheus.CounterValue, float64(acc))
	for _, r := range []string{RejectMalformed, RejectUnknown, RejectRevoked, RejectSignature, RejectReplay, RejectSubject} {
		ch <- prometheus.MustNewConstMetric(descRejected, prometheus.CounterValue, float64(rej[r]), r)
	}
	ch <- prometheus.MustNewConstMetric(descSites, prometheus.GaugeValue, float64(heard), "heard")
	ch <- prometheus.MustNewConstMetric(descSites, prometheus.GaugeValue, float64(missed), "missed")
	ch <- prometheus.MustNewConstMetric(descTick, prometheus.GaugeValue, tick.Seconds())
}

// LastTick reports the last closed interval: sites heard and missed, and
// how long deriving their health took.
func (t *Tracker) LastTick() (heard, missed int, took time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lastHeard, t.lastMissed, t.lastTick
}
