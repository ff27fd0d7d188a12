package workload_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
)

type view struct {
	ID         string `json:"id"`
	State      string `json:"state"`
	Reason     string `json:"reason"`
	Simulated  bool   `json:"simulated"`
	Placements []struct {
		ID         string `json:"id"`
		SiteID     string `json:"site_id"`
		State      string `json:"state"`
		ResourceID string `json:"resource_id"`
	} `json:"placements"`
	Events []struct {
		From   string `json:"from"`
		To     string `json:"to"`
		Reason string `json:"reason"`
		Actor  string `json:"actor"`
	} `json:"events"`
}

// fixture finds a demo project and offering.
func fixture(t testing.TB, c *client.Client) (project, offering string) {
	t.Helper()
	return servertest.DemoIDs(t, c)
}

// financeOfficer signs in a new finance officer of project's institution.
func financeOfficer(t testing.TB, h *servertest.Harness, project string) *client.Client {
	t.Helper()
	ctx := context.Background()
	var prj struct {
		InstitutionID string `json:"institution_id"`
	}
	var u struct {
		ID string `json:"id"`
	}
	var login struct {
		Token string `json:"token"`
	}
	email := fmt.Sprintf("fin%d@saude.example", time.Now().UnixNano())
	if _, err := h.Admin.Do(ctx, "GET", "/v1/projects/"+project, nil, &prj); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/users", map[string]any{"email": email, "name": "Fin", "password": "correct horse battery"}, &u); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/role-bindings", map[string]any{"user_id": u.ID, "role": "finance-officer",
		"scope_kind": "institution", "scope_id": prj.InstitutionID}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/auth/login", map[string]any{"email": email, "password": "correct horse battery", "issue_token": true}, &login); err != nil {
		t.Fatal(err)
	}
	return h.Client(login.Token, "en")
}

func body(project, offering string, replicas int) map[string]any {
	return map[string]any{
		"project_id": project, "offering_id": offering, "replicas": replicas,
		"classification": "confidential", "residency": map[string]any{"countries": []string{"BR"}},
		"sovereignty": map[string]any{"mode": "national"},
	}
}

// internalBR is the request for replicas of internal data resident in
// Brazil, leaving sovereignty to the policy.
func internalBR(project, offering string, replicas int) map[string]any {
	return map[string]any{"project_id": project, "offering_id": offering, "replicas": replicas,
		"classification": "internal", "residency": map[string]any{"countries": []string{"BR"}}}
}

// pendingInternalBR creates a workload of internalBR's and checks that it
// waits for approval with all its placements.
func pendingInternalBR(t testing.TB, c *client.Client, project, offering string, replicas int) view {
	t.Helper()
	var v view
	if _, err := c.Do(context.Background(), "POST", "/v1/workloads", internalBR(project, offering, replicas), &v); err != nil {
		t.Fatal(err)
	}
	if v.State != "pending_approval" || len(v.Placements) != replicas {
		t.Fatalf("create answered state %s (%s) with %d placements, want pending_approval with %d", v.State, v.Reason, len(v.Placements), replicas)
	}
	return v
}

func waitState(t testing.TB, c *client.Client, id string, want ...string) view {
	t.Helper()
	var v view
	opstest.Eventually(t, 30*time.Second, fmt.Sprintf("workload %s reaching %v", id, want), func() (bool, string) {
		if _, err := c.Do(context.Background(), "GET", "/v1/workloads/"+id, nil, &v); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(want, v.State) {
			return true, ""
		}
		b, _ := json.MarshalIndent(v, "", "  ")
		return false, string(b)
	})
	return v
}

func TestCreateRunsAndDeletes(t *testing.T) {
	t.Parallel()
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		prj, off := fixture(t, h.Admin)
		var v view
		if _, err := h.Admin.Do(context.Background(), "POST", "/v1/workloads", body(prj, off, 2), &v); err != nil {
			t.Fatal(err)
		}
		v = waitState(t, h.Admin, v.ID, "running")
		if !v.Simulated || len(v.Placements) != 2 || v.Placements[0].ResourceID == "" {
			t.Fatalf("running workload: %+v", v)
		}
		if len(v.Events) < 4 {
			t.Fatalf("timeline: %+v", v.Events)
		}
		if _, err := h.Admin.Do(context.Background(), "DELETE", "/v1/workloads/"+v.ID, nil, &v); err != nil {
			t.Fatal(err)
		}
		waitState(t, h.Admin, v.ID, "deleted")
		if res := simResources(t, h.Admin); len(res) != 0 {
			t.Fatalf("resources left after delete: %+v", res)
		}
	})
}

func TestApprovalAndReject(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	prj, _ := fixture(t, h.Admin)
	ctx := context.Background()
	v := pendingApproval(t, h, prj)
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":reject", map[string]string{}, nil); err == nil {
		t.Fatal("reject without a reason succeeded")
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v.ID+":reject", map[string]string{"reason": "too big"}, &v); err != nil {
		t.Fatal(err)
	}
	if v.State != "rejected" || v.Reason != "too big" {
		t.Fatalf("after reject: %s %q", v.State, v.Reason)
	}
	v2 := pendingApproval(t, h, prj)
	// Spending is approved by a finance officer of the institution, not
	// by the platform admin who asked for it.
	var p *client.Problem
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads/"+v2.ID+":approve", nil, nil); !errors.As(err, &p) || p.Status != 403 {
		t.Fatalf("the platform admin approved: %v", err)
	}
	fin := financeOfficer(t, h, prj)
	if _, err := fin.Do(ctx, "POST", "/v1/workloads/"+v2.ID+":approve", nil, &v2); err != nil {
		t.Fatal(err)
	}
	waitState(t, h.Admin, v2.ID, "running")
	if _, err := fin.Do(ctx, "POST", "/v1/workloads/"+v2.ID+":approve", nil, nil); !errors.As(err, &p) || p.Status != 409 {
		t.Fatalf("second approve: %v", err)
	}
}

func TestNoFitIs422Localized(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	prj, off := fixture(t, h.Admin)
	b := body(prj, off, 1)
	b["residency"] = map[string]any{"countries": []string{"BR"}, "subdivisions": []string{"BR-AM"}}
	for _, lang := range []string{"es", "pt-BR", "en"} {
		c := h.Client(servertest.AdminToken, lang)
		_, err := c.Do(context.Background(), "POST", "/v1/workloads", b, nil)
		var p *client.Problem
		if !errors.As(err, &p) || p.Status != 422 || p.Detail == "" {
			t.Fatalf("%s: %v", lang, err)
		}
		t.Logf("%s: %s", lang, p.Detail)
	}
}

// TestIdempotentCreate sends the same POST with the same key 10 times at
// once: one workload is created and every answer names it.
func TestIdempotentCreate(t *testing.T) {
	t.Parallel()
	servertest.Each(t, servertest.Options{}, func(t *testing.T, h *servertest.Harness) {
		prj, off := fixture(t, h.Admin)
		b := body(prj, off, 1)
		ids := make([]string, 10)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Go(func() {
				var v view
				if _, err := h.Admin.Do(context.Background(), "POST", "/v1/workloads", b, &v, "Idempotency-Key", "retry-me-1"); err != nil {
					t.Error(err)
					return
				}
				ids[i] = v.ID
			})
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("different workloads: %v", ids)
			}
		}
		var page struct {
			Items []map[string]any `json:"items"`
		}
		if _, err := h.Admin.Do(context.Background(), "GET", "/v1/workloads", nil, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 1 {
			t.Fatalf("%d workloads, want 1", len(page.Items))
		}
		// Same key, other body: refused.
		b["replicas"] = 2
		var p *client.Problem
		if _, err := h.Admin.Do(context.Background(), "POST", "/v1/workloads", b, nil, "Idempotency-Key", "retry-me-1"); !errors.As(err, &p) || p.Status != 422 {
			t.Fatalf("reused key with another body: %v", err)
		}
		waitState(t, h.Admin, ids[0], "running")
		checkReservations(t, h)
	})
}

// checkReservations compares the engine's reservations with the live
// placements in the store.
func checkReservations(t testing.TB, h *servertest.Harness) {
	t.Helper()
	ctx := context.Background()
	live, err := h.Server.Store.Read().LivePlacements(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	for _, p := range live {
		want[p.SiteID] += p.VCPUs
	}
	for id, u := range h.Server.Fleet.Usage() {
		if u.Used.VCPU != want[id] {
			t.Errorf("site %s: engine reserves %d vCPU, live placements hold %d", id, u.Used.VCPU, want[id])
		}
	}
}

var _ = fmt.Sprint
