package ledger

import (
	"context"
	"fmt"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Start opens a usage interval for a replica that began running at at
// (whole seconds). A placement with an open interval keeps it, so a retried
// transition records nothing twice.
func (l *Ledger) Start(ctx context.Context, tx *store.Tx, p *model.Placement, at time.Time) error {
	return l.StartAll(ctx, tx, []*model.Placement{p}, at)
}

// StartAll opens the usage intervals of replicas that began running at at,
// as Start does one by one, in two statements for the whole batch (the
// workloads' ledger attributes, then the intervals); replicas whose
// interval was closed in the second it opened cost two more, together.
func (l *Ledger) StartAll(ctx context.Context, tx *store.Tx, ps []*model.Placement, at time.Time) error {
	ids := make([]string, 0, len(ps))
	seen := make(map[string]bool, len(ps))
	for _, p := range ps {
		if !seen[p.WorkloadID] {
			seen[p.WorkloadID] = true
			ids = append(ids, p.WorkloadID)
		}
	}
	lws, err := tx.LedgerWorkloadsOf(ctx, ids)
	if err != nil {
		return err
	}
	ivs := make([]*store.UsageInterval, len(ps))
	for i, p := range ps {
		lw, ok := lws[p.WorkloadID]
		if !ok {
			return fmt.Errorf("metering placement %s: workload %s: %w", p.ID, p.WorkloadID, ErrUnknownWorkload)
		}
		ivs[i] = interval(p, lw, at)
	}
	opened, err := tx.OpenIntervals(ctx, ivs...)
	if err != nil {
		return err
	}
	var refused []string
	for i, iv := range ivs {
		if !opened[iv.ID] {
			refused = append(refused, ps[i].ID)
		}
	}
	if len(refused) == 0 {
		return nil
	}
	// A stretch closed in the second it opened (stopped at once, or
	// resized) is empty: it gives its start to the one that follows.
	// Those are dropped and opened again together, two statements
	// however many there are; a replica whose interval is still open
	// (a repeated Start) has none to drop and keeps it.
	dropped, err := tx.DropEmptyIntervals(ctx, refused, ivs[0].Start)
	if err != nil || len(dropped) == 0 {
		return err
	}
	var again []*store.UsageInterval
	for i, iv := range ivs {
		if !opened[iv.ID] && dropped[ps[i].ID] {
			again = append(again, iv)
		}
	}
	_, err = tx.OpenIntervals(ctx, again...)
	return err
}

// interval is the usage interval a replica opens at at.
func interval(p *model.Placement, lw store.LedgerWorkload, at time.Time) *store.UsageInterval {
	return &store.UsageInterval{
		ID: model.NewID("ivl"), PlacementID: p.ID, WorkloadID: p.WorkloadID, OfferingID: lw.OfferingID,
		SiteID: p.SiteID, ProviderID: p.ProviderID, Start: at.UTC().Truncate(time.Second),
		// A stopped replica keeps its capacity: it is metered at the
		// stopped price (see Pricebook).
		Stopped: p.Power.Off(),
	}
}

// Stop closes the replica's open interval at at (whole seconds); without
// an open interval it does nothing.
func (l *Ledger) Stop(ctx context.Context, tx *store.Tx, p *model.Placement, at time.Time) error {
	_, err := tx.CloseInterval(ctx, p.ID, at.UTC().Truncate(time.Second))
	return err
}

// StopAll closes the replicas' open intervals at at (whole seconds), as
// Stop does one by one, in one statement for the whole batch (a resize
// stops all its replicas' meters at once); a replica without an open
// interval is left alone.
func (l *Ledger) StopAll(ctx context.Context, tx *store.Tx, ps []*model.Placement, at time.Time) error {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return tx.CloseIntervals(ctx, ids, at.UTC().Truncate(time.Second))
}
