package alert_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// driftFixture records drifts (a stopped replica, by hand) on a test
// server and reads the replica_drift alert of each.
type driftFixture struct {
	t   *testing.T
	h   *servertest.Harness
	st  *store.Store
	now time.Time
}

func newDriftFixture(t *testing.T) (*driftFixture, func() time.Time) {
	t.Helper()
	h, clk := opstest.Start(t, config.Monitoring{AlertEvery: time.Hour})
	return &driftFixture{t: t, h: h, st: h.Server.Store, now: clk.Now()}, clk.Now
}

// add records a stopped drift of placement with action, detected at.
func (f *driftFixture) add(placement string, action model.DriftAction, at time.Time) string {
	f.t.Helper()
	ctx := context.Background()
	d := model.Drift{PlacementID: placement, WorkloadID: "wl_" + placement, ProviderID: "prv", SiteID: "site", ResourceID: "res-" + placement,
		Kind: model.DriftStopped, Detail: []model.Differs{{Field: "power", Want: "running", Got: "stopped"}}, Action: action, DetectedAt: at}
	if err := f.st.Write(ctx, func(tx *store.Tx) error { return tx.AddDrift(ctx, &d) }); err != nil {
		f.t.Fatal(err)
	}
	return d.ID
}

// state is the state of a drift's alert ("" when it has none).
func (f *driftFixture) state(driftID string) model.AlertState {
	f.t.Helper()
	p, err := f.st.Read().Alerts().List(context.Background(),
		store.ListOptions{Filters: map[string]string{"dedup_key": alert.RuleReplicaDrift + ":" + driftID}, Limit: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	if len(p.Items) == 0 {
		return ""
	}
	return p.Items[0].State
}

// evaluate runs one evaluation of eng.
func (f *driftFixture) evaluate(eng *alert.Engine) {
	f.t.Helper()
	if err := eng.Evaluate(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}
