package reconcile_test

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

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
