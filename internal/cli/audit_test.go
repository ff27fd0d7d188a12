package cli_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/store"
)

// auditDB is the harness's database as an operator (or an attacker with
// its password) reaches it.
type auditDB struct {
	st     *store.Store
	target string
}

func (d auditDB) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := d.st.Read().Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (d auditDB) events(t *testing.T) []model.AuditEvent {
	t.Helper()
	evs, err := d.st.Read().AuditEvents(context.Background(), store.AuditFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// snapshot returns a function that puts the audit tables back as they are now.
func (d auditDB) snapshot(t *testing.T) func() {
	t.Helper()
	ctx := context.Background()
	evs := d.events(t)
	cps, err := d.st.Read().AuditCheckpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seq, hash, err := d.st.Read().AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return func() {
		t.Helper()
		d.exec(t, `DELETE FROM audit_events`)
		d.exec(t, `DELETE FROM audit_checkpoints`)
		d.exec(t, `DELETE FROM audit_head`)
		d.exec(t, `INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)`, seq, hash)
		for _, e := range evs {
			d.exec(t, `INSERT INTO audit_events (seq, at, actor_kind, actor_id, actor_name, via, action, target_kind, target_id,
				institution_id, project_id, request_id, source_ip, outcome, status, prev_hash, hash)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				e.Seq, e.At.UnixMicro(), e.ActorKind, e.ActorID, e.ActorName, e.Via, e.Action, e.TargetKind, e.TargetID,
				e.InstitutionID, e.ProjectID, e.RequestID, e.SourceIP, e.Outcome, e.Status, e.PrevHash, e.Hash)
		}
		for _, c := range cps {
			if err := d.st.InTx(ctx, func(tx *store.Tx) error { return tx.PutAuditCheckpoint(ctx, c) }); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// rewrite rewrites every event from seq on with recomputed hashes and moves
// the head row, as the database's owner could.
func (d auditDB) rewrite(t *testing.T, from int64) {
	t.Helper()
	evs := d.events(t)
	prev := evs[from-2].Hash
	for _, e := range evs[from-1:] {
		e.ActorName, e.PrevHash = "rewritten", prev
		e.Hash = e.ComputeHash()
		prev = e.Hash
		d.exec(t, `UPDATE audit_events SET actor_name = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.ActorName, e.PrevHash, e.Hash, e.Seq)
	}
	d.exec(t, `UPDATE audit_head SET hash = ? WHERE id = 1`, prev)
}

// TestAuditVerifyCommand drives `soberana audit keygen` and `soberana audit
// verify` end to end against a running server on SQLite and PostgreSQL:
// the server signs with a key file outside its data directory, publishes
// every checkpoint to the checkpoint file and the alert webhooks, and
// verify — with the pinned public key and an external checkpoint copy —
// names the first bad event of each tamper the database's owner can do.
func TestAuditVerifyCommand(t *testing.T) {
	t.Parallel()
	servertest.BothStores(t, testAuditVerifyCommand)
}

func testAuditVerifyCommand(t *testing.T, pg bool) {
	ctx := context.Background()
	outside := t.TempDir() // another disk, as far as the server knows
	key, pub := filepath.Join(outside, "audit.key"), filepath.Join(outside, "audit.pub")
	cpsFile := filepath.Join(outside, "worm", "checkpoints.jsonl")
	if err := os.Mkdir(filepath.Dir(cpsFile), 0o755); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"LANG": "en"}
	cliRun := func(args ...string) (string, string, int) { return cliOut(env, args...) }
	if out, errs, code := cliRun("audit", "keygen", "--key", key, "--public-key", pub); code != 0 || !strings.Contains(out, "public key in "+pub) {
		t.Fatalf("keygen: %d %s %s", code, out, errs)
	}
	if _, errs, code := cliRun("audit", "keygen", "--key", key, "--public-key", pub+"2"); code == 0 || !strings.Contains(errs, "exists") {
		t.Fatalf("keygen overwrote a key: %d %s", code, errs)
	}

	// A webhook receiver keeps the checkpoint bodies, one per line.
	var (
		mu     sync.Mutex
		bodies []string
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Soberana-Event") == "audit.checkpoint" {
			mu.Lock()
			bodies = append(bodies, string(b))
			mu.Unlock()
		}
	}))
	defer hook.Close()

	var target string
	h := servertest.Start(t, servertest.Options{Postgres: pg, NoDemo: true, Configure: func(c *config.Config) {
		c.Audit = config.Audit{SigningKeyFile: key, PublicKeyFile: pub, CheckpointFile: cpsFile}
		target = c.DatabaseTarget()
		if err := c.ValidateServe(); err != nil {
			t.Fatal(err)
		}
	}})
	env["SOBERANA_SERVER"], env["SOBERANA_TOKEN"] = h.URL, servertest.AdminToken
	if _, err := h.Admin.Do(ctx, "POST", "/v1/alert-webhooks", map[string]any{"name": "worm", "url": hook.URL}, nil); err != nil {
		t.Fatal(err)
	}
	mint := func(n int) {
		for i := 0; i < n; i++ {
			if out, errs, code := cliRun("token", "create", fmt.Sprintf("ci-%d-%d", time.Now().UnixNano(), i), "--kind", "service",
				"--role", "auditor", "--scope-kind", "platform"); code != 0 {
				t.Fatalf("token create: %s %s", out, errs)
			}
		}
	}
	checkpoint := func() int64 {
		var res struct {
			Checkpoint model.AuditCheckpoint `json:"checkpoint"`
			Created    bool                  `json:"created"`
		}
		if _, err := h.Admin.Do(ctx, "POST", "/v1/audit/checkpoints", nil, &res); err != nil || !res.Created {
			t.Fatalf("checkpoint: %+v %v", res, err)
		}
		return res.Checkpoint.Seq
	}
	mint(3)
	cp1 := checkpoint()
	mint(3)
	cp2 := checkpoint()
	mint(2)

	// The checkpoints reached the file and, through the alert engine, the webhook.
	file, err := audit.ReadCheckpointFile(cpsFile)
	if err != nil || len(file) != 2 || file[0].Seq != cp1 || file[1].Seq != cp2 {
		t.Fatalf("checkpoint file: %+v %v", file, err)
	}
	opstest.Eventually(t, 20*time.Second, "two checkpoints at the webhook", func() (bool, string) {
		mu.Lock()
		n := len(bodies)
		mu.Unlock()
		return n >= 2, fmt.Sprintf("the webhook got %d", n)
	})
	hooked := filepath.Join(outside, "webhook-bodies.jsonl")
	mu.Lock()
	_ = os.WriteFile(hooked, []byte(strings.Join(bodies, "\n")+"\n"), 0o600)
	mu.Unlock()

	db := auditDB{st: h.Server.Store, target: target}
	last := db.events(t)[len(db.events(t))-1].Seq
	restore := db.snapshot(t)

	// No public key: refused, whatever else is given.
	if _, errs, code := cliRun("audit", "verify", "--database-url", target, "--checkpoints", cpsFile); code == 0 || !strings.Contains(errs, "no public key") {
		t.Fatalf("verify without a public key: %d %s", code, errs)
	}
	for _, cps := range []string{cpsFile, hooked} {
		out, errs, code := cliRun("audit", "verify", "--database-url", target, "--public-key", pub, "--checkpoints", cps)
		if code != 0 || !strings.HasPrefix(out, "ok: ") || !strings.Contains(out, "4 signed checkpoints matched") {
			t.Fatalf("intact log with %s: %d %s %s", cps, code, out, errs)
		}
	}
	// Online, the key from the environment and the file from --config.
	cfgFile := filepath.Join(outside, "soberana.yaml")
	_ = os.WriteFile(cfgFile, []byte("audit:\n  checkpoint_file: "+cpsFile+"\n"), 0o600)
	env["SOBERANA_AUDIT_PUBLIC_KEY_FILE"] = pub
	if out, errs, code := cliRun("audit", "verify", "--config", cfgFile, "--database-url", target); code != 0 || !strings.Contains(out, "4 signed checkpoints") {
		t.Fatalf("verify from configuration: %d %s %s", code, out, errs)
	}
	delete(env, "SOBERANA_AUDIT_PUBLIC_KEY_FILE")

	_, mallory, _ := ed25519.GenerateKey(rand.Reader)
	cases := []struct {
		name   string
		tamper func(t *testing.T)
		// checkpoints: the external copy given to verify ("" none).
		checkpoints string
		want        []string
	}{
		{"edit one row", func(t *testing.T) {
			db.exec(t, `UPDATE audit_events SET outcome = 'denied' WHERE seq = 3`)
		}, "", []string{"broken from event 3 on", "modified"}},
		{"edit the head row only", func(t *testing.T) {
			db.exec(t, `UPDATE audit_head SET hash = ? WHERE id = 1`, strings.Repeat("0", 64))
		}, "", []string{fmt.Sprintf("broken from event %d on", last), "chain head records another hash"}},
		{"delete the head row", func(t *testing.T) {
			db.exec(t, `DELETE FROM audit_head`)
		}, "", []string{fmt.Sprintf("broken from event %d on", last+1), "chain head record is missing"}},
		{"delete the head event", func(t *testing.T) {
			db.exec(t, `DELETE FROM audit_events WHERE seq = ?`, last)
		}, "", []string{fmt.Sprintf("event %d is missing", last), fmt.Sprintf("chain head records event %d", last)}},
		{"delete every event", func(t *testing.T) {
			db.exec(t, `DELETE FROM audit_events`)
		}, "", []string{fmt.Sprintf("events 1–%d are missing", last), "log ends at 0"}},
		{"delete everything; the webhook's copy remains", func(t *testing.T) {
			db.exec(t, `DELETE FROM audit_events`)
			db.exec(t, `DELETE FROM audit_checkpoints`)
			db.exec(t, `UPDATE audit_head SET seq = 0, hash = '' WHERE id = 1`)
		}, hooked, []string{fmt.Sprintf("events 1–%d are missing: a signed checkpoint covers up to event %d", cp2, cp2)}},
		{"truncate the tail, move the head back, drop the checkpoints; the file remains", func(t *testing.T) {
			keep := cp1 + 1
			h := db.events(t)[keep-1].Hash
			db.exec(t, `DELETE FROM audit_events WHERE seq > ?`, keep)
			db.exec(t, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, keep, h)
			db.exec(t, `DELETE FROM audit_checkpoints`)
		}, cpsFile, []string{fmt.Sprintf("events %d–%d are missing", cp1+2, cp2)}},
		{"delete a middle event", func(t *testing.T) {
			db.exec(t, `DELETE FROM audit_events WHERE seq = 4`)
		}, "", []string{"event 4 is missing (deleted): the log goes on at event 5"}},
		{"full rewrite, hashes recomputed, checkpoint rows updated", func(t *testing.T) {
			db.rewrite(t, 2)
			evs := db.events(t)
			db.exec(t, `UPDATE audit_checkpoints SET hash = ? WHERE seq = ?`, evs[cp1-1].Hash, cp1)
			db.exec(t, `UPDATE audit_checkpoints SET hash = ? WHERE seq = ?`, evs[cp2-1].Hash, cp2)
		}, "", []string{fmt.Sprintf("broken from event %d on", cp1), "not signed by the configured public key"}},
		{"full rewrite re-signed with another key", func(t *testing.T) {
			db.rewrite(t, 2)
			db.exec(t, `DELETE FROM audit_checkpoints`)
			evs := db.events(t)
			for _, seq := range []int64{cp1, cp2, last} {
				at := time.Now().UTC().Truncate(time.Microsecond)
				c := model.AuditCheckpoint{Seq: seq, Hash: evs[seq-1].Hash, At: at, KeyID: audit.KeyID(mallory.Public().(ed25519.PublicKey)),
					Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(mallory, audit.CheckpointMessage(seq, evs[seq-1].Hash, at)))}
				if err := db.st.InTx(ctx, func(tx *store.Tx) error { return tx.PutAuditCheckpoint(ctx, c) }); err != nil {
					t.Fatal(err)
				}
			}
		}, cpsFile, []string{fmt.Sprintf("broken from event %d on", cp1), "does not match a signed checkpoint"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer restore()
			c.tamper(t)
			args := []string{"audit", "verify", "--database-url", target, "--public-key", pub}
			if c.checkpoints != "" {
				args = append(args, "--checkpoints", c.checkpoints)
			}
			out, errs, code := cliRun(args...)
			if code != 1 || strings.HasPrefix(out, "ok") {
				t.Fatalf("exit %d, out %q, err %q", code, out, errs)
			}
			for _, w := range c.want {
				if !strings.Contains(errs, w) {
					t.Errorf("%q lacks %q", errs, w)
				}
			}
		})
	}
	// Put back, the log verifies again; in Spanish too.
	env["LANG"] = "es"
	if out, errs, code := cliRun("audit", "verify", "--database-url", target, "--public-key", pub, "--checkpoints", cpsFile); code != 0 || !strings.Contains(out, "puntos de control firmados") {
		t.Fatalf("restored log: %d %s %s", code, out, errs)
	}
}

// TestUpDemoKeyServeRefuses: up keeps a signing key in its data directory
// and says so, with the command that verifies its log; serve refuses to
// start without a key file of its own, or with one inside data_dir.
func TestUpDemoKeyServeRefuses(t *testing.T) {
	dir := t.TempDir()
	_, out, stop := startUp(t, dir, nil)
	key := filepath.Join(dir, "audit-signing.key")
	if !strings.Contains(out.String(), "audit signing key: "+key+" (kept in the data directory for the demo only") {
		t.Fatalf("up does not say where the signing key is: %s", out.String())
	}
	i := strings.Index(out.String(), "verify the audit log: soberana ")
	if i < 0 {
		t.Fatalf("up does not say how to verify: %s", out.String())
	}
	line := strings.SplitN(out.String()[i+len("verify the audit log: soberana "):], "\n", 2)[0]
	var o, e strings.Builder
	if code := cli.RunEnv(context.Background(), strings.Fields(line), &o, &e, func(string) string { return "" }); code != 0 || !strings.HasPrefix(o.String(), "ok: ") {
		t.Fatalf("%s: %d %s %s", line, code, o.String(), e.String())
	}
	stop()

	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{nil, "audit.signing_key_file: is empty"},
		{map[string]string{"SOBERANA_AUDIT_SIGNING_KEY_FILE": key}, "is inside data_dir"},
	} {
		var o, e strings.Builder
		code := cli.RunEnv(context.Background(), []string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0"}, &o, &e, func(k string) string { return c.env[k] })
		if code == 0 || !strings.Contains(e.String(), c.want) {
			t.Fatalf("serve with %v: %d %s", c.env, code, e.String())
		}
	}
}

// TestAuditMessagesTranslated: what verify and keygen print exists in the
// three languages with the same arguments.
func TestAuditMessagesTranslated(t *testing.T) {
	t.Parallel()
	for _, m := range i18n.Missing() {
		if strings.HasPrefix(m, "cli.audit.") || strings.HasPrefix(m, "audit.break.") {
			t.Error("untranslated:", m)
		}
	}
}
