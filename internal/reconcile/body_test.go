package reconcile_test

import (
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
