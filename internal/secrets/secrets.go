// Package secrets keeps provider credentials and webhook secrets
// encrypted at rest with AES-256-GCM. Keys come from a key file or an
// environment variable, never from the database; each ciphertext names
// the key that sealed it, so keys rotate without downtime: add a new
// primary key, run `soberana keys rotate`, then drop the old key.
//
// Plaintext is bound to its row (owner kind, owner id, name) as
// additional data, so a ciphertext copied onto another row fails to open.
// Values never leave through the API and are never logged: Value's
// String and MarshalJSON redact it.
package secrets

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// KeyLen is an AES-256 key.
const KeyLen = 32

// SealedMarker is what a row holds in place of a secret sealed in the
// secrets table.
const SealedMarker = "sealed:secrets"

// Errors.
var (
	ErrNoKey    = errors.New("no encryption key configured")
	ErrUnknown  = errors.New("sealed with an unknown key")
	ErrTampered = errors.New("ciphertext does not open (tampered, or moved to another row)")
)

// Keyring holds the data keys by id; Primary seals new values.
type Keyring struct {
	keys    map[string]cipher.AEAD
	Primary string
	ids     []string
}

// ParseKeyring reads "id:base64key" entries separated by newlines or
// commas; the first is the primary. Blank lines and # comments are skipped.
func ParseKeyring(text string) (*Keyring, error) {
	kr := &Keyring{keys: map[string]cipher.AEAD{}}
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == '\n' || r == ',' }) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, b64, ok := strings.Cut(line, ":")
		if !ok || id == "" || strings.ContainsAny(id, " :") {
			return nil, errors.New("secrets key: want id:base64key")
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != KeyLen {
			return nil, fmt.Errorf("secrets key %s: want %d bytes, base64", id, KeyLen)
		}
		blk, _ := aes.NewCipher(raw)
		aead, _ := cipher.NewGCM(blk)
		if _, dup := kr.keys[id]; dup {
			return nil, fmt.Errorf("secrets key %s: listed twice", id)
		}
		kr.keys[id] = aead
		kr.ids = append(kr.ids, id)
		if kr.Primary == "" {
			kr.Primary = id
		}
	}
	if kr.Primary == "" {
		return nil, ErrNoKey
	}
	return kr, nil
}

// Load reads the keyring from the file named by fileEnv, else from the
// variable valueEnv itself.
func Load(getenv func(string) string, fileEnv, valueEnv string) (*Keyring, error) {
	if p := getenv(fileEnv); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", fileEnv, err)
		}
		return ParseKeyring(string(b))
	}
	if v := getenv(valueEnv); v != "" {
		return ParseKeyring(v)
	}
	return nil, ErrNoKey
}

// NewKeyLine returns a fresh "id:base64key" line.
func NewKeyLine(id string) string {
	k := make([]byte, KeyLen)
	_, _ = rand.Read(k)
	return id + ":" + base64.StdEncoding.EncodeToString(k)
}

func aad(ownerKind, ownerID, name string) []byte {
	return []byte("soberana-secret-v1\x00" + ownerKind + "\x00" + ownerID + "\x00" + name)
}

// Seal encrypts plaintext for a row under the primary key:
// "v1:<key id>:<base64(nonce || ciphertext)>".
func (kr *Keyring) Seal(ownerKind, ownerID, name string, plaintext []byte) (string, string, error) {
	aead := kr.keys[kr.Primary]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", "", err
	}
	ct := aead.Seal(nonce, nonce, plaintext, aad(ownerKind, ownerID, name))
	return kr.Primary, "v1:" + kr.Primary + ":" + base64.StdEncoding.EncodeToString(ct), nil
}

// Open decrypts what Seal made for the same row.
func (kr *Keyring) Open(ownerKind, ownerID, name, sealed string) ([]byte, error) {
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != "v1" {
		return nil, ErrTampered
	}
	aead, ok := kr.keys[parts[1]]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknown, parts[1])
	}
	raw, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrTampered
	}
	pt, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], aad(ownerKind, ownerID, name))
	if err != nil {
		return nil, ErrTampered
	}
	return pt, nil
}

// Value is a secret in memory; it prints and marshals as "[redacted]".
type Value []byte

func (Value) String() string               { return "[redacted]" }
func (Value) GoString() string             { return "[redacted]" }
func (Value) MarshalJSON() ([]byte, error) { return []byte(`"[redacted]"`), nil }
func (Value) LogValue() slog.Value         { return slog.StringValue("[redacted]") }

// Reveal returns the plaintext, for the driver that sends it.
func (v Value) Reveal() []byte { return []byte(v) }

// Box stores and reads encrypted secrets.
type Box struct {
	st *store.Store
	kr *Keyring
}

// NewBox returns a Box over st with keyring kr.
func NewBox(st *store.Store, kr *Keyring) *Box { return &Box{st: st, kr: kr} }

// Put seals and stores a secret (replacing the previous value).
func (b *Box) Put(ctx context.Context, tx *store.Tx, ownerKind, ownerID, name string, v []byte) error {
	kid, ct, err := b.kr.Seal(ownerKind, ownerID, name, v)
	if err != nil {
		return err
	}
	return tx.PutSecret(ctx, store.SecretRow{OwnerKind: ownerKind, OwnerID: ownerID, Name: name, KeyID: kid, Ciphertext: ct})
}

// Get reads and opens a secret.
func (b *Box) Get(ctx context.Context, ownerKind, ownerID, name string) (Value, error) {
	row, err := b.st.Read().GetSecret(ctx, ownerKind, ownerID, name)
	if err != nil {
		return nil, err
	}
	pt, err := b.kr.Open(row.OwnerKind, row.OwnerID, row.Name, row.Ciphertext)
	return Value(pt), err
}

// Rotate re-seals every secret not under the primary key and returns how
// many it re-sealed; old keys can be removed from the keyring afterwards.
// The rotation is audited: ev (its actor; see audit.Operator) is recorded
// as action secrets.rotate on the primary key, in the same transaction.
func (b *Box) Rotate(ctx context.Context, ev model.AuditEvent) (int, error) {
	n := 0
	ev.Action, ev.TargetKind, ev.TargetID = "secrets.rotate", "secret-keys", b.kr.Primary
	err := audit.Write(ctx, b.st, ev, func(tx *store.Tx, _ *model.AuditEvent) error {
		n = 0
		rows, err := tx.SecretsNotUnder(ctx, b.kr.Primary)
		if err != nil {
			return err
		}
		for _, r := range rows {
			pt, err := b.kr.Open(r.OwnerKind, r.OwnerID, r.Name, r.Ciphertext)
			if err != nil {
				return fmt.Errorf("secret %s/%s/%s: %w", r.OwnerKind, r.OwnerID, r.Name, err)
			}
			if err := b.Put(ctx, tx, r.OwnerKind, r.OwnerID, r.Name, pt); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// RotateDatabase opens the database at url (postgres://… or an SQLite
// file) and re-seals its secrets under kr's primary key (Rotate): the
// operator's `keys rotate`, run where the database is.
func RotateDatabase(ctx context.Context, url string, kr *Keyring, ev model.AuditEvent) (int, error) {
	st, err := store.Open(ctx, url)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	return NewBox(st, kr).Rotate(ctx, ev)
}
