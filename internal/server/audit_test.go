package server

import (
	"context"
	"crypto/ed25519"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

func auditTestConfig(t *testing.T) config.Config {
	cfg := config.Defaults()
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", t.TempDir()
	return cfg
}

// TestAuditSigningKeyConfig: a configured key file is read, never
// created; a public key that does not match it stops the start.
func TestAuditSigningKeyConfig(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	outside := t.TempDir()

	cfg := auditTestConfig(t)
	cfg.Audit.SigningKeyFile = filepath.Join(outside, "absent.key")
	if _, err := Open(ctx, cfg, log); err == nil || !strings.Contains(err.Error(), "audit.signing_key_file") {
		t.Fatalf("absent key file: %v", err)
	}
	if _, err := os.Stat(cfg.Audit.SigningKeyFile); err == nil {
		t.Fatal("a configured key file was created")
	}

	key := filepath.Join(outside, "audit.key")
	if _, err := audit.WriteNewKey(key); err != nil {
		t.Fatal(err)
	}
	other, err := audit.WriteNewKey(filepath.Join(outside, "other.key"))
	if err != nil {
		t.Fatal(err)
	}
	otherPub := filepath.Join(outside, "other.pem")
	if err := os.WriteFile(otherPub, audit.PublicKeyPEM(other.Public().(ed25519.PublicKey)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg = auditTestConfig(t)
	cfg.Audit.SigningKeyFile, cfg.Audit.PublicKeyFile = key, otherPub
	if _, err := Open(ctx, cfg, log); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("mismatched public key: %v", err)
	}
}

// TestCheckpointFileRetry: a checkpoint the file could not take (its
// directory gone) is appended, in order, once it can.
func TestCheckpointFileRetry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	worm := filepath.Join(t.TempDir(), "worm")
	cfg := auditTestConfig(t)
	cfg.Audit.CheckpointFile = filepath.Join(worm, "checkpoints.jsonl")
	s, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	event := func() {
		t.Helper()
		p := &store.PendingAudit{Event: model.AuditEvent{ActorKind: "user", ActorID: "usr_1", Action: "POST /v1/projects", Outcome: "success"}}
		if err := s.Store.InTx(store.WithAudit(ctx, p), func(*store.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	event()
	c1, wrote, err := s.checkpointAudit(ctx)
	if !wrote || err == nil || !strings.Contains(err.Error(), "1 checkpoints wait") {
		t.Fatalf("append to a missing directory: %v %v", wrote, err)
	}
	if err := os.Mkdir(worm, 0o755); err != nil {
		t.Fatal(err)
	}
	event()
	c2, wrote, err := s.checkpointAudit(ctx)
	if !wrote || err != nil {
		t.Fatalf("second checkpoint: %v %v", wrote, err)
	}
	got, err := audit.ReadCheckpointFile(cfg.Audit.CheckpointFile)
	if err != nil || len(got) != 2 || got[0] != c1 || got[1] != c2 {
		t.Fatalf("checkpoint file: %+v %v", got, err)
	}
}
