package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// seed appends n events the way requests do: each through InTx with a
// pending event in the context.
func seed(t *testing.T, st *store.Store, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		p := &store.PendingAudit{Event: model.AuditEvent{ActorKind: "user", ActorID: fmt.Sprintf("usr_%d", i),
			Action: "POST /v1/projects", TargetKind: "projects", TargetID: fmt.Sprintf("prj_%d", i), Outcome: "success", Status: 201,
			RequestID: fmt.Sprintf("req%d", i), SourceIP: "192.0.2.7"}}
		ctx := store.WithAudit(context.Background(), p)
		if err := st.InTx(ctx, func(*store.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if !p.Written() {
			t.Fatal("pending event not written")
		}
	}
	// On PostgreSQL the sealer numbers them after commit; the tampering
	// below acts on the sealed log.
	if err := st.SealAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// exec runs q (? placeholders, rebound for PostgreSQL by the store)
// outside a transaction.
func exec(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.Read().Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func verify(t *testing.T, st *store.Store, pub ed25519.PublicKey, external ...model.AuditCheckpoint) audit.Report {
	t.Helper()
	r, err := audit.Verify(context.Background(), st, []ed25519.PublicKey{pub}, external...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func insert(t *testing.T, st *store.Store, e model.AuditEvent) {
	t.Helper()
	exec(t, st, `INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id,
		institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At.UnixMicro(), e.ActorKind, e.ActorID, e.ActorName, e.Via, e.Action, e.TargetKind, e.TargetID,
		e.InstitutionID, e.ProjectID, e.RequestID, e.SourceIP, e.Outcome, e.Status, e.PrevHash, e.Hash)
}

func events(t *testing.T, st *store.Store) []model.AuditEvent {
	t.Helper()
	evs, err := st.Read().AuditEvents(context.Background(), store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// rewriteFrom rewrites every event from seq on the way someone with write
// access to the database would: new contents, hashes recomputed and
// relinked, the head row moved to the new last hash.
func rewriteFrom(t *testing.T, st *store.Store, from int64) {
	t.Helper()
	evs := events(t, st)
	prev := evs[from-2].Hash
	for _, e := range evs[from-1:] {
		e.ActorName, e.PrevHash = "rewritten", prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		exec(t, st, `UPDATE audit_events SET actor_name = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.ActorName, e.PrevHash, e.Hash, e.Seq)
	}
	exec(t, st, `UPDATE audit_head SET hash = ? WHERE id = 1`, prev)
}

// forge appends a self-consistent event after seq-1 without moving the head.
func forge(t *testing.T, st *store.Store, seq int64, prevHash string) model.AuditEvent {
	t.Helper()
	e := model.AuditEvent{Seq: seq, At: time.Now().UTC().Truncate(time.Microsecond), ActorKind: "user", ActorID: "usr_mallory",
		Action: "DELETE /v1/grants/{id}", Outcome: "success", PrevHash: prevHash}
	e.Hash = e.ComputeHash()
	insert(t, st, e)
	return e
}

// resign replaces the stored checkpoints with ones of the rewritten chain
// signed by key.
func resign(t *testing.T, st *store.Store, key ed25519.PrivateKey, seqs ...int64) {
	t.Helper()
	exec(t, st, `DELETE FROM audit_checkpoints`)
	evs := events(t, st)
	for _, seq := range seqs {
		at := time.Now().UTC().Truncate(time.Microsecond)
		c := model.AuditCheckpoint{Seq: seq, Hash: evs[seq-1].Hash, At: at, KeyID: audit.KeyID(key.Public().(ed25519.PublicKey)),
			Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, audit.CheckpointMessage(seq, evs[seq-1].Hash, at)))}
		if err := st.InTx(context.Background(), func(tx *store.Tx) error { return tx.PutAuditCheckpoint(context.Background(), c) }); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTamper changes the audit tables directly, as the database's owner
// could, and checks that verification names the first bad event — or the
// run of missing ones — exactly. The log: events 1–10, signed checkpoints
// of events 4 and 8 in the database and, as published, in a checkpoint
// file outside it.
func TestTamper(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		pub, key, _ := ed25519.GenerateKey(rand.Reader)
		_, mallory, _ := ed25519.GenerateKey(rand.Reader)
		type want struct {
			seq, through int64
			code         string
		}
		cases := []struct {
			name   string
			tamper func(t *testing.T, st *store.Store)
			// file: verify with the checkpoint file too.
			file bool
			want want
		}{
			{"intact", func(*testing.T, *store.Store) {}, false, want{}},
			{"intact, with the checkpoint file", func(*testing.T, *store.Store) {}, true, want{}},
			{"edit one row", func(t *testing.T, st *store.Store) {
				exec(t, st, `UPDATE audit_events SET outcome = 'denied' WHERE seq = 3`)
			}, false, want{3, 0, audit.CodeModified}},
			{"edit one row and recompute its hash", func(t *testing.T, st *store.Store) {
				e := events(t, st)[2]
				e.ActorID = "usr_mallory"
				exec(t, st, `UPDATE audit_events SET actor_id = ?, hash = ? WHERE seq = 3`, e.ActorID, e.ComputeHash())
			}, false, want{3, 0, audit.CodeRewritten}},
			{"edit the link of the event after a checkpoint", func(t *testing.T, st *store.Store) {
				e := events(t, st)[4]
				e.PrevHash = strings.Repeat("0", 64)
				exec(t, st, `UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = 5`, e.PrevHash, e.ComputeHash())
			}, false, want{5, 0, audit.CodeUnlinked}},
			{"edit the head row's hash only", func(t *testing.T, st *store.Store) {
				exec(t, st, `UPDATE audit_head SET hash = ? WHERE id = 1`, strings.Repeat("0", 64))
			}, false, want{10, 0, audit.CodeHeadHash}},
			{"edit the head row's seq forward", func(t *testing.T, st *store.Store) {
				exec(t, st, `UPDATE audit_head SET seq = 12 WHERE id = 1`)
			}, false, want{11, 12, audit.CodeTruncated}},
			{"move the head row back", func(t *testing.T, st *store.Store) {
				exec(t, st, `UPDATE audit_head SET seq = 7, hash = ? WHERE id = 1`, events(t, st)[6].Hash)
			}, false, want{8, 0, audit.CodeBeyondHead}},
			{"delete the head event", func(t *testing.T, st *store.Store) {
				exec(t, st, `DELETE FROM audit_events WHERE seq = 10`)
			}, false, want{10, 10, audit.CodeTruncated}},
			{"delete the head row", func(t *testing.T, st *store.Store) {
				exec(t, st, `DELETE FROM audit_head`)
			}, false, want{11, 0, audit.CodeNoHead}},
			{"delete every event (empty table)", func(t *testing.T, st *store.Store) {
				exec(t, st, `DELETE FROM audit_events`)
			}, false, want{1, 10, audit.CodeTruncated}},
			{"delete every event, the head row and the checkpoints", func(t *testing.T, st *store.Store) {
				exec(t, st, `DELETE FROM audit_events`)
				exec(t, st, `DELETE FROM audit_head`)
				exec(t, st, `DELETE FROM audit_checkpoints`)
			}, false, want{1, 0, audit.CodeNoHead}},
			{"delete every event, the head row and the checkpoints; the file remains", func(t *testing.T, st *store.Store) {
				exec(t, st, `DELETE FROM audit_events`)
				exec(t, st, `DELETE FROM audit_head`)
				exec(t, st, `DELETE FROM audit_checkpoints`)
			}, true, want{1, 8, audit.CodeTruncatedCheckpoint}},
			{"empty the log and reset the head as if new; the file remains", func(t *testing.T, st *store.Store) {
				exec(t, st, `DELETE FROM audit_events`)
				exec(t, st, `DELETE FROM audit_checkpoints`)
				exec(t, st, `UPDATE audit_head SET seq = 0, hash = '' WHERE id = 1`)
			}, true, want{1, 8, audit.CodeTruncatedCheckpoint}},
			{"truncate the tail and move the head back", func(t *testing.T, st *store.Store) {
				h := events(t, st)[5].Hash
				exec(t, st, `DELETE FROM audit_events WHERE seq > 6`)
				exec(t, st, `UPDATE audit_head SET seq = 6, hash = ? WHERE id = 1`, h)
			}, false, want{7, 8, audit.CodeTruncatedCheckpoint}},
			{"truncate the tail, move the head back, drop the checkpoints; the file remains", func(t *testing.T, st *store.Store) {
				h := events(t, st)[5].Hash
				exec(t, st, `DELETE FROM audit_events WHERE seq > 6`)
				exec(t, st, `UPDATE audit_head SET seq = 6, hash = ? WHERE id = 1`, h)
				exec(t, st, `DELETE FROM audit_checkpoints`)
			}, true, want{7, 8, audit.CodeTruncatedCheckpoint}},
			{"delete a middle event", func(t *testing.T, st *store.Store) {
				exec(t, st, `DELETE FROM audit_events WHERE seq = 5`)
			}, false, want{5, 5, audit.CodeDeleted}},
			{"delete the first events", func(t *testing.T, st *store.Store) {
				exec(t, st, `DELETE FROM audit_events WHERE seq <= 2`)
			}, false, want{1, 2, audit.CodeDeleted}},
			{"reorder two", func(t *testing.T, st *store.Store) {
				exec(t, st, `UPDATE audit_events SET seq = 100 WHERE seq = 2`)
				exec(t, st, `UPDATE audit_events SET seq = 2 WHERE seq = 3`)
				exec(t, st, `UPDATE audit_events SET seq = 3 WHERE seq = 100`)
			}, false, want{2, 0, audit.CodeModified}},
			{"insert in the middle", func(t *testing.T, st *store.Store) {
				for s := 10; s >= 3; s-- {
					exec(t, st, `UPDATE audit_events SET seq = ? WHERE seq = ?`, s+1, s)
				}
				forge(t, st, 3, events(t, st)[1].Hash)
			}, false, want{3, 0, audit.CodeRewritten}},
			{"append behind the head's back", func(t *testing.T, st *store.Store) {
				forge(t, st, 11, events(t, st)[9].Hash)
			}, false, want{11, 0, audit.CodeBeyondHead}},
			{"full rewrite, hashes recomputed, checkpoint rows updated", func(t *testing.T, st *store.Store) {
				rewriteFrom(t, st, 2)
				evs := events(t, st)
				exec(t, st, `UPDATE audit_checkpoints SET hash = ? WHERE seq = 4`, evs[3].Hash)
				exec(t, st, `UPDATE audit_checkpoints SET hash = ? WHERE seq = 8`, evs[7].Hash)
			}, false, want{4, 0, audit.CodeSignature}},
			{"full rewrite re-signed with another key", func(t *testing.T, st *store.Store) {
				rewriteFrom(t, st, 2)
				resign(t, st, mallory, 4, 8, 10)
			}, false, want{4, 0, audit.CodeSignature}},
			{"full rewrite re-signed with another key; the file remains", func(t *testing.T, st *store.Store) {
				rewriteFrom(t, st, 2)
				resign(t, st, mallory, 4, 8, 10)
			}, true, want{4, 0, audit.CodeCheckpoint}},
			{"rewrite after a checkpoint, checkpoints dropped; the file remains", func(t *testing.T, st *store.Store) {
				rewriteFrom(t, st, 6)
				exec(t, st, `DELETE FROM audit_checkpoints`)
			}, true, want{8, 0, audit.CodeCheckpoint}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				exec(t, st, `DELETE FROM audit_events`)
				exec(t, st, `DELETE FROM audit_checkpoints`)
				exec(t, st, `DELETE FROM audit_head`)
				exec(t, st, `INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '')`)
				file := filepath.Join(t.TempDir(), "checkpoints.jsonl")
				for _, n := range []int{4, 4, 2} {
					seed(t, st, n)
					if n == 2 {
						break
					}
					cp, wrote, err := audit.Checkpoint(ctx, st, key, time.Now())
					if err != nil || !wrote {
						t.Fatalf("checkpoint: %v %v", wrote, err)
					}
					if err := audit.AppendCheckpointFile(file, cp); err != nil {
						t.Fatal(err)
					}
				}
				c.tamper(t, st)
				var external []model.AuditCheckpoint
				if c.file {
					var err error
					if external, err = audit.ReadCheckpointFile(file); err != nil || len(external) != 2 {
						t.Fatalf("checkpoint file: %d %v", len(external), err)
					}
				}
				r := verify(t, st, pub, external...)
				if c.want.code == "" {
					if r.Break != nil || r.Events != 10 || r.Covered != 8 || r.Checkpoints != 2+len(external) {
						t.Fatalf("intact log: %+v %+v", r, r.Break)
					}
					return
				}
				if r.Break == nil || r.Break.Seq != c.want.seq || r.Break.Through != c.want.through || r.Break.Code != c.want.code {
					t.Fatalf("got break %+v, want event %d (through %d): %s", r.Break, c.want.seq, c.want.through, c.want.code)
				}
				if r.Break.Reason == "" || strings.HasPrefix(r.Break.Reason, "audit.break.") || strings.Contains(r.Break.Reason, "%!") {
					t.Fatalf("reason not rendered: %q", r.Break.Reason)
				}
			})
		}
		if _, err := audit.Verify(ctx, st, nil); !errors.Is(err, audit.ErrNoPublicKey) {
			t.Fatalf("verify without a public key: %v", err)
		}
	})
}

// TestCheckpoints: a signed checkpoint lets an outside party verify an
// export without the database.
func TestCheckpoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		pub, key, _ := ed25519.GenerateKey(rand.Reader)
		seed(t, st, 4)
		c, wrote, err := audit.Checkpoint(ctx, st, key, time.Now())
		if err != nil || !wrote || c.Seq != 4 {
			t.Fatalf("checkpoint: %+v %v %v", c, wrote, err)
		}
		if _, again, _ := audit.Checkpoint(ctx, st, key, time.Now()); again {
			t.Fatal("a second checkpoint of the same head")
		}
		seed(t, st, 2)
		if r := verify(t, st, pub); r.Break != nil || r.Checkpoints != 1 || r.Events != 6 || r.Covered != 4 {
			t.Fatalf("intact: %+v %+v", r, r.Break)
		}
		// Offline: export + checkpoints + public key.
		var buf bytes.Buffer
		if n, err := audit.Export(ctx, audit.StorePages(st, 0), &buf); err != nil || n != 6 {
			t.Fatalf("export: %d %v", n, err)
		}
		cps, _ := st.Read().AuditCheckpoints(ctx)
		r, err := audit.VerifyExport(bytes.NewReader(buf.Bytes()), []ed25519.PublicKey{pub}, cps)
		if err != nil || r.Break != nil || r.Checkpoints != 1 {
			t.Fatalf("offline: %+v %v", r, err)
		}
		other, _, _ := ed25519.GenerateKey(rand.Reader)
		if r, _ := audit.VerifyExport(bytes.NewReader(buf.Bytes()), []ed25519.PublicKey{other}, cps); r.Break == nil || r.Break.Code != audit.CodeSignature {
			t.Fatalf("wrong key accepted: %+v", r)
		}
		if _, err := audit.VerifyExport(bytes.NewReader(buf.Bytes()), nil, cps); !errors.Is(err, audit.ErrNoPublicKey) {
			t.Fatalf("offline without a public key: %v", err)
		}
		// An export cut before a checkpoint names the missing events.
		lines := bytes.SplitAfter(buf.Bytes(), []byte("\n"))
		r, err = audit.VerifyExport(bytes.NewReader(bytes.Join(lines[:2], nil)), []ed25519.PublicKey{pub}, cps)
		if err != nil || r.Break == nil || r.Break.Seq != 3 || r.Break.Through != 4 || r.Break.Code != audit.CodeTruncatedCheckpoint {
			t.Fatalf("cut export: %+v %v", r.Break, err)
		}
	})
}

// TestReadCheckpoints reads the three shapes a checkpoint copy comes in:
// the API's JSON array, the checkpoint file's lines, a webhook's bodies.
func TestReadCheckpoints(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	want := []model.AuditCheckpoint{{Seq: 4, Hash: "h4", At: at, KeyID: "k", Signature: "s4"}, {Seq: 8, Hash: "h8", At: at, KeyID: "k", Signature: "s8"}}
	for name, in := range map[string]string{
		"array":    `[{"seq":8,"hash":"h8","at":"2026-12-04T10:00:00Z","key_id":"k","signature":"s8"},{"seq":4,"hash":"h4","at":"2026-12-04T10:00:00Z","key_id":"k","signature":"s4"}]`,
		"lines":    "{\"seq\":4,\"hash\":\"h4\",\"at\":\"2026-12-04T10:00:00Z\",\"key_id\":\"k\",\"signature\":\"s4\"}\n\n{\"seq\":8,\"hash\":\"h8\",\"at\":\"2026-12-04T10:00:00Z\",\"key_id\":\"k\",\"signature\":\"s8\"}\n",
		"webhooks": "{\"event\":\"audit.checkpoint\",\"checkpoint\":{\"seq\":4,\"hash\":\"h4\",\"at\":\"2026-12-04T10:00:00Z\",\"key_id\":\"k\",\"signature\":\"s4\"}}\n{\"event\":\"audit.checkpoint\",\"checkpoint\":{\"seq\":8,\"hash\":\"h8\",\"at\":\"2026-12-04T10:00:00Z\",\"key_id\":\"k\",\"signature\":\"s8\"}}\n",
	} {
		got, err := audit.ReadCheckpoints(strings.NewReader(in))
		if err != nil || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("%s: %+v %v", name, got, err)
		}
	}
	if _, err := audit.ReadCheckpoints(strings.NewReader("{\"seq\":4}\nnot json\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line not named: %v", err)
	}
}

func TestKeyFile(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/audit.key"
	k1, err := audit.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := audit.LoadOrCreateKey(path)
	if err != nil || !k1.Equal(k2) {
		t.Fatalf("reloaded key differs: %v", err)
	}
	pub, err := audit.ParsePublicKeyPEM(audit.PublicKeyPEM(k1.Public().(ed25519.PublicKey)))
	if err != nil || !pub.Equal(k1.Public()) {
		t.Fatalf("public key round trip: %v", err)
	}
}

// TestVerifyWhileAppending: on a live server events are appended while
// verify walks; the head read after the walk is then ahead of it, and the
// events appended meanwhile must be read, not reported missing.
func TestVerifyWhileAppending(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		pub, key, _ := ed25519.GenerateKey(rand.Reader)
		seed(t, st, 3)
		if _, _, err := audit.Checkpoint(ctx, st, key, time.Now()); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			for i := 0; i < 150; i++ {
				p := &store.PendingAudit{Event: model.AuditEvent{ActorKind: "user", ActorID: "usr_live", Action: "POST /v1/projects", Outcome: "success"}}
				if err := st.InTx(store.WithAudit(ctx, p), func(*store.Tx) error { return nil }); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
		for running := true; running; {
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
				running = false
			default:
			}
			if r := verify(t, st, pub); r.Break != nil {
				t.Fatalf("a live log reported broken: %+v", r.Break)
			}
		}
		if r := verify(t, st, pub); r.Break != nil || r.Events != 153 {
			t.Fatalf("after: %+v %+v", r, r.Break)
		}
	})
}

// TestKeyRotation: after the signing key is rotated, the public key file
// holds both keys and the checkpoints of each verify; without the old key
// its checkpoints are named as not signed by the configured key.
func TestKeyRotation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		dir := t.TempDir()
		oldKey, err := audit.WriteNewKey(filepath.Join(dir, "old.key"))
		if err != nil {
			t.Fatal(err)
		}
		newKey, err := audit.WriteNewKey(filepath.Join(dir, "new.key"))
		if err != nil {
			t.Fatal(err)
		}
		oldPub, newPub := oldKey.Public().(ed25519.PublicKey), newKey.Public().(ed25519.PublicKey)
		both := filepath.Join(dir, "audit-public.pem")
		if err := os.WriteFile(both, append(audit.PublicKeyPEM(oldPub), audit.PublicKeyPEM(newPub)...), 0o644); err != nil {
			t.Fatal(err)
		}
		keys, err := audit.ReadPublicKeyFile(both)
		if err != nil || len(keys) != 2 || !keys[0].Equal(oldPub) || !keys[1].Equal(newPub) {
			t.Fatalf("two keys in one file: %d %v", len(keys), err)
		}
		seed(t, st, 4)
		if _, _, err := audit.Checkpoint(ctx, st, oldKey, time.Now()); err != nil {
			t.Fatal(err)
		}
		seed(t, st, 4)
		if _, _, err := audit.Checkpoint(ctx, st, newKey, time.Now()); err != nil {
			t.Fatal(err)
		}
		if r, err := audit.Verify(ctx, st, keys); err != nil || r.Break != nil || r.Checkpoints != 2 {
			t.Fatalf("both keys: %+v %v", r, err)
		}
		r, err := audit.Verify(ctx, st, keys[1:])
		if err != nil || r.Break == nil || r.Break.Seq != 4 || r.Break.Code != audit.CodeSignature || r.Break.KeyID != audit.KeyID(oldPub) {
			t.Fatalf("new key only: %+v %v", r.Break, err)
		}
	})
}
