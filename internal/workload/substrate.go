package workload

import (
	"context"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
)

// substrate says on which kind of provider a workload's replicas may go:
// anywhere when it explicitly allows simulated sites; else the kind its
// live replicas are on (a replica on a real provider never moves to a
// simulated one, and a workload never ends up half simulated); a new
// workload goes on real providers when the fleet has any, and on
// simulated ones only in a fleet of nothing else (the demo).
func (s *Service) substrate(ctx context.Context, w *model.Workload) (placement.Substrate, error) {
	if w.AllowSimulated {
		return placement.SubstrateAny, nil
	}
	if w.ID != "" {
		ps, err := s.st.Read().PlacementsOf(ctx, w.ID)
		if err != nil {
			return 0, err
		}
		live, onReal := 0, false
		for _, p := range ps {
			switch p.State {
			case model.PlacementPending, model.PlacementProvisioning, model.PlacementRunning:
				live++
				onReal = onReal || !p.Simulated
			}
		}
		switch {
		case onReal:
			return placement.SubstrateReal, nil
		case live > 0:
			return placement.SubstrateSimulated, nil
		}
	}
	for _, p := range s.fleet.Providers() {
		if !p.Simulated {
			return placement.SubstrateReal, nil
		}
	}
	return placement.SubstrateSimulated, nil
}
