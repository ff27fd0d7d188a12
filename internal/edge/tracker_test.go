package edge_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

type sink struct {
	mu     sync.Mutex
	obs    map[string][]bool
	silent map[string][]time.Time
}

func (s *sink) SitesSilent(_ context.Context, silent []edge.SiteSilence) {
	s.mu.Lock()
	if s.silent == nil {
		s.silent = map[string][]time.Time{}
	}
	for _, sl := range silent {
		s.silent[sl.SiteID] = append(s.silent[sl.SiteID], sl.LastHeard)
	}
	s.mu.Unlock()
}

func (s *sink) ObserveSites(_ context.Context, obs []edge.SiteObservation) {
	s.mu.Lock()
	for _, o := range obs {
		s.obs[o.SiteID] = append(s.obs[o.SiteID], o.OK)
	}
	s.mu.Unlock()
}

func imported(t *testing.T, s *store.Store, n int) edge.ImportResult {
	ctx := context.Background()
	prv := edgeProvider(t, s)
	var res edge.ImportResult
	err := s.InTx(ctx, func(tx *store.Tx) error { var err error; res, err = edge.Import(ctx, tx, prv, rows(n)); return err })
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// tracker is a tracker over s that has read the credentials, and the sink
// of its observations.
// handleBeat signs hb with key and hands it to the tracker on hb's own
// subject; it returns what the tracker answers.
func handleBeat(t *testing.T, tr *edge.Tracker, hb edge.Heartbeat, key string) error {
	t.Helper()
	msg, err := edge.Sign(hb, key)
	if err != nil {
		t.Fatal(err)
	}
	return tr.Handle(edge.SubjectPrefix+hb.Subcloud, msg)
}

func tracker(t *testing.T, s *store.Store) (*edge.Tracker, *sink) {
	t.Helper()
	sk := &sink{obs: map[string][]bool{}}
	tr := edge.NewTracker(s, sk, nil)
	if err := tr.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return tr, sk
}

// natsFixture is the real broker's address (without one the test is
// skipped), a store with n imported subclouds, and a context cancelled
// when the test ends.
func natsFixture(t *testing.T, n int) (string, *store.Store, context.Context, edge.ImportResult) {
	t.Helper()
	url := storetest.EnvOrSkip(t, "SOBERANA_TEST_NATS_URL", "NATS tests skipped: set SOBERANA_TEST_NATS_URL (e.g. nats://127.0.0.1:4222); .ci/run starts nats-server")
	s := storetest.SQLite(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return url, s, ctx, imported(t, s, n)
}

// connect connects to the broker as name, closed after the test.
func connect(t *testing.T, url, name string) *nats.Conn {
	t.Helper()
	nc, err := edge.Connect(url, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	return nc
}

func TestTrackerVerifiesAndRevokes(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	ctx := context.Background()
	res := imported(t, s, 3)
	tr, sk := tracker(t, s)
	a := res.Subclouds[0]
	msg, err := edge.Sign(edge.Heartbeat{Subcloud: a.ID, Seq: 1}, a.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Handle(edge.SubjectPrefix+a.ID, msg); err != nil {
		t.Fatalf("a valid heartbeat was rejected: %v", err)
	}
	reject := func(reason, subject string, data []byte) {
		t.Helper()
		var re *edge.RejectError
		if err := tr.Handle(subject, data); !errors.As(err, &re) || re.Reason != reason {
			t.Errorf("want %s, got %v", reason, err)
		}
	}
	reject(edge.RejectReplay, edge.SubjectPrefix+a.ID, msg)
	// Signed with another subcloud's key.
	forged, _ := edge.Sign(edge.Heartbeat{Subcloud: a.ID, Seq: 2}, res.Subclouds[1].PrivateKey)
	reject(edge.RejectSignature, edge.SubjectPrefix+a.ID, forged)
	// One site speaking for another.
	b, _ := edge.Sign(edge.Heartbeat{Subcloud: res.Subclouds[1].ID, Seq: 1}, res.Subclouds[1].PrivateKey)
	reject(edge.RejectSubject, edge.SubjectPrefix+a.ID, b)
	unknown, _ := edge.Sign(edge.Heartbeat{Subcloud: "sc_nope", Seq: 1}, a.PrivateKey)
	reject(edge.RejectUnknown, edge.SubjectPrefix+"sc_nope", unknown)
	reject(edge.RejectMalformed, edge.SubjectPrefix+a.ID, []byte("{"))

	tr.Tick(ctx)
	if got := sk.obs[a.SiteID]; len(got) != 1 || !got[0] {
		t.Fatalf("heard site: %v", got)
	}
	if got := sk.obs[res.Subclouds[1].SiteID]; len(got) != 1 || got[0] {
		t.Fatalf("silent site (only rejected beats): %v", got)
	}

	// Revoke a's credential: its next beat is rejected and it is missed.
	if _, err := s.Read().Exec(ctx, "UPDATE subclouds SET revoked_at = 1 WHERE id = ?", a.ID); err != nil {
		t.Fatal(err)
	}
	if err := tr.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	m3, _ := edge.Sign(edge.Heartbeat{Subcloud: a.ID, Seq: 3}, a.PrivateKey)
	reject(edge.RejectRevoked, edge.SubjectPrefix+a.ID, m3)
	tr.Tick(ctx)
	if got := sk.obs[a.SiteID]; len(got) != 2 || got[1] {
		t.Fatalf("revoked site: %v", got)
	}
	acc, rej := tr.Counts()
	if acc != 1 || rej[edge.RejectRevoked] != 1 || rej[edge.RejectSignature] != 1 {
		t.Fatalf("counts %d %v", acc, rej)
	}
}

// TestAgentsThroughNATS runs agents against the real broker
// (SOBERANA_TEST_NATS_URL, .ci/run starts nats-server).
func TestAgentsThroughNATS(t *testing.T) {
	t.Parallel()
	url, s, ctx, res := natsFixture(t, 50)
	tr, sk := tracker(t, s)
	sub := connect(t, url, "soberana-test")
	done := make(chan struct{}, 100)
	if _, err := sub.Subscribe(edge.SubjectAll, func(m *nats.Msg) {
		if tr.Handle(m.Subject, m.Data) == nil {
			done <- struct{}{}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := sub.Flush(); err != nil {
		t.Fatal(err)
	}
	pub := connect(t, url, "soberana-test-agent")
	for _, sc := range res.Subclouds[:49] { // the 50th stays silent
		a := &edge.Agent{Cred: edge.Credential{ID: sc.ID, PrivateKey: sc.PrivateKey}}
		if err := a.Beat(pub, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	for range 49 {
		<-done
	}
	tr.Tick(ctx)
	for i, sc := range res.Subclouds {
		got := sk.obs[sc.SiteID]
		if len(got) != 1 || got[0] != (i < 49) {
			t.Fatalf("site %d: %v", i, got)
		}
	}
}

// TestTrackerGraceForStraddlingBeats: a beat just before one tick and the
// next just after the following tick is no missed interval; silence for
// longer than an interval and a quarter is.
func TestTrackerGraceForStraddlingBeats(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	ctx := context.Background()
	res := imported(t, s, 1)
	sc := res.Subclouds[0]
	sk := &sink{obs: map[string][]bool{}}
	tr := edge.NewTracker(s, sk, nil)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := t0
	tr.Clock = func() time.Time { return now }
	tr.SetInterval(10 * time.Second)
	if err := tr.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	agent := &edge.Agent{Cred: edge.Credential{ID: sc.ID, PrivateKey: sc.PrivateKey}}
	beat := func(at time.Duration) {
		t.Helper()
		now = t0.Add(at)
		if err := handleBeat(t, tr, edge.Heartbeat{Subcloud: sc.ID, Seq: uint64(at / time.Millisecond), SentAt: now.UnixMicro()}, agent.Cred.PrivateKey); err != nil {
			t.Fatal(err)
		}
	}
	tick := func(at time.Duration) { now = t0.Add(at); tr.Tick(ctx) }
	beat(9900 * time.Millisecond)
	tick(10 * time.Second) // heard
	tick(20 * time.Second) // nothing since the last tick, but heard 10.1 s ago
	beat(20100 * time.Millisecond)
	tick(30 * time.Second) // heard
	tick(40 * time.Second) // 19.9 s of silence: missed
	if got := sk.obs[sc.SiteID]; fmt.Sprint(got) != "[true true true false]" {
		t.Fatalf("observations %v, want [true true true false]", got)
	}
	if heard, missed, _ := tr.LastTick(); heard != 0 || missed != 1 {
		t.Fatalf("last tick: %d heard, %d missed", heard, missed)
	}
}

// TestTrackerHearsANewSubcloudAtOnce: a subcloud imported after the
// tracker last read the credentials is heard from its first heartbeat (an
// unknown subcloud makes the tracker read them again before refusing).
func TestTrackerHearsANewSubcloudAtOnce(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	tr, _ := tracker(t, s) // before the import: knows none
	res := imported(t, s, 2)
	a := res.Subclouds[0]
	if err := handleBeat(t, tr, edge.Heartbeat{Subcloud: a.ID, Seq: 1}, a.PrivateKey); err != nil {
		t.Fatalf("the first heartbeat of a newly imported subcloud was rejected: %v", err)
	}
	unknown, _ := edge.Sign(edge.Heartbeat{Subcloud: "sc_nope", Seq: 1}, a.PrivateKey)
	var re *edge.RejectError
	if err := tr.Handle(edge.SubjectPrefix+"sc_nope", unknown); !errors.As(err, &re) || re.Reason != edge.RejectUnknown {
		t.Fatalf("an unknown subcloud: %v", err)
	}
	if _, rejected := tr.Counts(); rejected[edge.RejectUnknown] != 1 {
		t.Fatalf("rejected: %v, want one unknown", rejected)
	}
}
