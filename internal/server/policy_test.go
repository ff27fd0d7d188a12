package server_test

import (
	"context"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

// openPolicy lets the institution of a project place public and internal
// data on providers of any jurisdiction in Brazil (the demo's policies
// are national): for tests that move workloads across providers.
func openPolicy(t *testing.T, h *servertest.Harness, project string) {
	t.Helper()
	ctx := context.Background()
	var prj map[string]any
	if _, err := h.Admin.Do(ctx, "GET", "/v1/projects/"+project, nil, &prj); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Admin.Do(ctx, "PATCH", "/v1/institutions/"+prj["institution_id"].(string), map[string]any{
		"data_policy": map[string]any{"sovereignty": "any", "countries": []string{"BR"},
			"min_sovereignty": map[string]string{"confidential": "national", "restricted": "national"}}}, nil); err != nil {
		t.Fatal(err)
	}
}
