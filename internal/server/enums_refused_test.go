package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestOutOfSetInputRefusedInCallersLanguage sends a value outside the
// OpenAPI enum of each closed-set input field and expects a 422
// problem+json naming the field and the values allowed, in the caller's
// language (es); a token whose kind is left out is the documented default,
// a personal token.
func TestOutOfSetInputRefusedInCallersLanguage(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	b := tb{t: t, h: h}
	admin := servertest.AdminToken
	edgeProv := b.must(201, admin, "POST", "/v1/providers", map[string]any{"name": "Telco Borda", "driver": model.DriverSim,
		"jurisdiction": "BR", "certification": "public", "currency": "BRL", "kind": model.ProviderKindEdge})
	edgeID := edgeProv["id"].(string)
	workload := map[string]any{"project_id": h.FirstID(t, "/v1/projects?name=prontuario-eletronico"),
		"offering_id": h.FirstID(t, "/v1/offerings?name=SCS-1V-2-20s"), "replicas": 1, "classification": "internal",
		"preference": "fastest"}
	cases := []struct {
		name, method, path string
		body               any
		field, value       string
		allowed            []string
	}{
		{"token kind", "POST", "/v1/tokens", map[string]any{"name": "ci", "kind": "robot"},
			"kind", "robot", auth.TokenKinds},
		{"token scope kind", "POST", "/v1/tokens", map[string]any{"name": "ci", "kind": auth.TokenService, "role": auth.RoleViewer, "scope_kind": "galaxy"},
			"scope_kind", "galaxy", model.Names(auth.ScopeKinds)},
		{"provider kind", "POST", "/v1/providers", map[string]any{"name": "Nube Rara", "driver": model.DriverSim,
			"jurisdiction": "BR", "certification": "public", "currency": "BRL", "kind": "cloud"},
			"kind", "cloud", model.ProviderKinds},
		{"edge group kind", "POST", "/v1/providers/" + edgeID + "/edge-groups", map[string]any{"name": "zona-sul", "kind": "zone"},
			"kind", "zone", model.GroupKinds},
		{"import group kind", "POST", "/v1/providers/" + edgeID + "/subclouds:import", map[string]any{
			"groups": []map[string]any{{"name": "anel-0", "kind": "zone"}},
			"subclouds": []map[string]any{{"name": "borda-1", "latitude": -23.5, "longitude": -46.6, "subdivision": "BR-SP",
				"capacity": map[string]any{"vcpus": 16, "memory_mib": 65536, "disk_gib": 500}, "group": "anel-0"}}},
			"groups[0].kind", "zone", model.GroupKinds},
		{"workload preference", "POST", "/v1/workloads", workload,
			"preference", "fastest", model.Names(placement.Preferences)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := tb{t: t, h: h}
			code, p := b.call(admin, c.method, c.path, c.body, "es")
			if code != 422 || !strings.HasSuffix(fmt.Sprint(p["type"]), "/validation") {
				t.Fatalf("status %d, want a 422 validation problem: %v", code, p)
			}
			want := fmt.Sprintf("«%s» no es válido; use uno de: %s", c.value, strings.Join(c.allowed, ", "))
			params, _ := p["invalid_params"].([]any)
			for _, ip := range params {
				m := ip.(map[string]any)
				if m["name"] == c.field {
					if m["reason"] != want {
						t.Fatalf("%s: reason %q, want %q", c.field, m["reason"], want)
					}
					return
				}
			}
			t.Fatalf("no invalid param %q: %v", c.field, p)
		})
	}
	t.Run("token kind left out is personal", func(t *testing.T) {
		b := tb{t: t, h: h}
		_, tok := b.user("enum@example.gob")
		out := b.must(201, tok, "POST", "/v1/tokens", map[string]any{"name": "sin-tipo"})
		if out["kind"] != auth.TokenPersonal || out["scope_kind"] != string(auth.Platform) {
			t.Fatalf("token %v: want kind %s at scope %s", out, auth.TokenPersonal, auth.Platform)
		}
	})
}
