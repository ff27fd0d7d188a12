package server_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestNoTargetReasonInCallersLanguage: the reason a workload has nowhere
// to go — in the evacuation plan (route and CLI), the migration plan and
// the refused migration — is in the caller's language, es, pt-BR and en.
func TestNoTargetReasonInCallersLanguage(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	id, prov := h.OnlyOnNuvemVerde(t)
	// The engine's explanation, per language: "N of M sites fit: …".
	want := map[string]string{"es": "sitios cumplen", "pt-BR": "sites atendem", "en": "sites fit"}
	for lang, w := range want {
		c := h.Client(servertest.AdminToken, lang)
		var plan struct {
			Infeasible int `json:"infeasible"`
			Items      []struct {
				WorkloadID string `json:"workload_id"`
				Feasible   bool   `json:"feasible"`
				Reason     string `json:"reason"`
				Plan       struct {
					Reason string `json:"reason"`
				} `json:"plan"`
			} `json:"items"`
		}
		if _, err := c.Do(ctx, "POST", "/v1/providers/"+prov+":evacuate-plan", nil, &plan); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range plan.Items {
			if it.WorkloadID != id {
				continue
			}
			found = true
			if it.Feasible || !strings.Contains(it.Reason, w) || it.Plan.Reason != it.Reason {
				t.Fatalf("%s: evacuation plan item %+v, want a reason with %q", lang, it, w)
			}
			for other, ow := range want {
				if other != lang && strings.Contains(it.Reason, ow) {
					t.Fatalf("%s: reason %q is in %s", lang, it.Reason, other)
				}
			}
		}
		if !found {
			t.Fatalf("%s: %s missing from the evacuation plan", lang, id)
		}

		target := map[string]any{"exclude_providers": []string{prov}}
		var p struct {
			Feasible bool   `json:"feasible"`
			Reason   string `json:"reason"`
		}
		if _, err := c.Do(ctx, "POST", "/v1/workloads/"+id+"/migration-plan", target, &p); err != nil {
			t.Fatal(err)
		}
		if p.Feasible || !strings.Contains(p.Reason, w) {
			t.Fatalf("%s: migration plan %+v, want a reason with %q", lang, p, w)
		}
		_, err := c.Do(ctx, "POST", "/v1/workloads/"+id+"/migrations", target, nil)
		var prob *client.Problem
		if !errors.As(err, &prob) || prob.Status != http.StatusUnprocessableEntity || !strings.HasSuffix(prob.Type, "/no-fit") ||
			!strings.Contains(prob.Detail, w) {
			t.Fatalf("%s: migrating with no target: %v, want a detail with %q", lang, err, w)
		}
	}
}
