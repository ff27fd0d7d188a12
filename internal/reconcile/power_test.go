package reconcile_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
	"github.com/soberana/soberana/internal/workload"
)

// TestPowerCrashRecovery: a process that dies in the middle of a power
// action leaves replicas in stopping, starting or rebooting. The test
// plays the crash: it stops the server, writes the transitional states a
// crash leaves (an hour old, with the simulated resources as the provider
// would hold them at that moment), and starts the server again on the
// same database. The reconciler re-observes each replica and drives it
// to its end state — finishing the action, or settling to what the
// provider holds — with an event by the reconciler, an audit record, and
// metering at the end state's price. On SQLite and PostgreSQL.
func TestPowerCrashRecovery(t *testing.T) {
	t.Parallel()
	servertest.BothStores(t, func(t *testing.T, pg bool) {
		dir := t.TempDir()
		dbURL := ""
		if pg {
			dbURL = storetest.PostgresURL(t)
		}
		conf := func(resync time.Duration) func(c *config.Config) {
			return func(c *config.Config) {
				c.DatabaseURL = dbURL
				c.Reconcile.Resync = resync
			}
		}
		ctx := context.Background()
		// Before the crash: four running replicas, one of them
		// stopped by a person.
		h := servertest.Start(t, servertest.Options{DataDir: dir, Configure: conf(24 * time.Hour)})
		type crash struct {
			name      string
			power     model.PowerState // left by the crash
			simStop   bool             // the provider holds it off
			stopFirst bool             // stopped through the API before
			want      model.PowerState
			simWant   bool // stopped at the provider in the end
		}
		cases := []*struct {
			crash
			w driftView
		}{
			// The provider had not acted yet: the reconciler stops it.
			{crash: crash{name: "stop not done", power: model.PowerStopping, want: model.PowerStopped, simWant: true}},
			// The provider had stopped it, the end state was not written.
			{crash: crash{name: "stop done", power: model.PowerStopping, simStop: true, want: model.PowerStopped, simWant: true}},
			// Start interrupted before the provider acted: started now.
			{crash: crash{name: "start not done", power: model.PowerStarting, simStop: true, stopFirst: true, want: model.PowerRunning}},
			// Reboot interrupted: it ends running.
			{crash: crash{name: "reboot", power: model.PowerRebooting, want: model.PowerRunning}},
		}
		for _, c := range cases {
			c.w = createDriftWorkload(t, h)
			if c.stopFirst {
				if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+c.w.ID+":stop", map[string]any{}, nil); err != nil {
					t.Fatalf("%s: stop: %v", c.name, err)
				}
			}
		}
		st := h.Server.Store
		past := st.Now().Add(-time.Hour)
		for _, c := range cases {
			pl := c.w.Placements[0]
			// What the crash leaves: the transitional state (written an
			// hour ago) and the provider's resource as it was then.
			if err := st.Write(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, "UPDATE placements SET power = ?, updated_at = ?, version = version + 1 WHERE id = ?",
					string(c.power), past.UnixMicro(), pl.ID)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if c.simStop && !c.stopFirst {
				if err := h.Server.Sim.Tamper(ctx, pl.ProviderID, pl.ID, sim.Tamper{Stop: true}); err != nil {
					t.Fatal(err)
				}
			}
		}
		h.Stop()
		// The restart: the reconciler's first term settles them (the
		// resync is left at a long interval so that the start does it).
		h = servertest.Start(t, servertest.Options{DataDir: dir, Configure: conf(24 * time.Hour)})
		st = h.Server.Store
		for _, c := range cases {
			pl := c.w.Placements[0]
			var got store.PlacementRow
			opstest.Eventually(t, 30*time.Second, c.name+": replica "+string(c.want)+" after the restart", func() (bool, string) {
				var err error
				if got, err = st.Read().PlacementByID(ctx, pl.ID); err != nil {
					t.Fatal(err)
				}
				return got.Power.Or() == c.want, "still " + string(got.Power.Or())
			})
			if got.State != model.PlacementRunning {
				t.Errorf("%s: placement %s, want running", c.name, got.State)
			}
			// The provider holds what soberana records.
			res, err := st.Read().SimGet(ctx, pl.ProviderID, pl.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stopped := res.State == sim.StateStopped; stopped != c.simWant {
				t.Errorf("%s: sim resource state %q, want stopped=%v", c.name, res.State, c.simWant)
			}
			// Metering: the open stretch is at the end state's price.
			ivs, err := st.Read().WorkloadIntervals(ctx, c.w.ID)
			if err != nil {
				t.Fatal(err)
			}
			open := 0
			for _, iv := range ivs {
				if iv.End == nil {
					open++
					if iv.Stopped != c.want.Off() {
						t.Errorf("%s: open usage interval stopped=%v, want %v", c.name, iv.Stopped, c.want.Off())
					}
				}
			}
			if open != 1 {
				t.Errorf("%s: %d open usage intervals, want 1: %+v", c.name, open, ivs)
			}
			// An event by the reconciler says what happened.
			evs, err := st.Read().EventsOf(ctx, c.w.ID)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range evs {
				if e.Actor == workload.ActorReconciler && containsAll(e.Reason, "replica.reason.power_recovered", string(c.power)) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no event by the reconciler about the interrupted action: %+v", c.name, evs)
			}
			// Audited.
			aud, err := st.Read().AuditEvents(ctx, store.AuditFilter{Action: "replica.power_recovered", TargetID: pl.ID, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(aud) != 1 {
				t.Errorf("%s: %d audit records of the recovery, want 1", c.name, len(aud))
			}
		}
		// Localized: the Spanish timeline says it in Spanish.
		es := h.Client(servertest.AdminToken, "es")
		var tl struct {
			Events []struct {
				Reason string `json:"reason"`
			} `json:"events"`
		}
		if _, err := es.Do(ctx, "GET", "/v1/workloads/"+cases[0].w.ID, nil, &tl); err != nil {
			t.Fatal(err)
		}
		es1 := false
		for _, e := range tl.Events {
			if containsAll(e.Reason, "interrumpida") {
				es1 = true
			}
		}
		if !es1 {
			t.Errorf("no Spanish event about the interrupted action: %+v", tl.Events)
		}
	})
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}
