package workload_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/server/servertest"
)

type powerView struct {
	ID                   string `json:"id"`
	State                string `json:"state"`
	OfferingID           string `json:"offering_id"`
	ForecastMonthlyMinor int64  `json:"forecast_monthly_minor"`
	Placements           []struct {
		ID           string `json:"id"`
		Replica      int    `json:"replica"`
		State        string `json:"state"`
		Power        string `json:"power"`
		VCPUs        int64  `json:"vcpus"`
		MonthlyMinor int64  `json:"monthly_minor"`
		Addresses    []struct {
			Address string `json:"address"`
		} `json:"addresses"`
	} `json:"placements"`
	Events []struct {
		Reason string `json:"reason"`
	} `json:"events"`
}

// startRunning starts a server and creates a workload of the replicas in
// the fixture's project; it returns the server, the project, the offering
// and the workload once it runs.
func startRunning(t *testing.T, replicas int) (*servertest.Harness, string, string, powerView) {
	t.Helper()
	h := servertest.Start(t, servertest.Options{})
	prj, off := fixture(t, h.Admin)
	return h, prj, off, running(t, h.Admin, prj, off, replicas)
}

func running(t *testing.T, c *client.Client, prj, off string, replicas int) powerView {
	t.Helper()
	var v view
	if _, err := c.Do(context.Background(), "POST", "/v1/workloads", body(prj, off, replicas), &v); err != nil {
		t.Fatal(err)
	}
	waitState(t, c, v.ID, "running")
	var pv powerView
	if _, err := c.Do(context.Background(), "GET", "/v1/workloads/"+v.ID, nil, &pv); err != nil {
		t.Fatal(err)
	}
	return pv
}

// simResource is a resource of the simulated providers.
type simResource struct {
	ReplicaID string `json:"replica_id"`
	State     string `json:"state"`
	VCPUs     int64  `json:"vcpus"`
}

// simResources lists the simulated providers' resources.
func simResources(t *testing.T, c *client.Client) []simResource {
	t.Helper()
	var res struct {
		Items []simResource `json:"items"`
	}
	if _, err := c.Do(context.Background(), "GET", "/v1/sim/resources", nil, &res); err != nil {
		t.Fatal(err)
	}
	return res.Items
}

// simReplica is the replica's simulated resource; its State is "absent"
// when there is none.
func simReplica(t *testing.T, c *client.Client, replicaID string) simResource {
	t.Helper()
	for _, r := range simResources(t, c) {
		if r.ReplicaID == replicaID {
			return r
		}
	}
	return simResource{ReplicaID: replicaID, State: "absent"}
}

func TestPowerTransitions(t *testing.T) {
	t.Parallel()
	h, prj, _, v := startRunning(t, 2)
	ctx := context.Background()
	var p *client.Problem
	// A replica that is not there: 422, nothing changes.
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":stop", map[string]any{"replica": 7}, nil); !errors.As(err, &p) || p.Status != 422 {
		t.Fatalf("stop replica 7: %v", err)
	}
	// Starting what runs: 409.
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":start", nil, nil); !errors.As(err, &p) || p.Status != 409 {
		t.Fatalf("start a running workload: %v", err)
	}
	// A finance officer may read the workload but not stop it.
	fin := financeOfficer(t, h, prj)
	if _, err := fin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":stop", nil, nil); !errors.As(err, &p) || p.Status != 403 {
		t.Fatalf("finance officer stopped: %v", err)
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":stop", map[string]any{"replica": 1}, &v); err != nil {
		t.Fatal(err)
	}
	for _, pl := range v.Placements {
		want, sim := "running", "active"
		if pl.Replica == 1 {
			want, sim = "stopped", "stopped"
		}
		if pl.Power != want || simReplica(t, h.Admin, pl.ID).State != sim {
			t.Fatalf("replica %d: power %q, sim %s; want %s", pl.Replica, pl.Power, simReplica(t, h.Admin, pl.ID).State, want)
		}
	}
	var saw []string
	for _, e := range v.Events {
		if strings.HasPrefix(e.Reason, "replica 1:") {
			saw = append(saw, e.Reason)
		}
	}
	if strings.Join(saw, "|") != "replica 1: running → stopping|replica 1: stopping → stopped" {
		t.Fatalf("timeline: %q", saw)
	}
	// Stopping the whole workload stops the one still running.
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":stop", nil, &v); err != nil {
		t.Fatal(err)
	}
	for _, pl := range v.Placements {
		if pl.Power != "stopped" {
			t.Fatalf("after stop: %+v", v.Placements)
		}
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":reboot", nil, nil); !errors.As(err, &p) || p.Status != 409 {
		t.Fatalf("reboot a stopped workload: %v", err)
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":start", nil, &v); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":reboot", map[string]any{"replica": 0}, &v); err != nil {
		t.Fatal(err)
	}
	for _, pl := range v.Placements {
		if pl.Power != "running" || simReplica(t, h.Admin, pl.ID).State != "active" {
			t.Fatalf("after start and reboot: %+v", v.Placements)
		}
		if len(pl.Addresses) == 0 {
			t.Fatalf("replica %d has no address", pl.Replica)
		}
	}
	if v.State != "running" {
		t.Fatalf("workload state %s", v.State)
	}
}

func TestResize(t *testing.T) {
	t.Parallel()
	h, _, _, v := startRunning(t, 1)
	ctx := context.Background()
	// An offering no site prices: 422 in the caller's language, nothing changes.
	var created struct {
		ID string `json:"id"`
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/offerings", map[string]any{"name": "SCS-3V-6-30", "kind": "vm", "vcpus": 3, "memory_mib": 6144, "disk_gib": 30}, &created); err != nil {
		t.Fatal(err)
	}
	details := map[string]bool{}
	for _, lang := range []string{"es", "pt-BR", "en"} {
		var p *client.Problem
		if _, err := h.Client(servertest.AdminToken, lang).Do(ctx, "POST", "/v1/workloads/"+v.ID+":resize", map[string]any{"offering": "SCS-3V-6-30"}, nil); !errors.As(err, &p) || p.Status != 422 {
			t.Fatalf("%s: resize to an unpriced offering: %v", lang, err)
		}
		details[p.Detail] = true
	}
	if len(details) != 3 {
		t.Fatalf("the refusal is not localized: %v", details)
	}
	var same powerView
	if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+v.ID, nil, &same); err != nil {
		t.Fatal(err)
	}
	if same.OfferingID != v.OfferingID || same.ForecastMonthlyMinor != v.ForecastMonthlyMinor || same.Placements[0].VCPUs != v.Placements[0].VCPUs {
		t.Fatalf("a refused resize changed the workload: %+v → %+v", v, same)
	}
	// To a larger offering: the same site, the new forecast exactly the
	// new replica's price, the sim resource resized.
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":resize", map[string]any{"offering": "SCS-2V-4-20s"}, &v); err != nil {
		t.Fatal(err)
	}
	pl := v.Placements[0]
	if pl.VCPUs != 2 || v.ForecastMonthlyMinor != pl.MonthlyMinor || v.ForecastMonthlyMinor <= same.ForecastMonthlyMinor || pl.ID != same.Placements[0].ID {
		t.Fatalf("after resize: %+v (before %+v)", v, same)
	}
	// The resize is done at the provider when the call returns.
	if got := simReplica(t, h.Admin, pl.ID).VCPUs; got != 2 {
		t.Fatalf("sim resource has %d vcpus", got)
	}
}

// TestPowerProviderFails: when the provider fails the action for every
// target, the API answers 502, each replica goes back to the state it
// came from with the provider's failure on the timeline, and the action
// can be asked again once the provider works.
func TestPowerProviderFails(t *testing.T) {
	t.Parallel()
	// Every sim call fails while the faults are set, the health probes'
	// too: the monitor must not take the providers down and fail the
	// workload over meanwhile (the harness's fast probes would within
	// 250 ms on a slow run), so it waits an hour here.
	h := servertest.Start(t, servertest.Options{Configure: func(c *config.Config) {
		c.Monitoring.DownAfter, c.Monitoring.FailoverAfter = time.Hour, time.Hour
	}})
	prj, off := fixture(t, h.Admin)
	v := running(t, h.Admin, prj, off, 2)
	ctx := context.Background()
	simFaults(t, h.Admin, map[string]any{"error_rate": "1"})
	var p *client.Problem
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":stop", nil, nil); !errors.As(err, &p) || p.Status != 502 {
		t.Fatalf("stop with a failing provider: %v", err)
	}
	if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+v.ID, nil, &v); err != nil {
		t.Fatal(err)
	}
	for _, pl := range v.Placements {
		if pl.Power != "running" || simReplica(t, h.Admin, pl.ID).State != "active" {
			t.Fatalf("replica %d after a failed stop: power %q, sim %s", pl.Replica, pl.Power, simReplica(t, h.Admin, pl.ID).State)
		}
	}
	for _, r := range []string{"replica 0: stopping → running (the provider could not stop it:", "replica 1: stopping → running (the provider could not stop it:"} {
		saw := false
		for _, e := range v.Events {
			saw = saw || strings.HasPrefix(e.Reason, r)
		}
		if !saw {
			t.Fatalf("no event %q on the timeline: %+v", r, v.Events)
		}
	}
	simFaults(t, h.Admin, map[string]any{"error_rate": "0"})
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":stop", nil, &v); err != nil {
		t.Fatal(err)
	}
	for _, pl := range v.Placements {
		if pl.Power != "stopped" {
			t.Fatalf("after the provider works again: %+v", v.Placements)
		}
	}
}
