package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// seed appends n events the way requests do: each through InTx with a
// pending event in the context.
func seed(t *testing.T, st *store.Store, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		p := &store.PendingAudit{Event: store.AuditEvent{ActorKind: "user", ActorID: fmt.Sprintf("usr_%d", i),
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
}

func exec(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if st.Dialect() == store.Postgres {
		q = rebind(q)
	}
	if _, err := st.DB().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func rebind(q string) string {
	var b bytes.Buffer
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func verify(t *testing.T, st *store.Store, pub ed25519.PublicKey) audit.Report {
	t.Helper()
	r, err := audit.Verify(context.Background(), st, pub)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func wantBreak(t *testing.T, r audit.Report, seq int64, reason string) {
	t.Helper()
	if r.Break == nil || r.Break.Seq != seq || r.Break.Reason != reason {
		t.Fatalf("got %+v (break %+v), want event %d: %s", r, r.Break, seq, reason)
	}
}

// TestTamper modifies, deletes, reorders and inserts audit rows directly in
// the database and checks that verification names the exact event.
func TestTamper(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		cases := []struct {
			name   string
			tamper func(t *testing.T, st *store.Store)
			seq    int64
			reason string
		}{
			{"intact", func(*testing.T, *store.Store) {}, 0, ""},
			{"modify a field", func(t *testing.T, st *store.Store) {
				exec(t, st, `UPDATE audit_events SET outcome = 'denied' WHERE seq = 3`)
			}, 3, audit.ReasonHash},
			{"modify and rehash", func(t *testing.T, st *store.Store) {
				evs, _ := st.Read().AuditEvents(context.Background(), store.AuditFilter{After: 2, Limit: 1})
				e := evs[0]
				e.ActorID = "usr_mallory"
				exec(t, st, `UPDATE audit_events SET actor_id = ?, hash = ? WHERE seq = 3`, e.ActorID, e.ComputeHash())
			}, 4, audit.ReasonPrev},
			{"delete one", func(t *testing.T, st *store.Store) {
				exec(t, st, `DELETE FROM audit_events WHERE seq = 3`)
			}, 4, audit.ReasonGap},
			{"delete the tail", func(t *testing.T, st *store.Store) {
				exec(t, st, `DELETE FROM audit_events WHERE seq = 5`)
			}, 5, audit.ReasonHead},
			{"reorder two", func(t *testing.T, st *store.Store) {
				exec(t, st, `UPDATE audit_events SET seq = 100 WHERE seq = 2`)
				exec(t, st, `UPDATE audit_events SET seq = 2 WHERE seq = 3`)
				exec(t, st, `UPDATE audit_events SET seq = 3 WHERE seq = 100`)
			}, 2, audit.ReasonPrev},
			{"insert in the middle", func(t *testing.T, st *store.Store) {
				for s := 5; s >= 3; s-- {
					exec(t, st, `UPDATE audit_events SET seq = ? WHERE seq = ?`, s+1, s)
				}
				evs, _ := st.Read().AuditEvents(context.Background(), store.AuditFilter{After: 1, Limit: 1})
				forged := store.AuditEvent{Seq: 3, At: time.Now().UTC().Truncate(time.Microsecond), ActorKind: "user", ActorID: "usr_mallory",
					Action: "DELETE /v1/grants/{id}", Outcome: "success", PrevHash: evs[0].Hash}
				forged.Hash = forged.ComputeHash()
				insert(t, st, forged)
			}, 4, audit.ReasonPrev},
			{"append behind the head's back", func(t *testing.T, st *store.Store) {
				evs, _ := st.Read().AuditEvents(context.Background(), store.AuditFilter{After: 4, Limit: 1})
				forged := store.AuditEvent{Seq: 6, At: time.Now().UTC().Truncate(time.Microsecond), ActorKind: "user",
					ActorID: "usr_mallory", Action: "POST /v1/grants", Outcome: "success", PrevHash: evs[0].Hash}
				forged.Hash = forged.ComputeHash()
				insert(t, st, forged)
			}, 6, audit.ReasonHead},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				exec(t, st, `DELETE FROM audit_events`)
				exec(t, st, `DELETE FROM audit_checkpoints`)
				exec(t, st, `UPDATE audit_head SET seq = 0, hash = '' WHERE id = 1`)
				seed(t, st, 5)
				c.tamper(t, st)
				r := verify(t, st, nil)
				if c.seq == 0 {
					if r.Break != nil || r.Events != 5 {
						t.Fatalf("intact chain: %+v %+v", r, r.Break)
					}
					return
				}
				wantBreak(t, r, c.seq, c.reason)
			})
		}
	})
}

func insert(t *testing.T, st *store.Store, e store.AuditEvent) {
	t.Helper()
	exec(t, st, `INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id,
		institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.At.UnixMicro(), e.ActorKind, e.ActorID, e.ActorName, e.Via, e.Action, e.TargetKind, e.TargetID,
		e.InstitutionID, e.ProjectID, e.RequestID, e.SourceIP, e.Outcome, e.Status, e.PrevHash, e.Hash)
}

// TestCheckpoints: a signed checkpoint lets an outside party verify an
// export without the database, and catches a chain rewritten whole (every
// hash and the head recomputed) by someone with database access.
func TestCheckpoints(t *testing.T) {
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
		if r := verify(t, st, pub); r.Break != nil || r.Checkpoints != 1 || r.Events != 6 {
			t.Fatalf("intact: %+v %+v", r, r.Break)
		}
		// Offline: export + checkpoints + public key.
		var buf bytes.Buffer
		if n, err := audit.Export(ctx, st, 0, &buf); err != nil || n != 6 {
			t.Fatalf("export: %d %v", n, err)
		}
		cps, _ := st.Read().AuditCheckpoints(ctx)
		r, err := audit.VerifyExport(bytes.NewReader(buf.Bytes()), pub, cps)
		if err != nil || r.Break != nil || r.Checkpoints != 1 {
			t.Fatalf("offline: %+v %v", r, err)
		}
		other, _, _ := ed25519.GenerateKey(rand.Reader)
		if r, _ := audit.VerifyExport(bytes.NewReader(buf.Bytes()), other, cps); r.Break == nil || r.Break.Reason != audit.ReasonSignature {
			t.Fatalf("wrong key accepted: %+v", r)
		}
		// Rewrite the whole chain from event 2 on, consistently.
		evs, _ := st.Read().AuditEvents(ctx, store.AuditFilter{Limit: 100})
		prev := evs[0].Hash
		for _, e := range evs[1:] {
			e.ActorName = "rewritten"
			e.PrevHash = prev
			e.Hash = e.ComputeHash()
			prev = e.Hash
			exec(t, st, `UPDATE audit_events SET actor_name = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.ActorName, e.PrevHash, e.Hash, e.Seq)
		}
		exec(t, st, `UPDATE audit_head SET hash = ? WHERE id = 1`, prev)
		wantBreak(t, verify(t, st, pub), 4, audit.ReasonCheckpoint)
	})
}

func TestKeyFile(t *testing.T) {
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
