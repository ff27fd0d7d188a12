package edge

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"log/slog"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// Sink receives one observation per edge site per interval, and the sites
// whose subcloud missed MissedBeats beats in a row at that deadline
// (*health.Monitor implements it). Each call carries every site of one
// tick or one scan, so that the sink writes the changes together (5,000
// sites that go silent at once are a few transactions, not 5,000).
type Sink interface {
	ObserveSites(ctx context.Context, obs []SiteObservation)
	SitesSilent(ctx context.Context, silent []SiteSilence)
}

// SiteObservation is one edge site in one interval: OK when its
// subcloud's valid heartbeat was heard, with the use it reported.
type SiteObservation struct {
	SiteID      string
	OK          bool
	CapacityUse float64
}

// SiteSilence is an edge site whose subcloud was last heard at LastHeard
// (or registered then, never heard) and has missed MissedBeats beats since.
type SiteSilence struct {
	SiteID    string
	LastHeard time.Time
}

// MissedBeats is how many heartbeats in a row a subcloud misses before its
// sites are down: with its last beat at t, they are down at t +
// MissedBeats×interval, found by a scan every interval/ScansPerInterval
// (so by t + 3.1 intervals at the latest). A late beat is no miss: only
// the third due beat missing takes a site down, so lateness short of two
// whole intervals never does (docs/edge.md, "Down within three beats").
const (
	MissedBeats      = 3
	ScansPerInterval = 10
)

// Tracker verifies the heartbeats that arrive through the broker and, at
// every interval, tells the sink which sites were heard from.
type Tracker struct {
	st   *store.Store
	sink Sink
	log  *slog.Logger

	mu    sync.Mutex
	creds map[string]*model.EdgeCredential
	// keys are the subclouds' public keys, decoded once (Reload keeps a
	// subcloud's decoded key while its base64 form is unchanged).
	keys     map[string]subcloudKey
	lastSeq  map[string]uint64
	heard    map[string]Heartbeat // since the last tick
	accepted int64
	rejected map[string]int64
	// seen is when each subcloud was last heard; grace (set by Run, a
	// quarter interval) also counts as heard a subcloud whose beat came
	// within an interval and a grace of the tick: a beat that lands just
	// after one tick and just before the next (agent and tracker clocks
	// drift, a loaded agent publishes late) is not a missed interval.
	seen map[string]time.Time
	last map[string]Heartbeat
	// Clock is the tracker's time (nil: time.Now); tests set it.
	Clock func() time.Time
	grace time.Duration
	every time.Duration
	// The last closed interval (metrics.go).
	lastHeard, lastMissed int
	lastTick              time.Duration
	// unknownReload is when an unknown subcloud last made Handle reload.
	unknownReload time.Time
	// known is when the tracker first held each subcloud's credential:
	// a subcloud never heard is silent since then. silent holds the
	// subclouds Scan took down since their last valid beat.
	known  map[string]time.Time
	silent map[string]bool
}

// NewTracker returns a tracker; call Reload before Handle.
func NewTracker(st *store.Store, sink Sink, log *slog.Logger) *Tracker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Tracker{st: st, sink: sink, log: log, creds: map[string]*model.EdgeCredential{}, keys: map[string]subcloudKey{},
		lastSeq: map[string]uint64{}, heard: map[string]Heartbeat{}, rejected: map[string]int64{}, seen: map[string]time.Time{},
		last: map[string]Heartbeat{}, known: map[string]time.Time{}, silent: map[string]bool{}}
}

// Reload reads the subclouds' credentials (new imports, revocations).
func (t *Tracker) Reload(ctx context.Context) error {
	creds, err := t.st.Read().EdgeCredentials(ctx)
	if err != nil {
		return err
	}
	now := t.now()
	t.mu.Lock()
	old := t.keys
	t.mu.Unlock()
	// Decode outside the lock: the subscription verifies beats meanwhile.
	keys := make(map[string]subcloudKey, len(creds))
	for id, c := range creds {
		if k, ok := old[id]; ok && k.b64 == c.PublicKey {
			keys[id] = k
			continue
		}
		keys[id] = subcloudKey{b64: c.PublicKey, key: decodeKey(c.PublicKey)}
	}
	t.mu.Lock()
	for id, k := range keys {
		// A reissued credential is a new agent: its sequence starts over.
		if o, ok := t.keys[id]; ok && o.b64 != k.b64 {
			delete(t.lastSeq, id)
		}
	}
	t.creds, t.keys = creds, keys
	for id := range creds {
		if _, ok := t.known[id]; !ok {
			t.known[id] = now
		}
	}
	for id := range t.known {
		if _, ok := creds[id]; !ok {
			delete(t.known, id)
			delete(t.silent, id)
		}
	}
	t.mu.Unlock()
	return nil
}

// Handle verifies one message; a rejected one is logged and counted and
// changes nothing. A heartbeat of a subcloud the tracker does not know yet,
// or whose signature the key it holds does not verify, makes it read the
// credentials again (at most once a second, so forged names cannot turn
// into a query each) before it is refused: a subcloud imported since the
// last interval is heard from its first beat, and so is an agent whose
// credential was reissued on another replica.
func (t *Tracker) Handle(subject string, data []byte) error {
	err := t.handle(subject, data)
	var re *RejectError
	if errors.As(err, &re) && (re.Reason == RejectUnknown || re.Reason == RejectSignature) && t.mayReload() {
		if rerr := t.Reload(context.Background()); rerr != nil {
			t.log.Warn("reloading edge credentials", "err", rerr)
		} else {
			err = t.handle(subject, data)
		}
	}
	if err != nil {
		t.mu.Lock()
		if errors.As(err, &re) {
			t.rejected[re.Reason]++
		}
		t.mu.Unlock()
		t.log.Warn("edge heartbeat rejected", "subject", subject, "err", err)
	}
	return err
}

// mayReload says whether an unknown subcloud may make the tracker read
// the credentials now (once a second at most).
func (t *Tracker) mayReload() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if time.Since(t.unknownReload) < time.Second {
		return false
	}
	t.unknownReload = time.Now()
	return true
}

// subcloudKey is a subcloud's public key, as stored (base64) and decoded.
type subcloudKey struct {
	b64 string
	key ed25519.PublicKey
}

// handle verifies one beat and records it. The lock is held only to look
// the subcloud's key up and to record the beat, not while the beat is
// decoded and its signature checked (the costly part): the tick and the
// scans, which take the lock too, do not wait for a thousand signature
// checks a second.
func (t *Tracker) handle(subject string, data []byte) error {
	hb, err := verify(subject, data, func(id string) (ed25519.PublicKey, bool, bool) {
		t.mu.Lock()
		defer t.mu.Unlock()
		c, ok := t.creds[id]
		if !ok {
			return nil, false, false
		}
		return t.keys[id].key, c.Revoked, true
	})
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	// A revocation read since the key was looked up wins.
	if c, ok := t.creds[hb.Subcloud]; !ok || c.Revoked {
		reason := RejectUnknown
		if ok {
			reason = RejectRevoked
		}
		return &RejectError{Reason: reason, Subcloud: hb.Subcloud}
	}
	if hb.Seq <= t.lastSeq[hb.Subcloud] {
		return &RejectError{Reason: RejectReplay, Subcloud: hb.Subcloud}
	}
	t.lastSeq[hb.Subcloud] = hb.Seq
	t.heard[hb.Subcloud] = hb
	t.seen[hb.Subcloud] = t.now()
	delete(t.silent, hb.Subcloud)
	t.accepted++
	return nil
}

// Tick closes one interval: every site of every subcloud is observed, ok
// when its subcloud's valid heartbeat arrived since the last tick (a
// revoked subcloud is never heard).
func (t *Tracker) Tick(ctx context.Context) {
	start, began := t.now(), time.Now()
	t.mu.Lock()
	obs := make([]SiteObservation, 0, len(t.creds))
	for id, c := range t.creds {
		hb, ok := t.heard[id]
		if !ok && t.grace > 0 && start.Sub(t.seen[id]) <= t.every+t.grace {
			ok = true
			hb = t.last[id]
		}
		ok = ok && !c.Revoked
		use := 0.0
		if ok {
			use = useOf(hb)
		}
		for _, s := range c.SiteIDs {
			obs = append(obs, SiteObservation{SiteID: s, OK: ok, CapacityUse: use})
		}
	}
	for id, hb := range t.heard {
		t.last[id] = hb
	}
	t.heard = map[string]Heartbeat{}
	t.mu.Unlock()
	t.sink.ObserveSites(ctx, obs)
	heard := 0
	for _, o := range obs {
		if o.OK {
			heard++
		}
	}
	t.mu.Lock()
	t.lastHeard, t.lastMissed, t.lastTick = heard, len(obs)-heard, time.Since(began)
	t.mu.Unlock()
}

func useOf(hb Heartbeat) float64 {
	frac := func(u, c int64) float64 {
		if c <= 0 {
			return 0
		}
		return float64(u) / float64(c)
	}
	return max(frac(hb.Used.VCPUs, hb.Capacity.VCPUs), frac(hb.Used.MemoryMiB, hb.Capacity.MemoryMiB), frac(hb.Used.DiskGiB, hb.Capacity.DiskGiB))
}

// Counts returns the accepted and rejected (by reason) heartbeats.
func (t *Tracker) Counts() (accepted int64, rejected map[string]int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := make(map[string]int64, len(t.rejected))
	for k, v := range t.rejected {
		r[k] = v
	}
	return t.accepted, r
}

// Scan takes down, at once, the sites of every subcloud whose last valid
// heartbeat (or, never heard, its registration with this tracker) is
// MissedBeats intervals old or older: the third beat due since is missed.
// Each silence is reported once; the next valid beat ends it. Run calls
// Scan ScansPerInterval times an interval; without SetInterval it does
// nothing.
func (t *Tracker) Scan(ctx context.Context) {
	now := t.now()
	t.mu.Lock()
	if t.every <= 0 {
		t.mu.Unlock()
		return
	}
	deadline := MissedBeats * t.every
	var out []SiteSilence
	for id, c := range t.creds {
		if t.silent[id] {
			continue
		}
		last := t.seen[id]
		if k := t.known[id]; last.Before(k) {
			last = k
		}
		if now.Sub(last) < deadline {
			continue
		}
		t.silent[id] = true
		for _, s := range c.SiteIDs {
			out = append(out, SiteSilence{SiteID: s, LastHeard: last})
		}
	}
	t.mu.Unlock()
	if len(out) > 0 {
		t.sink.SitesSilent(ctx, out)
	}
}

// Run subscribes to every heartbeat on nc, scans for silent subclouds
// ScansPerInterval times an interval and ticks every interval (reloading
// credentials first) until ctx ends.
// HealthLabel is the CPU profiler label (key, value) of the tracker's
// work: heartbeat verification and health derivation.
var HealthLabel = []string{"loop", "edge-health"}

func (t *Tracker) Run(ctx context.Context, nc *nats.Conn, every time.Duration) error {
	t.SetInterval(every)
	if err := t.Reload(ctx); err != nil {
		return err
	}
	// Everything health derivation costs carries the profiler label
	// loop=edge-health (HealthLabel): the beats' verification on the
	// subscription's goroutine and this loop's ticks, scans and writes,
	// so that a CPU profile tells its share apart (bench edge).
	lctx := pprof.WithLabels(ctx, pprof.Labels(HealthLabel...))
	pprof.SetGoroutineLabels(lctx)
	sub, err := nc.Subscribe(SubjectAll, func(m *nats.Msg) {
		pprof.SetGoroutineLabels(lctx)
		t.answer(m, t.Handle(m.Subject, m.Data))
	})
	if err != nil {
		return err
	}
	defer func() { _ = sub.Unsubscribe() }()
	tk := time.NewTicker(max(every/ScansPerInterval, time.Millisecond))
	defer tk.Stop()
	next := time.Now().Add(every)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tk.C:
		}
		if now := time.Now(); !now.Before(next) {
			next = next.Add(every)
			if next.Before(now) { // the process stalled: no burst of ticks
				next = now.Add(every)
			}
			if err := t.Reload(ctx); err != nil {
				t.log.Warn("reloading edge credentials", "err", err)
			}
			t.Tick(ctx)
		}
		t.Scan(ctx)
	}
}

// answer tells an agent that asked (a reply subject) why its heartbeat
// was refused, in its language; nothing else is changed by a refusal.
func (t *Tracker) answer(m *nats.Msg, err error) {
	var re *RejectError
	if m.Reply == "" || !errors.As(err, &re) || re.Reason == RejectReplay {
		return
	}
	lang := i18n.Parse(m.Header.Get(HeaderLanguage))
	b, _ := json.Marshal(Rejection{Reason: re.Reason, Subcloud: re.Subcloud, Message: re.Explain(lang)})
	if rerr := m.Respond(b); rerr != nil {
		t.log.Debug("answering a refused heartbeat", "err", rerr)
	}
}

func (t *Tracker) now() time.Time {
	if t.Clock != nil {
		return t.Clock()
	}
	return time.Now()
}

// SetInterval sets the heartbeat interval Tick is called at, and with it
// the grace (a quarter interval) of a beat that straddles two ticks. Run
// sets it; without it a subcloud is heard only when its beat arrived
// since the last Tick.
func (t *Tracker) SetInterval(every time.Duration) {
	t.mu.Lock()
	t.every, t.grace = every, every/4
	t.mu.Unlock()
}
