package server

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/failover"
	"github.com/soberana/soberana/internal/health"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/metrics"
	"github.com/soberana/soberana/internal/migrate"
	"github.com/soberana/soberana/internal/reconcile"
)

// The ledger moves a migrated workload's budget commitment.
var _ migrate.Budget = (*ledger.Ledger)(nil)

// Ops is the operations side of a server: health probes with hysteresis,
// the metrics collector, the failover tracker, alerts, migrations and the
// residency report.
type Ops struct {
	s        *Server
	Health   *health.Monitor
	Metrics  *metrics.Collector
	Failover *failover.Tracker
	Alerts   *alert.Engine
	Migrate  *migrate.Service
	// NoProbeLoop stops Run from probing on its own (tests call
	// Health.Probe with a fake clock).
	NoProbeLoop bool
}

func newOps(s *Server, reg prometheus.Registerer) *Ops {
	o := &Ops{s: s}
	m := s.cfg.Monitoring
	var col *metrics.Collector
	o.Health = health.New(health.Options{Every: m.ProbeEvery, DownAfter: m.DownAfter, UpAfter: m.UpAfter,
		FailoverAfter: m.FailoverAfter,
		Observe: func(kind, id string, d time.Duration) {
			if col != nil {
				col.ObserveProbe(kind, id, d)
			}
		}}, s.Store, s.Fleet, s.Drivers, s.log)
	col = metrics.New(s.Store, s.Fleet, o.Health, s.log, reg)
	o.Metrics = col
	o.Failover = failover.New(s.Store, s.Fleet.DownSites, o.Health.FailoverDue, o.Health.Now, failover.Hooks{
		Started:   func(string) { col.FailoverStarted() },
		Recovered: func(_ string, d time.Duration) { col.ObserveRecovery(d) },
		// Failovers are facts of the system actor on the hash-chained log.
		// Detached: a failover observed as the server stops is still recorded.
		Audit: func(ctx context.Context, action, siteID string) {
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if err := audit.Record(actx, s.Store, audit.System("failover", action, "sites", siteID)); err != nil {
				s.log.Error("auditing a failover", "action", action, "site", siteID, "err", err)
			}
		},
	}, s.log)
	var alertLoc *time.Location
	if m.AlertTimeZone != "" {
		alertLoc, _ = time.LoadLocation(m.AlertTimeZone) // validated with the config
	}
	o.Alerts = alert.New(alert.Options{Every: m.AlertEvery, CapacityPercent: m.CapacityAlertPercent, GrantWarning: m.GrantExpiryWarning,
		Location: alertLoc,
		Box: func() alert.Box {
			if b := s.Secrets(); b != nil {
				return b
			}
			return nil
		}},
		s.Store, s.Fleet, o.Health, s.log)
	o.Migrate = migrate.New(migrate.Options{}, s.Store, s.Fleet, s.Workloads, s.Drivers, s.log)
	o.Migrate.Kick = func() { s.Workloads.Kick() }
	o.Migrate.Budget = s.Ledger
	return o
}

// reconcileOptions hands site health to the probes and gates failover on
// the failover delay.
func (o *Ops) reconcileOptions(ro *reconcile.Options) {
	ro.NoDiscover = true
	ro.FailoverDue = o.Failover.Due // records the failover as it starts
}

func (o *Ops) addRoutes() {
	o.s.API.AddMonitoring(api.MonitoringOptions{Health: o.Health, Failovers: func() any { return o.Failover.Records() }})
}

// Run runs the probes, the metrics scanner and the failover tracker until
// ctx ends.
func (o *Ops) Run(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	if !o.NoProbeLoop {
		g.Go(func() error { return o.s.whileLeader(gctx, "health", o.Health.Run) })
	}
	g.Go(func() error { return o.Metrics.Run(gctx, 5*time.Second) })
	g.Go(func() error {
		return o.s.whileLeader(gctx, "failover", func(c context.Context) error { return o.Failover.Run(c, time.Second) })
	})
	g.Go(func() error { return o.s.whileLeader(gctx, "alerts", o.Alerts.Run) })
	g.Go(func() error { return o.s.whileLeader(gctx, "migrations", o.Migrate.Run) })
	return g.Wait()
}
