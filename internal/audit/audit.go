// Package audit verifies and exports soberana's append-only, hash-chained
// audit log and signs checkpoints of its head.
//
// Each event's hash is SHA-256 over a canonical, length-prefixed encoding
// of its fields and the previous event's hash (model.AuditEvent.Canonical),
// so changing, deleting, reordering or inserting a row breaks the chain at
// that row. Whoever can write the database can also recompute every hash,
// so the chain alone proves nothing against its owner: a checkpoint is an
// Ed25519 signature over (seq, hash, time) of the head, made with a key
// kept off the database's disk and published outside the database (a
// checkpoint file on write-once storage, the alert webhooks). Verify checks
// every checkpoint with a public key that comes from outside the database
// and names the first bad event — or the first of a run of missing ones,
// up to the last event a checkpoint or the head row shows existed.
package audit

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Break is the first bad event of the log: the lowest sequence number at
// which the evidence (the chain itself, the chain head row, the signed
// checkpoints) shows a change. A run of deleted events is named by its
// first and last sequence numbers.
type Break struct {
	// Seq is the first bad event. For missing events it is the first
	// missing one; for a rewrite caught by a checkpoint it is the event
	// the checkpoint covers (the rewrite began after Ref).
	Seq int64 `json:"seq"`
	// Through is the last event of a run of missing ones (codes deleted,
	// truncated, truncated-checkpoint); 0 otherwise.
	Through int64 `json:"through,omitempty"`
	// Code says what is wrong (the Code* constants); Reason says it in
	// English and Message in the reader's language.
	Code   string `json:"code"`
	Reason string `json:"reason"`
	// Ref is the other sequence number the finding rests on: the event
	// after a rewritten one, the chain head's, a checkpoint's, the last
	// event of the log, or the last checkpoint that still matched.
	Ref int64 `json:"ref,omitempty"`
	// KeyID is the key that signed a checkpoint the public key rejects.
	KeyID string `json:"key_id,omitempty"`
}

func (b *Break) Error() string { return b.Message(i18n.EN) }

// Message renders the finding in lang.
func (b *Break) Message(lang i18n.Lang) string {
	var args []any
	switch b.Code {
	case CodeModified, CodeOrder, CodeUnlinked, CodeHeadHash:
		args = []any{b.Seq}
	case CodeRewritten:
		args = []any{b.Seq, b.Ref}
	case CodeDeleted:
		args = []any{seqRange(b.Seq, b.Through), b.Through + 1}
	case CodeTruncated, CodeTruncatedCheckpoint:
		args = []any{seqRange(b.Seq, b.Through), b.Ref, b.Seq - 1}
	case CodeBeyondHead:
		args = []any{b.Seq, b.Ref}
	case CodeNoHead:
		args = []any{b.Ref}
	case CodeCheckpoint:
		args = []any{b.Seq, b.Ref}
	case CodeSignature:
		args = []any{b.Seq, b.KeyID}
	}
	key := "audit.break." + b.Code
	switch {
	case b.Through != 0 && b.Through == b.Seq:
		key += ".one" // one event missing
	case b.Code == CodeCheckpoint && b.Ref == 0:
		key += ".none" // no earlier checkpoint matched
		args = []any{b.Seq}
	}
	return i18n.T(lang, key, args...)
}

func seqRange(from, through int64) string {
	if through <= from {
		return strconv.FormatInt(from, 10)
	}
	return strconv.FormatInt(from, 10) + "–" + strconv.FormatInt(through, 10)
}

// What a Break found.
const (
	// CodeModified: the event's hash does not cover its contents.
	CodeModified = "modified"
	// CodeRewritten: the event is self-consistent but the next one (Ref)
	// does not link to it: it was rewritten with a recomputed hash, or
	// inserted.
	CodeRewritten = "rewritten"
	// CodeUnlinked: the event does not link to the one before it, which a
	// checkpoint vouches for (or it is the first event): its link changed.
	CodeUnlinked = "unlinked"
	// CodeOrder: a sequence number out of order or duplicated.
	CodeOrder = "order"
	// CodeDeleted: events Seq–Through are missing from the middle.
	CodeDeleted = "deleted"
	// CodeTruncated: the chain head (Ref) names events the log lacks.
	CodeTruncated = "truncated"
	// CodeTruncatedCheckpoint: a signed checkpoint (Ref) covers events the
	// log lacks.
	CodeTruncatedCheckpoint = "truncated-checkpoint"
	// CodeBeyondHead: events from Seq on lie past the chain head (Ref).
	CodeBeyondHead = "beyond-head"
	// CodeHeadHash: the chain head records another hash for its event.
	CodeHeadHash = "head-hash"
	// CodeNoHead: the chain head row is gone; the log ends at Ref.
	CodeNoHead = "no-head"
	// CodeCheckpoint: the event differs from a signed checkpoint of it.
	CodeCheckpoint = "checkpoint"
	// CodeSignature: a checkpoint of event Seq is not signed by the
	// configured public key (forged, or re-signed with another key).
	CodeSignature = "signature"
)

// ErrNoPublicKey is a verification asked for without the public key that
// checks the checkpoints: without it, whoever can write the database can
// also write checkpoints, and "ok" would mean nothing.
var ErrNoPublicKey = errors.New("audit: no public key to check the checkpoints with")

func newBreak(b Break) *Break {
	b.Reason = b.Message(i18n.EN)
	return &b
}

// Report is the result of a verification.
type Report struct {
	Events      int64  `json:"events"`
	LastSeq     int64  `json:"last_seq"`
	LastHash    string `json:"last_hash"`
	Checkpoints int    `json:"checkpoints_checked"`
	// Covered is the last event a signed checkpoint vouches for; events
	// after it rest on the database alone until the next checkpoint.
	Covered int64 `json:"covered"`
	// Break is nil when the log holds.
	Break *Break `json:"break,omitempty"`
}

// Head is the chain head row as the database holds it.
type Head struct {
	Seq  int64
	Hash string
	// Missing: the row is gone (it is created with the table and never
	// deleted).
	Missing bool
}

// Walker checks events one by one, in order.
type Walker struct {
	prevSeq  int64
	prevHash string
	// prevPrevHash is the hash of the event before the previous one.
	prevPrevHash string
	n            int64
	cps          map[int64][]model.AuditCheckpoint
	maxCp        int64
	matched      int64
	checked      int
}

// NewWalker starts a walk from the beginning of the log; the checkpoints
// must have been signature-checked (SplitCheckpoints).
func NewWalker(cps []model.AuditCheckpoint) *Walker {
	w := &Walker{cps: map[int64][]model.AuditCheckpoint{}}
	for _, c := range cps {
		w.cps[c.Seq] = append(w.cps[c.Seq], c)
		w.maxCp = max(w.maxCp, c.Seq)
	}
	return w
}

// Next checks one event and returns the first failure, or nil.
func (w *Walker) Next(e model.AuditEvent) *Break {
	switch {
	case e.Seq <= w.prevSeq:
		return newBreak(Break{Seq: e.Seq, Code: CodeOrder})
	case e.Seq != w.prevSeq+1:
		return newBreak(Break{Seq: w.prevSeq + 1, Through: e.Seq - 1, Code: CodeDeleted})
	case e.PrevHash != w.prevHash && e.PrevHash == w.prevPrevHash && e.PrevHash != "":
		// e links to the event two back: the one before it was put in.
		return newBreak(Break{Seq: w.prevSeq, Ref: e.Seq, Code: CodeRewritten})
	case e.ComputeHash() != e.Hash:
		return newBreak(Break{Seq: e.Seq, Code: CodeModified})
	case e.PrevHash != w.prevHash:
		// Event e is self-consistent, so either the event before it was
		// rewritten (hash recomputed) or inserted, or e's own link was
		// changed. A checkpoint of the event before settles it.
		if e.Seq == 1 || w.matched == w.prevSeq {
			return newBreak(Break{Seq: e.Seq, Code: CodeUnlinked})
		}
		return newBreak(Break{Seq: w.prevSeq, Ref: e.Seq, Code: CodeRewritten})
	}
	if cs := w.cps[e.Seq]; len(cs) > 0 {
		for _, c := range cs {
			if c.Hash != e.Hash {
				return newBreak(Break{Seq: e.Seq, Ref: w.matched, Code: CodeCheckpoint})
			}
		}
		w.checked += len(cs)
		w.matched = e.Seq
	}
	w.prevSeq, w.prevHash, w.prevPrevHash = e.Seq, e.Hash, w.prevHash
	w.n++
	return nil
}

// Finish checks the end of the walk against the chain head (nil: no head
// to compare, as for an export) and the checkpoints past the last event.
func (w *Walker) Finish(head *Head) *Break {
	last := w.prevSeq
	var found *Break
	// Keep the lowest sequence number; on a tie the longer run of missing
	// events, then the first found, so that signed evidence goes first.
	take := func(b Break) {
		if found == nil || b.Seq < found.Seq || (b.Seq == found.Seq && b.Through > found.Through) {
			found = newBreak(b)
		}
	}
	if w.maxCp > last {
		take(Break{Seq: last + 1, Through: w.maxCp, Ref: w.maxCp, Code: CodeTruncatedCheckpoint})
	}
	if head != nil {
		switch {
		case head.Missing:
			take(Break{Seq: last + 1, Ref: last, Code: CodeNoHead})
		case head.Seq > last:
			take(Break{Seq: last + 1, Through: head.Seq, Ref: head.Seq, Code: CodeTruncated})
		case head.Seq < last:
			take(Break{Seq: head.Seq + 1, Ref: head.Seq, Code: CodeBeyondHead})
		case head.Hash != w.prevHash:
			take(Break{Seq: last, Code: CodeHeadHash})
		}
	}
	return found
}

func (w *Walker) report(b *Break) Report {
	return Report{Events: w.n, LastSeq: w.prevSeq, LastHash: w.prevHash, Checkpoints: w.checked, Covered: w.matched, Break: b}
}

// SplitCheckpoints checks every checkpoint's signature with the public
// keys (one verifying it is enough: a key rotated out still vouches for
// what it signed): good are the valid ones; bad is the lowest-sequence
// checkpoint that fails (nil when all hold).
func SplitCheckpoints(keys []ed25519.PublicKey, cps []model.AuditCheckpoint) (good []model.AuditCheckpoint, bad *Break) {
	for _, c := range cps {
		ok := false
		for _, pub := range keys {
			ok = ok || VerifyCheckpoint(pub, c)
		}
		if ok {
			good = append(good, c)
			continue
		}
		if bad == nil || c.Seq < bad.Seq {
			bad = newBreak(Break{Seq: c.Seq, KeyID: c.KeyID, Code: CodeSignature})
		}
	}
	return good, bad
}

func checkKeys(keys []ed25519.PublicKey) error {
	if len(keys) == 0 {
		return ErrNoPublicKey
	}
	for _, k := range keys {
		if len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: a key of %d bytes is not an Ed25519 public key", ErrNoPublicKey, len(k))
		}
	}
	return nil
}

// earliest returns the break with the lower sequence number (a on a tie).
func earliest(a, b *Break) *Break {
	if a == nil || (b != nil && b.Seq < a.Seq) {
		return b
	}
	return a
}

// Verify walks the whole log in the database and names the first bad
// event. Every checkpoint — those stored beside the log and the external
// copies (a checkpoint file, webhook deliveries) — must verify with one
// of the public keys, which must come from outside the database; without
// one Verify returns ErrNoPublicKey.
func Verify(ctx context.Context, st *store.Store, keys []ed25519.PublicKey, external ...model.AuditCheckpoint) (Report, error) {
	if err := checkKeys(keys); err != nil {
		return Report{}, err
	}
	cps, err := st.Read().AuditCheckpoints(ctx)
	if err != nil {
		return Report{}, err
	}
	good, bad := SplitCheckpoints(keys, append(cps, external...))
	rep, err := walkStore(ctx, st, NewWalker(good))
	rep.Break = earliest(rep.Break, bad)
	return rep, err
}

// CheckChain walks the log in the database against itself and its head
// row only, without checkpoints. It finds accidents and careless edits,
// not a rewrite by whoever can write the database: that needs Verify.
func CheckChain(ctx context.Context, st *store.Store) (Report, error) {
	return walkStore(ctx, st, NewWalker(nil))
}

func walkStore(ctx context.Context, st *store.Store, w *Walker) (Report, error) {
	tx := st.Read()
	var head Head
	// The head is read after the events: an append moves both in one
	// transaction, so on a live server the head can only be ahead of the
	// walk, never behind it. When it is ahead, the events appended
	// meanwhile are read before anything is called missing.
	for round := 0; ; round++ {
		read := 0
		for {
			// Walk by position, not by seq range, so that a reordered or
			// duplicated seq shows up.
			evs, err := tx.AuditEvents(ctx, store.AuditFilter{After: w.prevSeq, Limit: 1000})
			if err != nil {
				return Report{}, err
			}
			for _, e := range evs {
				if b := w.Next(e); b != nil {
					return w.report(b), nil
				}
			}
			read += len(evs)
			if len(evs) < 1000 {
				break
			}
		}
		seq, hash, err := tx.AuditHead(ctx)
		switch {
		case errors.Is(err, store.ErrNotFound):
			head = Head{Missing: true}
		case err != nil:
			return Report{}, err
		default:
			head = Head{Seq: seq, Hash: hash}
		}
		// Stop when the walk has caught up with the head, or when a round
		// read nothing although the head is ahead (those events are gone:
		// an append moves both in one transaction). A log that keeps
		// growing is chased as long as every round makes progress; the
		// cap only bounds a pathological writer.
		if head.Missing || head.Seq <= w.prevSeq || (round > 0 && read == 0) || round == 10000 {
			break
		}
	}
	return w.report(w.Finish(&head)), nil
}

// Event is one event of the audit chain, as stored, exported and served.
type Event = model.AuditEvent

// SignedCheckpoint is a signed checkpoint of the chain head, as stored and
// published.
type SignedCheckpoint = model.AuditCheckpoint

// VerifyDatabase opens the database at url (postgres://… or an SQLite
// file) and verifies its chain and checkpoints (Verify): `audit verify
// --database-url`, which reads and never writes.
func VerifyDatabase(ctx context.Context, url string, keys []ed25519.PublicKey, external ...model.AuditCheckpoint) (Report, error) {
	st, err := store.Open(ctx, url)
	if err != nil {
		return Report{}, err
	}
	defer st.Close()
	return Verify(ctx, st, keys, external...)
}

// Pager reads the chain a page at a time: the events after cursor (""
// for the start) in chain order, and the cursor of the next page ("" when
// there is none).
type Pager func(ctx context.Context, cursor string) ([]Event, string, error)

// StorePages pages st's chain from the event after seq after.
func StorePages(st *store.Store, after int64) Pager {
	return func(ctx context.Context, cursor string) ([]Event, string, error) {
		from := after
		if cursor != "" {
			n, err := strconv.ParseInt(cursor, 10, 64)
			if err != nil {
				return nil, "", err
			}
			from = n
		}
		evs, err := st.Read().AuditEvents(ctx, store.AuditFilter{After: from, Limit: 1000})
		if err != nil || len(evs) < 1000 {
			return evs, "", err
		}
		return evs, strconv.FormatInt(evs[len(evs)-1].Seq, 10), nil
	}
}

// Export writes the events next reads as JSON Lines, in chain order: from
// the database (StorePages) or from the API (the CLI's pager of GET
// /v1/audit), the same lines either way.
func Export(ctx context.Context, next Pager, out io.Writer) (int64, error) {
	bw := bufio.NewWriter(out)
	enc := json.NewEncoder(bw)
	var n int64
	cursor := ""
	for {
		evs, c, err := next(ctx, cursor)
		if err != nil {
			return n, err
		}
		for _, e := range evs {
			if err := enc.Encode(e); err != nil {
				return n, err
			}
			n++
		}
		if c == "" {
			return n, bw.Flush()
		}
		cursor = c
	}
}

// VerifyExport walks a JSON Lines export (from its first event) offline,
// comparing it with checkpoints whose signatures must verify with one of
// the public keys (ErrNoPublicKey without one). Events after the export's
// last one are unknown to it: only the checkpoints can show that a tail is
// missing.
func VerifyExport(r io.Reader, keys []ed25519.PublicKey, cps []model.AuditCheckpoint) (Report, error) {
	if err := checkKeys(keys); err != nil {
		return Report{}, err
	}
	good, bad := SplitCheckpoints(keys, cps)
	w := NewWalker(good)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e model.AuditEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return w.report(nil), fmt.Errorf("line %d: %w", line, err)
		}
		if b := w.Next(e); b != nil {
			return w.report(earliest(b, bad)), nil
		}
	}
	if err := sc.Err(); err != nil {
		return w.report(nil), err
	}
	return w.report(earliest(w.Finish(nil), bad)), nil
}

// CheckpointMessage is the byte string a checkpoint signs.
func CheckpointMessage(seq int64, hash string, at time.Time) []byte {
	return []byte("soberana-audit-checkpoint-v1\n" + strconv.FormatInt(seq, 10) + "\n" + hash + "\n" +
		strconv.FormatInt(at.UTC().UnixMicro(), 10) + "\n")
}

// KeyID names a public key: the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// VerifyCheckpoint checks a checkpoint's signature.
func VerifyCheckpoint(pub ed25519.PublicKey, c model.AuditCheckpoint) bool {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return false
	}
	return c.KeyID == KeyID(pub) && ed25519.Verify(pub, CheckpointMessage(c.Seq, c.Hash, c.At), sig)
}

// Checkpoint signs the current chain head and stores the checkpoint; it
// does nothing when the log is empty or the head already has one. Each
// publish function runs in the same transaction with the new checkpoint
// (queueing it for delivery outside the database commits with it).
func Checkpoint(ctx context.Context, st *store.Store, key ed25519.PrivateKey, now time.Time,
	publish ...func(context.Context, *store.Tx, model.AuditCheckpoint) error) (model.AuditCheckpoint, bool, error) {
	var (
		c     model.AuditCheckpoint
		wrote bool
	)
	// The checkpoint covers every event committed before it was asked for.
	if err := st.SealAudit(ctx); err != nil {
		return c, false, err
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		seq, hash, err := tx.AuditHead(ctx)
		if err != nil || seq == 0 {
			return err
		}
		cps, err := tx.AuditCheckpoints(ctx)
		if err != nil {
			return err
		}
		if len(cps) > 0 && cps[len(cps)-1].Seq == seq {
			return nil
		}
		at := now.UTC().Truncate(time.Microsecond)
		c = model.AuditCheckpoint{Seq: seq, Hash: hash, At: at, KeyID: KeyID(key.Public().(ed25519.PublicKey)),
			Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, CheckpointMessage(seq, hash, at)))}
		wrote = true
		if err := tx.PutAuditCheckpoint(ctx, c); err != nil {
			return err
		}
		for _, p := range publish {
			if err := p(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	return c, wrote, err
}
