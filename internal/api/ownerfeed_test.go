package api_test

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// A workload this replica just created is authorized from what the create
// stored: its first read does not read the workload's scope again (issue
// #19: at the mixed load most reads were of new workloads, one statement
// more each).
func TestReadAfterCreateSkipsTheScopeRead(t *testing.T) {
	h := servertest.Start(t, servertest.Options{Postgres: os.Getenv(storetest.PostgresEnv) != ""})
	var wl map[string]any
	if _, err := h.Admin.Do(context.Background(), "POST", "/v1/workloads", map[string]any{
		"project_id": h.FirstID(t, "/v1/projects?name=prontuario-eletronico"), "offering_id": h.FirstID(t, "/v1/offerings?name=SCS-1V-2-20s"),
		"replicas": 1, "classification": "internal", "residency": map[string]any{"countries": []string{"BR"}}}, &wl); err != nil {
		t.Fatal(err)
	}
	ctx, log := store.LogStatements(context.Background())
	req := httptest.NewRequest("GET", "/v1/workloads/"+wl["id"].(string), nil).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+servertest.AdminToken)
	req.RemoteAddr = "127.0.0.1:40000"
	rec := httptest.NewRecorder()
	h.Server.API.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("GET %d: %s", rec.Code, rec.Body)
	}
	if log.Len() == 0 {
		t.Fatal("no statement recorded: the log does not see the request's reads")
	}
	for _, q := range log.Statements() {
		if strings.Contains(q, "SELECT institution_id, project_id FROM workloads") {
			t.Fatalf("the read after the create read the workload's scope: %s (all: %q)", q, log.Statements())
		}
	}
}
