package server

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/soberana/soberana/internal/edge"
)

// EnvEdgeNATS is the NATS URL the edge heartbeats arrive through (empty:
// no edge tracker); EnvEdgeEvery the heartbeat interval (default 10s).
const (
	EnvEdgeNATS  = "SOBERANA_EDGE_NATS_URL"
	EnvEdgeEvery = "SOBERANA_EDGE_EVERY"
)

// runEdge subscribes to the edge heartbeats and derives the edge sites'
// health from missed beats through the health monitor's hysteresis.
func (s *Server) runEdge(ctx context.Context) error {
	url := s.getenv(EnvEdgeNATS)
	if url == "" || s.Ops == nil || s.Ops.Health == nil {
		return nil
	}
	every := 10 * time.Second
	if d, err := time.ParseDuration(s.getenv(EnvEdgeEvery)); err == nil && d > 0 {
		every = d
	}
	nc, err := edge.Connect(url, "soberana")
	if err != nil {
		return err
	}
	defer nc.Close()
	tr := edge.NewTracker(s.Store, s.Ops.Health, s.log)
	if s.metricsReg != nil {
		if err := s.metricsReg.Register(tr); err == nil {
			defer s.metricsReg.Unregister(tr)
		}
	}
	s.edgeTracker.Store(tr)
	return tr.Run(ctx, nc, every)
}

// edgeParts is the edge tracker's wiring: the registry its metrics join
// and the running tracker (nil until runEdge starts it).
type edgeParts struct {
	metricsReg  prometheus.Registerer
	edgeTracker atomicTracker
}

type atomicTracker = atomic.Pointer[edge.Tracker]

// EdgeTracker is the running heartbeat tracker (nil without a broker).
func (s *Server) EdgeTracker() *edge.Tracker { return s.edgeTracker.Load() }
