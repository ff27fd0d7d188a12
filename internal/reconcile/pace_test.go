package reconcile_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/pace"
)

// TestPacedResyncSeesEveryReplica: a resync paced by the governor rests
// between its pages and its last-seen transactions and still sees every
// running replica of the provider (none skipped at a page or chunk
// boundary); while another bulk pass holds the governor it does not run.
func TestPacedResyncSeesEveryReplica(t *testing.T) {
	// 2,500 replicas: three pages of the comparison (1,000 a page) and two
	// last-seen transactions (2,000 a transaction). The background resync
	// lists once a day (the most the configuration allows, first at a
	// random point of the day): in practice only the calls below run.
	const n = 2500
	h, _, prov, rows := resyncFleet(t, n, 24*time.Hour)
	p := leading(t, h, prov)
	ctx := context.Background()
	clock := pace.NewManualClock(time.Millisecond) // every chunk takes 1 ms
	g := pace.New(pace.Options{Clock: clock})
	st := h.Server.Store

	// Another bulk pass runs: the resync waits for it (here its context
	// ends first) and touches nothing.
	other, err := g.Begin(ctx, "utilization")
	if err != nil {
		t.Fatal(err)
	}
	ended, cancel := context.WithCancel(ctx)
	cancel()
	if err := h.Server.Reconciler.ResyncProviderPaced(ended, p, g); !errors.Is(err, context.Canceled) {
		t.Fatalf("resync while another pass held the governor: %v, want it to wait", err)
	}
	if seen, err := st.Read().LastSeen(ctx, rows[0].ID); err != nil || seen != nil {
		t.Fatalf("the resync ran beside another pass: %v, %v", seen, err)
	}
	other.End()

	if err := h.Server.Reconciler.ResyncProviderPaced(ctx, p, g); err != nil {
		t.Fatal(err)
	}
	for _, pl := range rows {
		seen, err := st.Read().LastSeen(ctx, pl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if seen == nil {
			t.Fatalf("placement %s was not seen by the paced resync", pl.ID)
		}
	}
	// Rests: after the list, after each full page (2) and between the two
	// last-seen transactions (1) — each three times the 1 ms chunk.
	rests := clock.Rests()
	if len(rests) != 4 {
		t.Fatalf("rests %v, want 4 (list, 2 pages, 1 between transactions)", rests)
	}
	for _, d := range rests {
		if d != pace.DefaultRest*time.Millisecond {
			t.Fatalf("rests %v, want %v each", rests, pace.DefaultRest*time.Millisecond)
		}
	}
	if _, running := g.Running(); running {
		t.Fatal("the resync did not release the governor")
	}
}
