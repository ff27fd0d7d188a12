package model

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// AuditEvent is one event of the hash-chained audit log: who (actor)
// did what (action) to which object (target), through which way in (via),
// with what outcome, linked to the event before it by PrevHash.
type AuditEvent struct {
	Seq           int64     `json:"seq"`
	At            time.Time `json:"at"`
	ActorKind     string    `json:"actor_kind"`
	ActorID       string    `json:"actor_id"`
	ActorName     string    `json:"actor_name"`
	Via           string    `json:"via"`
	Action        string    `json:"action"`
	TargetKind    string    `json:"target_kind"`
	TargetID      string    `json:"target_id"`
	InstitutionID string    `json:"institution_id"`
	ProjectID     string    `json:"project_id"`
	RequestID     string    `json:"request_id"`
	SourceIP      string    `json:"source_ip"`
	Outcome       string    `json:"outcome"`
	Status        int64     `json:"status"`
	PrevHash      string    `json:"prev_hash"`
	Hash          string    `json:"hash"`
}

// Actor kinds of an audit event: a person (a session or a personal
// token), a service or deploy token, soberana itself (a failover, a
// migration), an operator at the CLI where the database is, or a caller
// who gave no credentials.
const (
	ActorUser      = "user"
	ActorToken     = "token"
	ActorSystem    = "system"
	ActorOperator  = "operator"
	ActorAnonymous = "anonymous"
)

// ActorKinds lists every actor kind (the OpenAPI enum).
var ActorKinds = []string{ActorUser, ActorToken, ActorSystem, ActorOperator, ActorAnonymous}

// Audit outcomes: the change happened (or the fact was recorded), the
// caller was not allowed, gave no valid credentials, asked for something
// refused (a 4xx), or the server failed (a 5xx).
const (
	OutcomeSuccess         = "success"
	OutcomeDenied          = "denied"
	OutcomeUnauthenticated = "unauthenticated"
	OutcomeRefused         = "refused"
	OutcomeFailed          = "failed"
)

// AuditOutcomes lists every audit outcome (the OpenAPI enum).
var AuditOutcomes = []string{OutcomeSuccess, OutcomeDenied, OutcomeUnauthenticated, OutcomeRefused, OutcomeFailed}

// AuditDomain separates soberana's audit hashes from any other SHA-256 use.
const AuditDomain = "soberana-audit-v1"

// Canonical is the byte string an event's hash covers: the domain, then
// every field but Hash in a fixed order, each as its decimal byte length,
// a colon, the bytes and a newline. Times are microseconds since the epoch.
func (e *AuditEvent) Canonical() []byte {
	fields := []string{
		AuditDomain,
		strconv.FormatInt(e.Seq, 10),
		strconv.FormatInt(e.At.UTC().UnixMicro(), 10),
		e.ActorKind, e.ActorID, e.ActorName, e.Via, e.Action, e.TargetKind, e.TargetID,
		e.InstitutionID, e.ProjectID, e.RequestID, e.SourceIP, e.Outcome,
		strconv.FormatInt(e.Status, 10),
		e.PrevHash,
	}
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// ComputeHash returns hex(SHA-256(Canonical)).
func (e *AuditEvent) ComputeHash() string {
	sum := sha256.Sum256(e.Canonical())
	return hex.EncodeToString(sum[:])
}

// AuditCheckpoint is a signed statement of the chain head at a time.
type AuditCheckpoint struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	At        time.Time `json:"at"`
	KeyID     string    `json:"key_id"`
	Signature string    `json:"signature"`
}
