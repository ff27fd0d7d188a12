// Package audit verifies and exports soberana's append-only, hash-chained
// audit log and signs checkpoints of its head.
//
// Each event's hash is SHA-256 over a canonical, length-prefixed encoding
// of its fields and the previous event's hash (store.AuditEvent.Canonical),
// so changing, deleting, reordering or inserting a row breaks the chain at
// that row. A checkpoint is an Ed25519 signature over (seq, hash, time) of
// the head: someone who holds the public key and an export can verify the
// log without trusting the database, and a rewritten tail no longer
// matches the last checkpoint.
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

	"github.com/soberana/soberana/internal/store"
)

// Break is the first event where the chain does not hold.
type Break struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

func (b *Break) Error() string { return fmt.Sprintf("audit event %d: %s", b.Seq, b.Reason) }

// Reasons a chain breaks.
const (
	ReasonHash       = "its hash does not match its contents (modified)"
	ReasonPrev       = "its prev_hash is not the previous event's hash (inserted, deleted or reordered before it)"
	ReasonGap        = "sequence gap: the event before it is missing (deleted)"
	ReasonOrder      = "sequence out of order (reordered or duplicated)"
	ReasonHead       = "the chain head names another event (the log's tail was deleted or replaced)"
	ReasonCheckpoint = "it does not match a signed checkpoint (rewritten)"
	ReasonSignature  = "a checkpoint's signature is not valid for the public key"
)

// Report is the result of a verification.
type Report struct {
	Events      int64  `json:"events"`
	LastSeq     int64  `json:"last_seq"`
	LastHash    string `json:"last_hash"`
	Checkpoints int    `json:"checkpoints_checked"`
	// Break is nil when the chain holds.
	Break *Break `json:"break,omitempty"`
}

// Walker checks events one by one, in order.
type Walker struct {
	prevSeq  int64
	prevHash string
	n        int64
	cps      map[int64]store.AuditCheckpoint
	checked  int
}

// NewWalker starts a walk from the beginning of the log; checkpoints
// (already signature-checked) are compared on the way.
func NewWalker(cps []store.AuditCheckpoint) *Walker {
	w := &Walker{cps: map[int64]store.AuditCheckpoint{}}
	for _, c := range cps {
		w.cps[c.Seq] = c
	}
	return w
}

// Next checks one event; the first failure is returned as *Break.
func (w *Walker) Next(e store.AuditEvent) error {
	switch {
	case e.Seq <= w.prevSeq:
		return &Break{e.Seq, ReasonOrder}
	case e.Seq != w.prevSeq+1:
		return &Break{e.Seq, ReasonGap}
	case e.PrevHash != w.prevHash:
		return &Break{e.Seq, ReasonPrev}
	case e.ComputeHash() != e.Hash:
		return &Break{e.Seq, ReasonHash}
	}
	if c, ok := w.cps[e.Seq]; ok {
		if c.Hash != e.Hash {
			return &Break{e.Seq, ReasonCheckpoint}
		}
		w.checked++
	}
	w.prevSeq, w.prevHash = e.Seq, e.Hash
	w.n++
	return nil
}

// Finish checks the end of the walk against the chain head (seq 0: no
// head to compare, as for an export) and the checkpoints past the end.
func (w *Walker) Finish(headSeq int64, headHash string) *Break {
	if headSeq != 0 && (headSeq != w.prevSeq || headHash != w.prevHash) {
		seq := w.prevSeq + 1
		if headSeq < w.prevSeq {
			seq = headSeq + 1
		}
		return &Break{seq, ReasonHead}
	}
	for seq := range w.cps {
		if seq > w.prevSeq {
			return &Break{w.prevSeq + 1, ReasonCheckpoint}
		}
	}
	return nil
}

func (w *Walker) report(b *Break) Report {
	return Report{Events: w.n, LastSeq: w.prevSeq, LastHash: w.prevHash, Checkpoints: w.checked, Break: b}
}

// Verify walks the whole log in the database and names the first bad
// event. Checkpoints stored beside it are checked with pub when given.
func Verify(ctx context.Context, st *store.Store, pub ed25519.PublicKey) (Report, error) {
	tx := st.Read()
	cps, err := tx.AuditCheckpoints(ctx)
	if err != nil {
		return Report{}, err
	}
	if pub != nil {
		for _, c := range cps {
			if !VerifyCheckpoint(pub, c) {
				return Report{Break: &Break{c.Seq, ReasonSignature}}, nil
			}
		}
	}
	w := NewWalker(cps)
	var after int64
	for {
		// Walk by position, not by seq range, so that a reordered or
		// duplicated seq shows up.
		evs, err := tx.AuditEvents(ctx, store.AuditFilter{After: after, Limit: 1000})
		if err != nil {
			return Report{}, err
		}
		for _, e := range evs {
			if err := w.Next(e); err != nil {
				var b *Break
				errors.As(err, &b)
				return w.report(b), nil
			}
		}
		if len(evs) < 1000 {
			break
		}
		after = evs[len(evs)-1].Seq
	}
	seq, hash, err := tx.AuditHead(ctx)
	if err != nil {
		return Report{}, err
	}
	return w.report(w.Finish(seq, hash)), nil
}

// Export writes events after seq as JSON Lines, in chain order.
func Export(ctx context.Context, st *store.Store, after int64, out io.Writer) (int64, error) {
	bw := bufio.NewWriter(out)
	enc := json.NewEncoder(bw)
	var n int64
	for {
		evs, err := st.Read().AuditEvents(ctx, store.AuditFilter{After: after, Limit: 1000})
		if err != nil {
			return n, err
		}
		for _, e := range evs {
			if err := enc.Encode(e); err != nil {
				return n, err
			}
			n++
		}
		if len(evs) < 1000 {
			return n, bw.Flush()
		}
		after = evs[len(evs)-1].Seq
	}
}

// VerifyExport walks a JSON Lines export (from its first event) offline,
// comparing it with checkpoints whose signatures are checked with pub.
func VerifyExport(r io.Reader, pub ed25519.PublicKey, cps []store.AuditCheckpoint) (Report, error) {
	if pub != nil {
		for _, c := range cps {
			if !VerifyCheckpoint(pub, c) {
				return Report{Break: &Break{c.Seq, ReasonSignature}}, nil
			}
		}
	}
	w := NewWalker(cps)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e store.AuditEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return w.report(nil), fmt.Errorf("line %d: %w", line, err)
		}
		if err := w.Next(e); err != nil {
			var b *Break
			errors.As(err, &b)
			return w.report(b), nil
		}
	}
	if err := sc.Err(); err != nil {
		return w.report(nil), err
	}
	return w.report(w.Finish(0, "")), nil
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
func VerifyCheckpoint(pub ed25519.PublicKey, c store.AuditCheckpoint) bool {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return false
	}
	return c.KeyID == KeyID(pub) && ed25519.Verify(pub, CheckpointMessage(c.Seq, c.Hash, c.At), sig)
}

// Checkpoint signs the current chain head and stores the checkpoint; it
// does nothing when the log is empty or the head already has one.
func Checkpoint(ctx context.Context, st *store.Store, key ed25519.PrivateKey, now time.Time) (store.AuditCheckpoint, bool, error) {
	var (
		c     store.AuditCheckpoint
		wrote bool
	)
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
		c = store.AuditCheckpoint{Seq: seq, Hash: hash, At: at, KeyID: KeyID(key.Public().(ed25519.PublicKey)),
			Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, CheckpointMessage(seq, hash, at)))}
		wrote = true
		return tx.PutAuditCheckpoint(ctx, c)
	})
	return c, wrote, err
}
