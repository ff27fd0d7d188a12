package sshca

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// Where the CA's private key is sealed in the secrets table.
const (
	SecretOwner = "institution"
	SecretName  = "ssh-ca"
)

// MaxTTL is the longest validity of a certificate.
const MaxTTL = time.Hour

// Backdate is how far before the moment of issue a certificate starts, so
// that a machine whose clock is a little behind accepts it at once; the
// whole window still lasts at most MaxTTL.
const Backdate = time.Minute

// Errors.
var (
	// ErrNoSecretsKey: no secrets key is configured, so no CA private
	// key can be sealed or opened.
	ErrNoSecretsKey = errors.New("sshca: no secrets key configured")
	// ErrAccessEnded: the caller's access (grant, token or session) ends
	// before a certificate could be valid.
	ErrAccessEnded = errors.New("sshca: the caller's access has ended")
	// ErrBadKey: the public key is not a usable SSH user key.
	ErrBadKey = errors.New("sshca: not an SSH public key")
)

// Box seals and opens the CA private keys (internal/secrets.Box).
type Box interface {
	Put(ctx context.Context, tx *store.Tx, ownerKind, ownerID, name string, v []byte) error
	Get(ctx context.Context, ownerKind, ownerID, name string) (secrets.Value, error)
}

// Service issues certificates from the institutions' CAs.
type Service struct {
	st  *store.Store
	box func() Box

	mu      sync.Mutex
	signers map[string]ssh.Signer
}

// New returns the service; box returns nil while no secrets key is
// configured (issuing then fails with ErrNoSecretsKey).
func New(st *store.Store, box func() Box) *Service {
	return &Service{st: st, box: box, signers: map[string]ssh.Signer{}}
}

// Now is the service's clock (the store's).
func (s *Service) Now() time.Time { return s.st.Now() }

// Authority returns the institution's CA public key, making the CA on
// first need.
func (s *Service) Authority(ctx context.Context, institutionID string) (ssh.PublicKey, error) {
	sg, err := s.signer(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	return sg.PublicKey(), nil
}

// FirstBoot returns what a new machine of the project needs to trust its
// institution's CA (the files and commands of cloud-init; see Machine).
func (s *Service) FirstBoot(ctx context.Context, institutionID, projectID string) ([]File, []string, error) {
	ca, err := s.Authority(ctx, institutionID)
	if err != nil {
		return nil, nil, err
	}
	files, runcmd := Machine(Layout{}, ca, projectID)
	return files, runcmd, nil
}

func (s *Service) signer(ctx context.Context, institutionID string) (ssh.Signer, error) {
	s.mu.Lock()
	sg, ok := s.signers[institutionID]
	s.mu.Unlock()
	if ok {
		return sg, nil
	}
	var box Box
	if s.box != nil {
		box = s.box()
	}
	if box == nil {
		return nil, ErrNoSecretsKey
	}
	if _, err := s.st.Read().SSHCA(ctx, institutionID); errors.Is(err, store.ErrNotFound) {
		if err := s.create(ctx, box, institutionID); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	row, err := s.st.Read().SSHCA(ctx, institutionID)
	if err != nil {
		return nil, err
	}
	seed, err := box.Get(ctx, SecretOwner, institutionID, SecretName)
	if err != nil {
		return nil, fmt.Errorf("opening the SSH CA key of %s: %w", institutionID, err)
	}
	if len(seed.Reveal()) != ed25519.SeedSize {
		return nil, fmt.Errorf("the SSH CA key of %s is not an Ed25519 seed", institutionID)
	}
	sg, err = ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed.Reveal()))
	if err != nil {
		return nil, err
	}
	want, _, _, _, err := ssh.ParseAuthorizedKey([]byte(row.PublicKey))
	if err != nil || string(want.Marshal()) != string(sg.PublicKey().Marshal()) {
		return nil, fmt.Errorf("the SSH CA key of %s does not match its public key", institutionID)
	}
	s.mu.Lock()
	s.signers[institutionID] = sg
	s.mu.Unlock()
	return sg, nil
}

// create makes the institution's CA unless another writer did first; the
// creation is audited under the system actor.
func (s *Service) create(ctx context.Context, box Box, institutionID string) error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	spub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return err
	}
	ev := audit.System("sshca", "ssh-ca.create", "ssh-ca", ssh.FingerprintSHA256(spub))
	ev.InstitutionID = institutionID
	err = audit.Write(ctx, s.st, ev, func(tx *store.Tx, _ *model.AuditEvent) error {
		ok, err := tx.InsertSSHCA(ctx, model.SSHCA{InstitutionID: institutionID, PublicKey: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(spub)))})
		if err != nil {
			return err
		}
		if !ok {
			return errLost
		}
		return box.Put(ctx, tx, SecretOwner, institutionID, SecretName, priv.Seed())
	})
	if errors.Is(err, errLost) {
		return nil
	}
	return err
}

var errLost = errors.New("another writer made the CA")

// ParseUserKey reads one public key in the authorized_keys format (the
// contents of id_ed25519.pub): Ed25519, ECDSA, security keys, or RSA of
// at least 2048 bits; not a certificate.
func ParseUserKey(text string) (ssh.PublicKey, error) {
	k, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(strings.TrimSpace(text)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadKey, err)
	}
	if len(strings.TrimSpace(string(rest))) > 0 {
		return nil, fmt.Errorf("%w: more than one key", ErrBadKey)
	}
	switch k.Type() {
	case ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521, ssh.KeyAlgoSKED25519, ssh.KeyAlgoSKECDSA256:
	case ssh.KeyAlgoRSA:
		if ck, ok := k.(ssh.CryptoPublicKey); ok {
			if rk, ok := ck.CryptoPublicKey().(*rsa.PublicKey); ok && rk.N.BitLen() < 2048 {
				return nil, fmt.Errorf("%w: RSA keys need at least 2048 bits", ErrBadKey)
			}
		}
	default:
		return nil, fmt.Errorf("%w: key type %s is not accepted", ErrBadKey, k.Type())
	}
	return k, nil
}

// IssueRequest asks for a certificate.
type IssueRequest struct {
	InstitutionID, ProjectID, WorkloadID string
	// UserID and UserName name the caller (the certificate's key id).
	UserID, UserName string
	// GrantID is the vendor grant the caller's access comes from (empty:
	// none); revoking it revokes the certificate.
	GrantID   string
	PublicKey ssh.PublicKey
	// NotAfter is when the caller's access ends (grant, token, session);
	// zero: no end of its own.
	NotAfter time.Time
	// TTL shortens the validity (0 or more than MaxTTL: MaxTTL).
	TTL time.Duration
}

// Issued is a certificate and its record.
type Issued struct {
	Certificate *ssh.Certificate
	// Text is the certificate in the authorized_keys format (the
	// contents of id_ed25519-cert.pub).
	Text   string
	Record model.SSHCert
}

// Issue signs a user certificate for the project's principal only, valid
// from Backdate before now for at most TTL and never past NotAfter,
// records it and audits it (serial and key fingerprint) in one
// transaction, as the actor of the request ctx carries.
func (s *Service) Issue(ctx context.Context, req IssueRequest) (Issued, error) {
	var out Issued
	sg, err := s.signer(ctx, req.InstitutionID)
	if err != nil {
		return out, err
	}
	ttl := req.TTL
	if ttl <= 0 || ttl > MaxTTL {
		ttl = MaxTTL
	}
	now := s.Now()
	after := now.Add(-Backdate).Truncate(time.Second)
	before := after.Add(ttl)
	if !req.NotAfter.IsZero() && req.NotAfter.Before(before) {
		before = req.NotAfter.Truncate(time.Second)
	}
	if !before.After(now) {
		return out, ErrAccessEnded
	}
	fp := ssh.FingerprintSHA256(req.PublicKey)
	keyID := fmt.Sprintf("%s (%s) workload %s", req.UserName, req.UserID, req.WorkloadID)
	for attempt := 0; ; attempt++ {
		serial, err := newSerial()
		if err != nil {
			return out, err
		}
		cert := &ssh.Certificate{
			Key: req.PublicKey, Serial: serial, CertType: ssh.UserCert, KeyId: keyID,
			ValidPrincipals: []string{Principal(req.ProjectID)},
			ValidAfter:      uint64(after.Unix()), ValidBefore: uint64(before.Unix()),
			Permissions: ssh.Permissions{Extensions: map[string]string{"permit-pty": "", "permit-port-forwarding": ""}},
		}
		if err := cert.SignCert(rand.Reader, sg); err != nil {
			return out, err
		}
		rec := model.SSHCert{Serial: int64(serial), InstitutionID: req.InstitutionID, ProjectID: req.ProjectID,
			WorkloadID: req.WorkloadID, UserID: req.UserID, KeyID: keyID, KeyFingerprint: fp, Principal: Principal(req.ProjectID),
			GrantID: req.GrantID, ValidAfter: after, ValidBefore: before}
		ev := model.AuditEvent{ActorKind: model.ActorUser, ActorID: req.UserID, ActorName: req.UserName, Action: "ssh-certificate.issue",
			TargetKind: "ssh-certificate", TargetID: fmt.Sprintf("serial:%d key:%s", serial, fp),
			InstitutionID: req.InstitutionID, ProjectID: req.ProjectID, Outcome: audit.OutcomeSuccess, Status: 201}
		audit.ActingAs(ctx, &ev)
		err = audit.Write(ctx, s.st, ev, func(tx *store.Tx, _ *model.AuditEvent) error { return tx.InsertSSHCert(ctx, &rec) })
		if errors.Is(err, store.ErrDuplicate) && attempt < 3 {
			continue
		}
		if err != nil {
			return out, err
		}
		out = Issued{Certificate: cert, Text: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(cert))), Record: rec}
		return out, nil
	}
}

// newSerial is a random positive 63-bit serial (it fits a BIGINT).
func newSerial() (uint64, error) {
	var b [8]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			return 0, err
		}
		if v := binary.BigEndian.Uint64(b[:]) &^ (1 << 63); v != 0 {
			return v, nil
		}
	}
}

// RevocationList returns the institution's KRL (OpenSSH format) and the
// certificates it revokes: those still valid and revoked, directly or by
// the revocation of the grant they derive from.
func (s *Service) RevocationList(ctx context.Context, institutionID string) ([]byte, []model.SSHCert, error) {
	ca, err := s.Authority(ctx, institutionID)
	if err != nil {
		return nil, nil, err
	}
	now := s.Now()
	certs, err := s.st.Read().RevokedSSHCerts(ctx, institutionID, now)
	if err != nil {
		return nil, nil, err
	}
	serials := make([]uint64, len(certs))
	for i, c := range certs {
		serials[i] = uint64(c.Serial)
	}
	krl := KRL(ca, serials, uint64(now.Unix()), now, "soberana SSH CA of institution "+institutionID)
	return krl, certs, nil
}
