package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestSSHKeysAgainstServer runs the SDK's SSH-key methods against a real
// server in-process: create, get, list (paged), delete, and a refused key
// as a problem in the caller's language.
func TestSSHKeysAgainstServer(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	ctx := context.Background()
	c := client.New(h.URL, servertest.AdminToken)
	c.Lang = "es"
	const pub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@example"

	_, err := c.SSHKeys().Create(ctx, client.SSHKeySpec{Name: "bad", PublicKey: "-----BEGIN OPENSSH PRIVATE KEY-----"})
	var p *client.Problem
	if !errors.As(err, &p) || p.Status != 422 || len(p.InvalidParams) != 1 || p.InvalidParams[0].Name != "public_key" ||
		!strings.Contains(p.InvalidParams[0].Reason, "no es una clave pública SSH") {
		t.Fatalf("a private key: %v", err)
	}

	a, err := c.SSHKeys().Create(ctx, client.SSHKeySpec{Name: "laptop", PublicKey: pub})
	if err != nil || a.ID == "" || a.KeyType != "ssh-ed25519" || !strings.HasPrefix(a.Fingerprint, "SHA256:") || a.ProjectID != "" {
		t.Fatalf("create: %+v %v", a, err)
	}
	b, err := c.SSHKeys().Create(ctx, client.SSHKeySpec{Name: "desk", PublicKey: pub})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.SSHKeys().Get(ctx, a.ID)
	if err != nil || got.Name != "laptop" || got.PublicKey != a.PublicKey || got.Fingerprint != a.Fingerprint {
		t.Fatalf("get: %+v %v", got, err)
	}
	all, err := client.Collect(c.SSHKeys().List(ctx, client.ListOptions{Limit: 1}))
	if err != nil || len(all) != 2 {
		t.Fatalf("list: %+v %v", all, err)
	}
	if ids := map[string]bool{all[0].ID: true, all[1].ID: true}; !ids[a.ID] || !ids[b.ID] {
		t.Fatalf("list: %+v", all)
	}

	if err := c.SSHKeys().Delete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SSHKeys().Get(ctx, a.ID); !client.IsNotFound(err) {
		t.Fatalf("get after delete: %v", err)
	}
	if all, err = client.Collect(c.SSHKeys().List(ctx, client.ListOptions{})); err != nil || len(all) != 1 || all[0].ID != b.ID {
		t.Fatalf("list after delete: %+v %v", all, err)
	}
}
