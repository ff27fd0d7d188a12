package reconcile_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/server/servertest"
)

// startSweeping starts a server (on PostgreSQL when pg) that sweeps for
// orphans every 20 ms with the given grace period; resync, when not 0,
// sets how often it resyncs the clouds.
func startSweeping(t *testing.T, pg bool, grace, resync time.Duration) *servertest.Harness {
	t.Helper()
	return servertest.Start(t, servertest.Options{Postgres: pg, Configure: func(c *config.Config) {
		c.Reconcile.OrphanEvery = 20 * time.Millisecond
		c.Reconcile.OrphanGrace = grace
		if resync != 0 {
			c.Reconcile.Resync = resync
		}
	}})
}

// wantWorkloadAlive fails the test when the workload id, read through the
// API as the admin, is failed or deleted; when says after what.
func wantWorkloadAlive(t *testing.T, h *servertest.Harness, id, when string) {
	t.Helper()
	var w workloadView
	if _, err := h.Admin.Do(context.Background(), "GET", "/v1/workloads/"+id, nil, &w); err != nil || w.State == "failed" || w.State == "deleted" {
		t.Fatalf("workload %s: %s %v", when, w.State, err)
	}
}

// oneReplicaBody is the request for one internal replica in Brazil of the
// demo's smallest offering in the demo project.
func oneReplicaBody(t *testing.T, h *servertest.Harness) map[string]any {
	t.Helper()
	return map[string]any{"project_id": h.FirstID(t, "/v1/projects?name=prontuario-eletronico"),
		"offering_id": h.FirstID(t, "/v1/offerings?name=SCS-1V-2-20s"), "replicas": 1,
		"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}}}
}

// workloadView is a workload as the API answers it: its id, state and
// replicas.
type workloadView struct {
	ID         string `json:"id"`
	State      string `json:"state"`
	Placements []struct {
		ID string `json:"id"`
	} `json:"placements"`
}

// postOneReplica creates the oneReplicaBody workload through the API as
// the admin and returns the answer.
func postOneReplica(t *testing.T, h *servertest.Harness) workloadView {
	t.Helper()
	var w workloadView
	if _, err := h.Admin.Do(context.Background(), "POST", "/v1/workloads", oneReplicaBody(t, h), &w); err != nil {
		t.Fatal(err)
	}
	return w
}
