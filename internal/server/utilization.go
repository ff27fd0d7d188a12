package server

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/soberana/soberana/internal/utilization"
)

// EnvUtilizationEvery sets how often replicas' utilization is sampled
// (a Go duration; default 1m).
const EnvUtilizationEvery = "SOBERANA_UTILIZATION_EVERY"

// wireUtilization installs the utilization sampler and its route.
func (s *Server) wireUtilization(reg prometheus.Registerer) {
	s.usage = utilization.New(s.Store, s.Drivers, s.Fleet.Providers, reg, s.log)
	s.usage.Pace = s.pace
	s.usage.FineWindow, s.usage.Rollup = s.cfg.Utilization.FineWindow, s.cfg.Utilization.Rollup
	s.API.AddUtilization()
}

// runUtilization samples while this process holds the reconciler lease,
// like rating and the other background loops.
func (s *Server) runUtilization(ctx context.Context) error {
	every := time.Minute
	if d, err := time.ParseDuration(s.getenv(EnvUtilizationEvery)); err == nil && d > 0 {
		every = d
	}
	return s.usage.Run(ctx, every, s.Reconciler.Leader)
}
