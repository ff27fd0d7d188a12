// Package metrics exports the platform's state on /metrics: health and
// probe latency per provider and site, capacity and use per site,
// workloads by state, time from request to running, the reconciler's queue
// depth, failover recovery and budget use per line. HTTP latency per route
// is the API's own (soberana_http_request_duration_seconds) and
// reconcile errors are soberana_reconcile_actions_total{result="error"}.
//
// Gauges are read at scrape time from the health monitor, the fleet and
// the store (a prometheus.Collector), so they are never stale; the
// request-to-running histogram is fed by a watermark over the workload
// timeline (Run), so it counts each workload once, whichever server
// reconciled it.
package metrics

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/soberana/soberana/internal/fleet"
	"github.com/soberana/soberana/internal/health"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/store"
)

// HealthValue maps a health state to the gauge value (0 healthy, 1
// degraded, 2 down).
func HealthValue(state string) float64 {
	switch state {
	case model.HealthDegraded:
		return 1
	case model.HealthDown:
		return 2
	}
	return 0
}

// Collector reads the platform's state at scrape time.
type Collector struct {
	st     *store.Store
	fleet  *fleet.Fleet
	health *health.Monitor
	log    *slog.Logger

	toRunning *prometheus.HistogramVec
	probe     *prometheus.HistogramVec
	recovery  prometheus.Histogram
	failovers prometheus.Counter

	health_, probeLast, errRate, capacity, used, capUse, workloads, queue, budgetUsed, budgetAmount, budgetRatio *prometheus.Desc

	watermark string
}

// New builds the collector and registers it (with its histograms) on reg.
func New(st *store.Store, f *fleet.Fleet, h *health.Monitor, log *slog.Logger, reg prometheus.Registerer) *Collector {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Collector{st: st, fleet: f, health: h, log: log}
	c.toRunning = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "soberana_workload_request_to_running_seconds",
		Help:    "Time from a workload's request to all its replicas running.",
		Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800},
	}, []string{})
	c.probe = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "soberana_probe_duration_seconds",
		Help:    "Latency of health probes by target kind and id.",
		Buckets: []float64{.001, .005, .01, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"kind", "id"})
	c.recovery = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "soberana_failover_recovery_seconds",
		Help:    "Time from a site's failover starting to every replica it held running elsewhere.",
		Buckets: []float64{1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600},
	})
	c.failovers = prometheus.NewCounter(prometheus.CounterOpts{Name: "soberana_failovers_total", Help: "Site failovers started."})
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	c.health_ = d("soberana_health_state", "Health of a provider or site: 0 healthy, 1 degraded, 2 down.", "kind", "id", "provider")
	c.probeLast = d("soberana_probe_latency_seconds", "Latency of the last health probe.", "kind", "id", "provider")
	c.errRate = d("soberana_probe_error_ratio", "Failed probes over the recent window.", "kind", "id", "provider")
	c.capacity = d("soberana_site_capacity", "A site's capacity by resource (vcpu, memory_mib, disk_gib).", "site", "provider", "country", "resource")
	c.used = d("soberana_site_used", "What placements hold on a site by resource.", "site", "provider", "country", "resource")
	c.capUse = d("soberana_site_capacity_use_ratio", "Highest used fraction of a site's resources.", "site", "provider", "country")
	c.workloads = d("soberana_workloads", "Workloads by state.", "state")
	c.queue = d("soberana_reconcile_queue_depth", "Placements scheduled for the reconciler (due: due now).", "kind")
	c.budgetUsed = d("soberana_budget_used_minor", "Committed and accrued amounts of a budget line, in minor units.", "institution", "budget_line", "code", "currency", "kind")
	c.budgetAmount = d("soberana_budget_amount_minor", "A budget line's amount in minor units.", "institution", "budget_line", "code", "currency")
	c.budgetRatio = d("soberana_budget_use_ratio", "Committed plus accrued over the amount of a budget line.", "institution", "budget_line", "code")
	if reg != nil {
		reg.MustRegister(c, c.toRunning, c.probe, c.recovery, c.failovers)
	}
	return c
}

// ObserveProbe records one probe's latency (wire it to health.Options).
func (c *Collector) ObserveProbe(kind, id string, d time.Duration) {
	c.probe.WithLabelValues(kind, id).Observe(d.Seconds())
}

// ObserveRecovery records the time a site's failover took.
func (c *Collector) ObserveRecovery(d time.Duration) { c.recovery.Observe(d.Seconds()) }

// FailoverStarted counts a site failover.
func (c *Collector) FailoverStarted() { c.failovers.Inc() }

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.health_, c.probeLast, c.errRate, c.capacity, c.used, c.capUse, c.workloads, c.queue,
		c.budgetUsed, c.budgetAmount, c.budgetRatio} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	g := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	if c.health != nil {
		for _, s := range c.health.Statuses() {
			g(c.health_, HealthValue(s.State), s.Kind, s.ID, s.ProviderID)
			g(c.probeLast, s.LatencyMs/1000, s.Kind, s.ID, s.ProviderID)
			g(c.errRate, s.ErrorRate, s.Kind, s.ID, s.ProviderID)
		}
	}
	for id, u := range c.fleet.Usage() {
		s, ok := c.fleet.Site(id)
		if !ok {
			continue
		}
		for _, r := range []struct {
			name      string
			cap, used int64
		}{{"vcpu", u.Capacity.VCPU, u.Used.VCPU}, {"memory_mib", u.Capacity.MemoryMiB, u.Used.MemoryMiB}, {"disk_gib", u.Capacity.DiskGiB, u.Used.DiskGiB}} {
			g(c.capacity, float64(r.cap), id, s.ProviderID, s.Country, r.name)
			g(c.used, float64(r.used), id, s.ProviderID, s.Country, r.name)
		}
		g(c.capUse, UseRatio(u.Used.VCPU, u.Capacity.VCPU, u.Used.MemoryMiB, u.Capacity.MemoryMiB, u.Used.DiskGiB, u.Capacity.DiskGiB), id, s.ProviderID, s.Country)
	}
	tx := c.st.Read()
	if counts, err := tx.WorkloadStateCounts(ctx); err == nil {
		for _, s := range model.WorkloadStates {
			g(c.workloads, float64(counts[s]), string(s))
		}
	} else {
		c.log.Debug("metrics: counting workloads", "err", err)
	}
	if sched, due, err := tx.QueueDepth(ctx, c.st.Now()); err == nil {
		g(c.queue, float64(sched), "scheduled")
		g(c.queue, float64(due), "due")
	}
	lines, err := tx.BudgetLines().All(ctx)
	if err != nil {
		return
	}
	ids := make([]string, len(lines))
	for i, l := range lines {
		ids[i] = l.ID
	}
	bal, err := tx.BudgetBalances(ctx, ids)
	if err != nil {
		return
	}
	for _, l := range lines {
		b := bal[l.ID]
		g(c.budgetUsed, float64(b.CommittedMinor), l.InstitutionID, l.ID, l.Code, l.Currency, "committed")
		g(c.budgetUsed, float64(b.AccruedMinor), l.InstitutionID, l.ID, l.Code, l.Currency, "accrued")
		g(c.budgetAmount, float64(l.AmountMinor), l.InstitutionID, l.ID, l.Code, l.Currency)
		if l.AmountMinor > 0 {
			g(c.budgetRatio, float64(b.CommittedMinor+b.AccruedMinor)/float64(l.AmountMinor), l.InstitutionID, l.ID, l.Code)
		}
	}
}

// UseRatio is the highest used fraction among (used, capacity) pairs.
func UseRatio(pairs ...int64) float64 {
	out := 0.0
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] > 0 {
			out = max(out, float64(pairs[i])/float64(pairs[i+1]))
		}
	}
	return out
}

// Run feeds the request-to-running histogram every interval until ctx
// ends. Workloads already running at start-up are counted once.
func (c *Collector) Run(ctx context.Context, every time.Duration) error {
	return pace.Repeat(ctx, every, func() { c.Scan(ctx) })
}

// Scan reads the workloads that reached running since the last scan.
func (c *Collector) Scan(ctx context.Context) {
	for {
		lat, last, err := c.st.Read().RunningSince(ctx, c.watermark, 1000)
		if err != nil {
			if ctx.Err() == nil {
				c.log.Debug("metrics: reading running events", "err", err)
			}
			return
		}
		for _, d := range lat {
			c.toRunning.WithLabelValues().Observe(d.Seconds())
		}
		c.watermark = last
		if len(lat) < 1000 {
			return
		}
	}
}
