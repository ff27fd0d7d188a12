package workload_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/client"
)

// TestPowerProviderFails: when the provider fails the action for every
// target, the API answers 502, each replica goes back to the state it
// came from with the provider's failure on the timeline, and the action
// can be asked again once the provider works.
func TestPowerProviderFails(t *testing.T) {
	t.Parallel()
	h, _, _, v := startRunning(t, 2)
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
