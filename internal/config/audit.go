package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Audit configures how the audit log's head is signed and where the signed
// checkpoints are published (docs/security.md, "An audit trail the
// database owner cannot rewrite").
type Audit struct {
	// SigningKeyFile is the Ed25519 key (PKCS #8 PEM) that signs
	// checkpoints. serve requires it, outside data_dir: on another disk or
	// written by the operator's secret store, so that whoever holds the
	// database cannot re-sign a rewritten log. Empty under up: a key is
	// kept in data_dir for the demo.
	SigningKeyFile string `yaml:"signing_key_file"`
	// PublicKeyFile is the matching public key (PEM). The server refuses
	// to start when it does not match the signing key; `soberana audit
	// verify --config` checks checkpoints with it.
	PublicKeyFile string `yaml:"public_key_file"`
	// CheckpointFile, when set, gets every checkpoint appended as a JSON
	// line: point it at storage the database owner cannot rewrite (WORM,
	// another host) and verify with `soberana audit verify --checkpoints`.
	CheckpointFile string `yaml:"checkpoint_file"`
	// CheckpointEvery is how often the chain head is signed (default 10m).
	CheckpointEvery time.Duration `yaml:"checkpoint_every"`
}

// DefaultCheckpointEvery is the checkpoint period when none is set.
const DefaultCheckpointEvery = 10 * time.Minute

// validateAudit checks the audit settings any command may use.
func (c *Config) validateAudit(add func(field, msg string, args ...any)) {
	a := c.Audit
	if a.CheckpointEvery != 0 && (a.CheckpointEvery < time.Second || a.CheckpointEvery > 24*time.Hour) {
		add("audit.checkpoint_every", "%s must be between 1s and 24h (0 takes the default, 10m)", a.CheckpointEvery)
	}
	for field, f := range map[string]string{"audit.signing_key_file": a.SigningKeyFile, "audit.public_key_file": a.PublicKeyFile} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			add(field, "cannot read %s: %v", f, errors.Unwrap(err))
		}
	}
	if a.CheckpointFile != "" {
		if fi, err := os.Stat(filepath.Dir(a.CheckpointFile)); err != nil || !fi.IsDir() {
			add("audit.checkpoint_file", "the directory of %s does not exist; create it (on storage the database owner cannot rewrite) or fix the path", a.CheckpointFile)
		}
	}
}

// ValidateServe checks what serve (production) needs beyond Validate: a
// checkpoint signing key of the operator's own, and neither it nor the
// checkpoint file inside data_dir, beside the database.
func (c *Config) ValidateServe() error {
	var errs Errors
	add := func(field, msg string, args ...any) {
		errs = append(errs, FieldError{Field: field, Msg: fmt.Sprintf(msg, args...)})
	}
	a := c.Audit
	switch {
	case a.SigningKeyFile == "":
		add("audit.signing_key_file", "is empty: serve signs audit checkpoints with a key file kept off the database's disk; "+
			"create one with: soberana audit keygen --key FILE --public-key FILE.pub, and name it here or in %s", EnvName("audit.signing_key_file"))
	case within(a.SigningKeyFile, c.DataDir):
		add("audit.signing_key_file", "%s is inside data_dir %s: whoever holds the database could re-sign a rewritten audit log; "+
			"keep the key on another disk or have the operator's secret store write it", a.SigningKeyFile, c.DataDir)
	}
	if a.CheckpointFile != "" && within(a.CheckpointFile, c.DataDir) {
		add("audit.checkpoint_file", "%s is inside data_dir %s: the copy of the checkpoints outside the database must not live beside it; "+
			"point it at write-once storage or another host", a.CheckpointFile, c.DataDir)
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// within reports whether path lies in dir (after making both absolute and
// resolving the symbolic links that exist).
func within(path, dir string) bool {
	if strings.TrimSpace(dir) == "" {
		return false
	}
	p, d := resolve(path), resolve(dir)
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func resolve(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	// Resolve the longest existing prefix, so that a file not yet created
	// under a symlinked directory is still placed correctly.
	rest := ""
	for cur := abs; ; cur = filepath.Dir(cur) {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		}
		if filepath.Dir(cur) == cur {
			return abs
		}
		rest = filepath.Join(filepath.Base(cur), rest)
	}
}
