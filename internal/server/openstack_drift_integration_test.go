package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/provider/openstack"
	"github.com/soberana/soberana/internal/provider/openstack/openstacktest"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestIntegrationOpenStackDeletedOutside deletes a replica's server with
// the cloud's own API (as `openstack server delete` does) and checks that
// soberana finds out within one resync interval of the server being gone:
// the replica fails with "deleted outside soberana", its usage interval
// ends exactly at the last time a list showed the server (the ledger's
// charges, rated afterwards, are exactly the seconds up to it), the alert
// fires, and a new server is made for the replica in one of the AZs the
// workload's residency allows. On SQLite and, when
// SOBERANA_TEST_POSTGRES_URL is set, on PostgreSQL.
func TestIntegrationOpenStackDeletedOutside(t *testing.T) {
	openstacktest.AIO(t)
	servertest.BothStores(t, osDeletedOutside)
}

func osDeletedOutside(t *testing.T, postgres bool) {
	cloudsPath, cloud, azs, adm := osTestCloud(t, "drift")
	const resync = 10 * time.Second
	dataDir := t.TempDir()
	var dbURL string
	h := servertest.Start(t, servertest.Options{Postgres: postgres, DataDir: dataDir, Configure: func(c *config.Config) {
		dbURL = c.DatabaseURL
		c.Monitoring = config.Monitoring{AlertEvery: time.Second}
		c.Ledger.RateEvery = 24 * time.Hour // only the test rates
		c.Reconcile.Resync = resync
	}})
	ctx := context.Background()
	do := adminDo(ctx, t, h, "")
	suffix := strings.ToLower(model.NewID("dft")[len("dft_")+20:])
	out := osProviderAdd(ctx, t, dataDir, dbURL, cloudsPath, cloud, "AIO drift "+suffix,
		osManausBelem(azs, "dft-", suffix)...)
	var added struct {
		Provider model.Provider `json:"provider"`
		Sites    []model.Site   `json:"sites"`
	}
	if err := json.Unmarshal(out, &added); err != nil || len(added.Sites) != 2 {
		t.Fatalf("provider add output %q: %v", string(out), err)
	}
	prv := added.Provider.ID
	siteAZ := map[string]string{added.Sites[0].ID: azs[0], added.Sites[1].ID: azs[1]}
	tn := osSetUpTenancy(ctx, t, h, adm, osTenancySpec{Provider: prv, Institution: "Secretaria de Drift " + suffix,
		LineCode: "10.302.9002", LineName: "Nuvem soberana (drift)", LineAmount: 100 * osMonthlyMinor, Project: "drift-" + suffix})
	off, ins, prj := tn.off, tn.ins, tn.prj

	var wl osWorkload
	do("POST", "/v1/workloads", map[string]any{"project_id": prj.ID, "offering_id": off.ID, "replicas": 1,
		"classification": "internal",
		"residency":      map[string]any{"countries": []string{"BR"}, "subdivisions": []string{"BR-AM", "BR-PA"}},
		"sovereignty":    map[string]any{"mode": "national"}}, &wl)
	wl = osWait(t, h, wl.ID, model.StateRunning, 3*time.Minute)
	old := wl.Placements[0].Placement
	st := h.Server.Store
	opstest.Seen(t, st, old.ID, 2*resync) // a list showed the server within two resync intervals

	// openstack server delete, behind soberana's back.
	tDelete := time.Now()
	if err := servers.Delete(ctx, adm.compute, old.ResourceID).ExtractErr(); err != nil {
		t.Fatal(err)
	}
	var tGone time.Time
	for deadline := time.Now().Add(2 * time.Minute); ; {
		err := servers.Get(ctx, adm.compute, old.ResourceID).Err
		if gophercloud.ResponseCodeIs(err, http.StatusNotFound) {
			tGone = time.Now()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Nova did not delete server %s: %v", old.ResourceID, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("server %s deleted in Nova after %s", old.ResourceID, tGone.Sub(tDelete).Round(time.Millisecond))

	var drift model.Drift
	for deadline := time.Now().Add(2*resync + time.Minute); ; {
		ds, err := st.Read().DriftsOf(ctx, wl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) > 0 {
			drift = ds[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the deleted server was never detected")
		}
		time.Sleep(100 * time.Millisecond)
	}
	took := drift.DetectedAt.Sub(tGone)
	t.Logf("detected %s after the server was gone (resync %s)", took.Round(time.Millisecond), resync)
	// Within one interval of the server being gone, plus the list and the
	// confirming look (a few seconds on the test cloud).
	if drift.Kind != model.DriftDeleted || drift.Action != model.DriftRecreated || drift.ResourceID != old.ResourceID || took > resync+10*time.Second {
		t.Fatalf("drift %+v detected %s after the server was gone; want deleted, recreated, within %s", drift, took, resync)
	}

	// The replica is placed again and runs on a new server in an allowed AZ.
	wl = osWait(t, h, wl.ID, model.StateRunning, 3*time.Minute)
	var failed, fresh *model.Placement
	for i := range wl.Placements {
		p := &wl.Placements[i].Placement
		if p.ID == old.ID {
			failed = p
		} else if p.State == model.PlacementRunning {
			fresh = p
		}
	}
	if failed == nil || failed.State != model.PlacementFailed || !strings.Contains(failed.Reason, "deleted outside soberana") {
		t.Fatalf("old replica %+v: want failed, deleted outside soberana", failed)
	}
	if fresh == nil || fresh.Replica != old.Replica || siteAZ[fresh.SiteID] == "" || fresh.ResourceID == old.ResourceID {
		t.Fatalf("new replica %+v does not replace %+v on an allowed site", fresh, old)
	}
	s, err := servers.Get(ctx, adm.compute, fresh.ResourceID).Extract()
	if err != nil || s.Metadata[openstack.MetaReplica] != fresh.ID || s.AvailabilityZone != siteAZ[fresh.SiteID] {
		t.Fatalf("Nova's server for the new replica: %+v %v", s, err)
	}

	// Metering stopped at the last time a list showed the old server, and
	// the charges booked are exactly the seconds up to it.
	seen, err := st.Read().LastSeen(ctx, old.ID)
	if err != nil || seen == nil || seen.After(tGone) || !drift.LastSeenAt.Equal(seen.Truncate(time.Second)) {
		t.Fatalf("last seen %v (drift says %v), server gone at %s: %v", seen, drift.LastSeenAt, tGone, err)
	}
	ivs, err := st.Read().WorkloadIntervals(ctx, wl.ID)
	if err != nil {
		t.Fatal(err)
	}
	tRate := time.Now().UTC().Truncate(time.Second)
	want := osUsage{}
	for _, iv := range ivs {
		switch iv.PlacementID {
		case old.ID:
			// A list that began just before the replica turned running
			// stamps a last-seen time before the interval's start; the
			// interval then ends where it began (nothing is charged
			// twice or backwards).
			wantEnd := seen.UTC().Truncate(time.Second)
			if iv.Start.After(wantEnd) {
				wantEnd = iv.Start
			}
			if iv.End == nil || !iv.End.Equal(wantEnd) {
				t.Fatalf("old replica's interval %+v: want it ended at %s", iv, wantEnd)
			}
			want.add(iv.Start, *iv.End)
		case fresh.ID:
			if iv.End != nil {
				t.Fatalf("new replica's interval %+v: want it open", iv)
			}
			want.add(iv.Start, tRate)
		default:
			t.Fatalf("unexpected interval %+v", iv)
		}
	}
	do("POST", "/v1/ledger:rate", map[string]any{"through": tRate}, nil)
	osCheckStatements(t, h, ins.ID, prv, prj.ID, want)

	// The alert fired.
	for deadline := time.Now().Add(time.Minute); ; {
		var alerts struct {
			Items []struct {
				TargetID string `json:"target_id"`
				State    string `json:"state"`
				Summary  string `json:"summary"`
			} `json:"items"`
		}
		do("GET", "/v1/alerts?rule=replica_deleted_outside", nil, &alerts)
		found := false
		for _, a := range alerts.Items {
			found = found || (a.TargetID == old.ID && a.State == "firing")
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no replica_deleted_outside alert for %s: %+v", old.ID, alerts.Items)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
