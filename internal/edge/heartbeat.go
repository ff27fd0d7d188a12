package edge

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
)

// Subject is the NATS subject an agent publishes on: edge.hb.<subcloud>.
// soberana subscribes to edge.hb.> (docs/edge.md).
const (
	SubjectPrefix = "edge.hb."
	SubjectAll    = "edge.hb.>"
)

// Heartbeat is what an agent pushes every interval: who, when, a counter
// that only grows, and the site's capacity and use.
type Heartbeat struct {
	Subcloud string         `json:"subcloud"`
	Seq      uint64         `json:"seq"`
	SentAt   int64          `json:"sent_at"` // Unix microseconds
	Capacity model.Capacity `json:"capacity"`
	Used     model.Capacity `json:"used"`
}

// Envelope is a heartbeat with its Ed25519 signature over Body.
type Envelope struct {
	Body []byte `json:"body"`
	Sig  []byte `json:"sig"`
}

// Sign returns the wire form of hb signed with the subcloud's key seed
// (base64, as the import handed it out).
func Sign(hb Heartbeat, seedB64 string) ([]byte, error) {
	seed, err := base64.StdEncoding.DecodeString(seedB64)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errors.New("the subcloud's private key is not a base64 Ed25519 seed")
	}
	body, err := json.Marshal(hb)
	if err != nil {
		return nil, err
	}
	return json.Marshal(Envelope{Body: body, Sig: ed25519.Sign(ed25519.NewKeyFromSeed(seed), body)})
}

// Why a heartbeat was rejected (the label of the rejection counter).
const (
	RejectMalformed = "malformed"
	RejectUnknown   = "unknown"
	RejectRevoked   = "revoked"
	RejectSignature = "signature"
	RejectReplay    = "replay"
	RejectSubject   = "subject"
)

// RejectError is a heartbeat refused for Reason.
type RejectError struct{ Reason, Subcloud string }

func (e *RejectError) Error() string {
	return fmt.Sprintf("heartbeat rejected (%s) from subcloud %q", e.Reason, e.Subcloud)
}

// Explain says why the heartbeat was refused and what to do, in lang.
func (e *RejectError) Explain(lang i18n.Lang) string {
	if e.Reason == RejectMalformed {
		return i18n.T(lang, "edge.reject."+e.Reason, "")
	}
	return i18n.T(lang, "edge.reject."+e.Reason, e.Subcloud)
}

// Rejection is the tracker's answer to a refused heartbeat published with
// a reply subject (Agent.Beat sets one): why, in the language the agent
// named in its HeaderLanguage header. Accepted beats get no answer, and
// neither do replays (a reconnecting agent resends its buffer).
type Rejection struct {
	Reason   string `json:"reason"`
	Subcloud string `json:"subcloud,omitempty"`
	Message  string `json:"message"`
}

// HeaderLanguage is the NATS message header an agent names its language
// in (es, pt-BR or en).
const HeaderLanguage = "Accept-Language"

// Verify opens a heartbeat published on subject, checking it against the
// subcloud's public key (keys: subcloud id → base64 key, revoked). The
// subject must name the subcloud the body names, so that a site cannot
// speak for another.
func Verify(subject string, data []byte, lookup func(id string) (pub string, revoked, ok bool)) (Heartbeat, error) {
	return verify(subject, data, func(id string) (ed25519.PublicKey, bool, bool) {
		pub, revoked, ok := lookup(id)
		if !ok || revoked {
			return nil, revoked, ok
		}
		return decodeKey(pub), false, true
	})
}

// decodeKey is a base64 Ed25519 public key's bytes, nil when it is not one
// (every signature then fails).
func decodeKey(pub string) ed25519.PublicKey {
	key, err := base64.StdEncoding.DecodeString(pub)
	if err != nil || len(key) != ed25519.PublicKeySize {
		return nil
	}
	return ed25519.PublicKey(key)
}

// verify is Verify with the subcloud's key already decoded (the tracker
// decodes each key once, not once a beat).
func verify(subject string, data []byte, lookup func(id string) (key ed25519.PublicKey, revoked, ok bool)) (Heartbeat, error) {
	var env Envelope
	var hb Heartbeat
	if err := json.Unmarshal(data, &env); err != nil || len(env.Sig) != ed25519.SignatureSize {
		return hb, &RejectError{Reason: RejectMalformed}
	}
	if err := json.Unmarshal(env.Body, &hb); err != nil {
		return hb, &RejectError{Reason: RejectMalformed}
	}
	if subject != SubjectPrefix+hb.Subcloud {
		return hb, &RejectError{Reason: RejectSubject, Subcloud: hb.Subcloud}
	}
	key, revoked, ok := lookup(hb.Subcloud)
	if !ok {
		return hb, &RejectError{Reason: RejectUnknown, Subcloud: hb.Subcloud}
	}
	// The signature first: a revoked subcloud's beat signed with another
	// key may carry a reissued credential the caller has not read yet.
	if len(key) != ed25519.PublicKeySize || !ed25519.Verify(key, env.Body, env.Sig) {
		return hb, &RejectError{Reason: RejectSignature, Subcloud: hb.Subcloud}
	}
	if revoked {
		return hb, &RejectError{Reason: RejectRevoked, Subcloud: hb.Subcloud}
	}
	return hb, nil
}

// SentTime is when the agent sent hb.
func (hb Heartbeat) SentTime() time.Time { return time.UnixMicro(hb.SentAt) }

func (hb Heartbeat) String() string { return hb.Subcloud + "#" + strconv.FormatUint(hb.Seq, 10) }
