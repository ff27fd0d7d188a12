package server

import (
	"context"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/provider"
)

// imageSyncEvery is how often the image catalogues are read again: the
// simulated ones every tick, the real ones (a Glance list per cloud)
// every realImageTicks ticks.
const (
	imageSyncEvery = 5 * time.Second
	realImageTicks = 12
)

// wireImages adds the image, SSH key and first-boot routes and reads the
// simulated providers' catalogues at once, so that a workload asking for
// an image right after `up` finds it.
func (s *Server) wireImages(ctx context.Context) {
	s.API.AddImagesKeys()
	if err := s.SyncImages(ctx, func(p model.Provider) bool { return p.Driver == model.DriverSim }); err != nil {
		s.log.Warn("reading the simulated image catalogues", "err", err)
	}
}

// SyncImages reads the image catalogues of the providers only selects
// (nil: all) and reloads the fleet when one changed.
func (s *Server) SyncImages(ctx context.Context, only func(model.Provider) bool) error {
	changed, err := provider.SyncImages(ctx, s.Store, s.Drivers, only)
	if changed {
		// Every replica's placement engine sees the new catalogue at once.
		s.fleetChanged(ctx)
	}
	return err
}

// imageLoop keeps the catalogues current until ctx ends.
func (s *Server) imageLoop(ctx context.Context) error {
	tick := 0
	return pace.Repeat(ctx, imageSyncEvery, func() {
		only := func(p model.Provider) bool { return p.Simulated || p.Driver == model.DriverSim }
		if tick%realImageTicks == 0 {
			only = nil
		}
		tick++
		cctx, cancel := context.WithTimeout(ctx, time.Minute)
		if err := s.SyncImages(cctx, only); err != nil && ctx.Err() == nil {
			s.log.Warn("reading image catalogues", "err", err)
		}
		cancel()
	})
}
