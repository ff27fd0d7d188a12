package server

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/alert"
	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Demo-only files `soberana up` keeps in its data directory.
const (
	demoAuditKeyFile    = "audit-signing.key"
	demoAuditPublicFile = "audit-public.pem"
)

// auditSigner signs the audit chain head and publishes every checkpoint
// outside the database: appended to the configured checkpoint file and
// queued for the alert webhooks.
type auditSigner struct {
	key       ed25519.PrivateKey
	keyPath   string
	inDataDir bool
	every     time.Duration
	file      string

	mu sync.Mutex
	// unfiled are checkpoints the file did not take yet (a full disk, an
	// unmounted share); each signing retries them first, in order.
	unfiled []model.AuditCheckpoint
}

// wireAudit loads the checkpoint signing key: the configured key file
// (which serve requires, outside the data directory: config.ValidateServe),
// or — when none is configured, as under `soberana up` — one kept in the
// data directory for the demo, created when absent, with its public key
// beside it.
func (s *Server) wireAudit() (*auditSigner, error) {
	a := s.cfg.Audit
	sg := &auditSigner{keyPath: a.SigningKeyFile, every: a.CheckpointEvery, file: a.CheckpointFile}
	if sg.every <= 0 {
		sg.every = config.DefaultCheckpointEvery
	}
	var err error
	if sg.keyPath != "" {
		sg.key, err = audit.LoadKey(sg.keyPath)
	} else {
		sg.keyPath, sg.inDataDir = filepath.Join(s.cfg.DataDir, demoAuditKeyFile), true
		sg.key, err = audit.LoadOrCreateKey(sg.keyPath)
	}
	if err != nil {
		return nil, fmt.Errorf("audit signing key (audit.signing_key_file): %w", err)
	}
	pub := sg.key.Public().(ed25519.PublicKey)
	if sg.inDataDir {
		if err := os.WriteFile(filepath.Join(s.cfg.DataDir, demoAuditPublicFile), audit.PublicKeyPEM(pub), 0o644); err != nil {
			return nil, fmt.Errorf("writing the audit public key: %w", err)
		}
		s.log.Warn("audit checkpoints are signed with a key kept in the data directory: fine for a demo, not for production",
			"key", sg.keyPath, "set", config.EnvName("audit.signing_key_file"))
	}
	if a.PublicKeyFile != "" {
		want, err := audit.ReadPublicKeyFile(a.PublicKeyFile)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(want, func(k ed25519.PublicKey) bool { return k.Equal(pub) }) {
			return nil, fmt.Errorf("audit.public_key_file %s (keys %s) does not match audit.signing_key_file %s (key %s): "+
				"after a rotation, append the new public key to the file", a.PublicKeyFile, audit.KeyIDs(want), sg.keyPath, audit.KeyID(pub))
		}
	}
	if sg.file == "" && !sg.inDataDir {
		s.log.Warn("no audit.checkpoint_file: checkpoints reach outside the database only through the alert webhooks",
			"set", config.EnvName("audit.checkpoint_file"))
	}
	return sg, nil
}

// AuditSigningKey is the checkpoint signing key's file and whether it is
// the demo key kept in the data directory.
func (s *Server) AuditSigningKey() (path string, inDataDir bool) {
	return s.identity.audit.keyPath, s.identity.audit.inDataDir
}

// AuditPublicKeyFile is where the demo keeps the public key that verifies
// checkpoints ("" outside the demo: the operator keeps it).
func (s *Server) AuditPublicKeyFile() string {
	if !s.identity.audit.inDataDir {
		return ""
	}
	return filepath.Join(s.cfg.DataDir, demoAuditPublicFile)
}

// checkpointAudit signs the chain head when it moved and publishes the new
// checkpoint: queued for the webhooks in the checkpoint's own transaction,
// and appended to the checkpoint file once it committed.
func (s *Server) checkpointAudit(ctx context.Context) (model.AuditCheckpoint, bool, error) {
	sg := s.identity.audit
	c, wrote, err := audit.Checkpoint(ctx, s.Store, sg.key, time.Now(),
		func(ctx context.Context, tx *store.Tx, c model.AuditCheckpoint) error {
			return alert.PublishCheckpoint(ctx, tx, c, time.Now())
		})
	if err != nil || sg.file == "" {
		return c, wrote, err
	}
	sg.mu.Lock()
	defer sg.mu.Unlock()
	if wrote {
		sg.unfiled = append(sg.unfiled, c)
	}
	for len(sg.unfiled) > 0 {
		if err := audit.AppendCheckpointFile(sg.file, sg.unfiled[0]); err != nil {
			return c, wrote, fmt.Errorf("%w (%d checkpoints wait; retried at the next signing)", err, len(sg.unfiled))
		}
		sg.unfiled = sg.unfiled[1:]
	}
	return c, wrote, nil
}
