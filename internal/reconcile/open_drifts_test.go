package reconcile_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// TestOpenDriftsOf: the database chooses a provider's open drifts — per
// running placement and kind, the latest drift (by detected time, then
// id) when its action leaves it open; a later drift closes an older one,
// a deleted drift and another provider's drifts are never returned, and
// a placement no longer running has none.
func TestOpenDriftsOf(t *testing.T) {
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		h, _, p, rows := faultServer(t, pg, 3)
		st := h.Server.Store
		ctx := context.Background()
		a, b, gone := rows[0], rows[1], rows[2]
		t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		drift := func(id string, pl store.PlacementRow, kind model.DriftKind, action model.DriftAction, at time.Duration) *model.Drift {
			return &model.Drift{ID: id, PlacementID: pl.ID, WorkloadID: pl.WorkloadID, InstitutionID: "ins", ProviderID: pl.ProviderID,
				SiteID: pl.SiteID, ResourceID: pl.ResourceID, Kind: kind, Action: action, DetectedAt: t0.Add(at)}
		}
		other := drift("dft_other", b, model.DriftResized, model.DriftReported, 9*time.Minute)
		other.ProviderID = "prv_other"
		for _, d := range []*model.Drift{
			drift("dft_a1", a, model.DriftStopped, model.DriftReported, time.Minute), // closed by a2
			drift("dft_a2", a, model.DriftStopped, model.DriftCleared, 2*time.Minute),
			drift("dft_a3", a, model.DriftResized, model.DriftAdopted, time.Minute), // open
			drift("dft_a4", a, model.DriftDeleted, model.DriftReported, 3*time.Minute),
			// Same detected time: the greater id is the later.
			drift("dft_b1", b, model.DriftStopped, model.DriftRestored, 4*time.Minute),
			drift("dft_b2", b, model.DriftStopped, model.DriftRestoreFailed, 4*time.Minute), // open
			drift("dft_b4", b, model.DriftMoved, model.DriftReported, 5*time.Minute),        // closed by b5
			drift("dft_b5", b, model.DriftMoved, model.DriftRestored, 5*time.Minute),
			drift("dft_b6", b, model.DriftMoved, model.DriftReported, 4*time.Minute), // older than b5
			other,
			drift("dft_g1", gone, model.DriftStopped, model.DriftReported, time.Minute),
		} {
			if err := st.Write(ctx, func(tx *store.Tx) error { return tx.AddDrift(ctx, d) }); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Write(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE placements SET state = ? WHERE id = ?", model.PlacementFailed, gone.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := st.Read().OpenDriftsOf(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, d := range got {
			ids = append(ids, d.ID)
		}
		if want := []string{"dft_a3", "dft_b2"}; !slices.Equal(ids, want) {
			t.Fatalf("open drifts %v, want %v", ids, want)
		}
		for _, d := range got {
			if !d.Action.Open() {
				t.Errorf("%s: action %s is not open", d.ID, d.Action)
			}
		}
	})
}
