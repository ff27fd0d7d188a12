package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/workload"
)

// jsonNames lists the JSON member names of a struct type's fields.
func jsonNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// TestWorkloadSpecMatchesCreateRequest: the SDK's request body has every
// member the server's create decodes, and no other — a field added to
// one and not the other fails here.
func TestWorkloadSpecMatchesCreateRequest(t *testing.T) {
	t.Parallel()
	sdk, server := jsonNames(reflect.TypeFor[client.WorkloadSpec]()), jsonNames(reflect.TypeFor[workload.CreateRequest]())
	if !slices.Equal(sdk, server) {
		t.Fatalf("client.WorkloadSpec has %v,\nworkload.CreateRequest has %v", sdk, server)
	}
}

// first returns the first item a list yields.
func first[T any](t *testing.T, seq func(func(T, error) bool)) T {
	t.Helper()
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	t.Fatal("empty list")
	var zero T
	return zero
}

// succeeded follows a release's rollout until it ends (or two minutes
// pass) and fails the test unless it succeeded.
func succeeded(t *testing.T, c *client.Client, appID string, rel *client.Release) *client.Release {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var err error
	_ = pace.Repeat(ctx, 50*time.Millisecond, func() {
		r, gerr := c.GetRelease(ctx, appID, rel.ID)
		if err = gerr; gerr == nil {
			rel = r
		}
		if gerr != nil || rel.State == model.ReleaseSucceeded || rel.State == model.ReleaseFailed {
			cancel()
		}
	})
	if err != nil || rel.State != model.ReleaseSucceeded {
		t.Fatalf("release %s %s (%s): %v", rel.ID, rel.State, rel.Reason, err)
	}
	return rel
}

// TestSDKAgainstServer runs the SDK against a real server: a workload
// asked for with near points, per-subdivision replicas, an image, an SSH
// key and user-data carries every one of them back, a release read
// through the SDK (the server's own view) carries its rollout's progress,
// and a wave release (ReleaseSpec's sites, max_parallel,
// failure_threshold, commit) carries its strategy and its waves.
func TestSDKAgainstServer(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	c := client.New(h.URL, servertest.AdminToken)
	prj := first(t, c.Projects().List(ctx, client.ListOptions{Filters: map[string]string{"name": "prontuario-eletronico"}}))
	offering := func(name string) string {
		return first(t, c.Offerings(ctx, client.ListOptions{Filters: map[string]string{"name": name}})).ID
	}
	t.Run("WorkloadSpec", func(t *testing.T) {
		const pub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@example"
		key, err := c.SSHKeys().Create(ctx, client.SSHKeySpec{Name: "alice", PublicKey: pub, ProjectID: prj.ID})
		if err != nil {
			t.Fatal(err)
		}
		spec := client.WorkloadSpec{ProjectID: prj.ID, WorkloadPolicy: client.WorkloadPolicy{OfferingID: offering("SCS-1V-2-20s"), Replicas: 2, Classification: "internal",
			Residency: client.Residency{Countries: []string{"BR"}}, Sovereignty: client.Sovereignty{Mode: "national"},
			Near:           []client.NearPoint{{Latitude: -8.05, Longitude: -34.9, RadiusKm: 100, Label: "Recife"}},
			PerSubdivision: []string{"BR-RS"}},
			Image: "ubuntu-24.04", SSHKeys: []string{"alice"}, UserData: "#cloud-config\npackages: [htop]\n"}
		w, err := c.CreateWorkload(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(w.Near, spec.Near) || !slices.Equal(w.PerSubdivision, spec.PerSubdivision) || w.Image != spec.Image ||
			w.UserData != spec.UserData || len(w.SSHKeys) != 1 || w.SSHKeys[0].ID != key.ID || w.SSHKeys[0].Fingerprint != key.Fingerprint {
			b, _ := json.Marshal(w)
			t.Fatalf("created workload lost fields of the request: %s", b)
		}
	})
	t.Run("ReleaseProgress", func(t *testing.T) {
		w, err := c.CreateWorkload(ctx, client.WorkloadSpec{ProjectID: prj.ID, WorkloadPolicy: client.WorkloadPolicy{OfferingID: offering("ns-small"), Replicas: 1, Classification: "internal",
			Residency: client.Residency{Countries: []string{"BR"}}}})
		if err != nil {
			t.Fatal(err)
		}
		if w.State == client.StatePendingApproval {
			if w, err = c.ApproveWorkload(ctx, w.ID, "test"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := c.WaitWorkload(ctx, w.ID, client.WaitOptions{Timeout: 2 * time.Minute, Poll: 50 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
		app, err := c.CreateApp(ctx, client.AppSpec{ProjectID: prj.ID, WorkloadID: w.ID, Name: "citas", Image: "registry.example.mx/salud/citas:v1", Port: 8080, Replicas: 1})
		if err != nil {
			t.Fatal(err)
		}
		rel, err := c.CreateRelease(ctx, app.ID, client.ReleaseSpec{Image: "v2"})
		if err != nil {
			t.Fatal(err)
		}
		rel = succeeded(t, c, app.ID, rel)
		if p := rel.Progress; p.SitesOK != 1 || p.SitesTotal != 1 || p.SitesFailed+p.SitesPending+p.SitesInFlight != 0 {
			t.Fatalf("progress of a rollout that succeeded: %+v", p)
		}
		if len(rel.Steps) != 1 {
			t.Fatalf("steps of a one-site rollout: %+v", rel.Steps)
		}

		// A wave release through the typed spec: every wave field reaches
		// the server (a bad one is refused by name) and comes back in the
		// release's strategy.
		site, half, two := rel.Steps[0].SiteID, 0.5, 2.0
		_, err = c.CreateRelease(ctx, app.ID, client.ReleaseSpec{Image: "v3", StrategyRequest: client.StrategyRequest{Sites: []string{site}, MaxParallel: 1, FailureThreshold: &two}})
		var p *client.Problem
		if !errors.As(err, &p) || p.Status != http.StatusUnprocessableEntity || len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "failure_threshold" {
			t.Fatalf("a failure threshold of 2: %v", err)
		}
		_, err = c.CreateRelease(ctx, app.ID, client.ReleaseSpec{Image: "v3", StrategyRequest: client.StrategyRequest{Group: "no-such-group", MaxParallel: 1}})
		if !errors.As(err, &p) || p.Status != http.StatusUnprocessableEntity || len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "group" {
			t.Fatalf("an unknown group: %v", err)
		}
		spec := client.ReleaseSpec{Image: "v3", Commit: "0123456789abcdef0123456789abcdef01234567",
			StrategyRequest: client.StrategyRequest{Sites: []string{site}, MaxParallel: 1, FailureThreshold: &half}}
		rel, err = c.CreateRelease(ctx, app.ID, spec)
		if err != nil {
			t.Fatal(err)
		}
		if st := rel.Strategy; rel.Commit != spec.Commit || st == nil || !slices.Equal(st.SiteIDs, spec.Sites) || st.MaxParallel != 1 ||
			st.Canary != 0 || st.FailureThreshold != "0.5" || st.GroupID != "" {
			b, _ := json.Marshal(rel)
			t.Fatalf("a wave release lost fields of the request: %s", b)
		}
		rel = succeeded(t, c, app.ID, rel)
		if p := rel.Progress; p.WavesTotal != 1 || p.WavesDone != 1 || p.SitesOK != 1 || p.SitesTotal != 1 {
			t.Fatalf("progress of a one-wave rollout that succeeded: %+v", p)
		}
	})
}
