package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/soberana/soberana/internal/health"
	"github.com/soberana/soberana/internal/store"
)

// Several `serve` replicas share one PostgreSQL database. Every background
// loop is one of two kinds:
//
//   - leader-gated: it runs only in the replica that holds the reconciler
//     lease (the `leases` row "reconcilers"), and its context ends as soon
//     as that replica loses it. Health probes, the failover tracker, alert
//     evaluation and webhook delivery, workload migrations, rating, grant
//     expiry, the grant mirror and audit checkpoints are gated on the same
//     lease as the reconciler because they share its in-memory view (the
//     reconciler fails replicas over when the failover tracker, fed by the
//     probes, says so).
//   - shared: it runs in every replica and only reads, or claims rows
//     (alert deliveries are claimed with an optimistic version update
//     before they are sent, so a delivery goes out once even if two
//     replicas look at it). The fleet cache and the metrics collector are
//     shared.
//
// Rollouts hold their own lease ("rollouts", internal/deploy).

// gatePoll is how often a gated loop looks at the (in-memory) leader flag.
// It reads a mutex-guarded bool: no database traffic.
const gatePoll = 100 * time.Millisecond

// gates records which gated loops run in this process (tests and the
// multi-replica check read it through GatedLoops).
type gates struct {
	mu      sync.Mutex
	running map[string]bool
}

func (g *gates) set(name string, on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running == nil {
		g.running = map[string]bool{}
	}
	if on {
		g.running[name] = true
	} else {
		delete(g.running, name)
	}
}

// GatedLoops lists the leader-gated loops running in this process now.
func (s *Server) GatedLoops() []string {
	s.gates.mu.Lock()
	defer s.gates.mu.Unlock()
	out := make([]string, 0, len(s.gates.running))
	for n := range s.gates.running {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Leader reports whether this replica holds the reconciler lease (and so
// runs the gated loops).
func (s *Server) Leader() bool { return s.Reconciler != nil && s.Reconciler.Leader() }

// whileLeader runs fn while this process holds the reconciler lease: fn
// starts when the lease is taken and its context ends when the lease is
// lost (or ctx ends); then it waits for the lease again. fn must return
// when its context ends.
func (s *Server) whileLeader(ctx context.Context, name string, fn func(context.Context) error) error {
	t := time.NewTicker(gatePoll)
	defer t.Stop()
	for {
		for !s.Leader() {
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
		tctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		s.gates.set(name, true)
		s.log.Debug("gated loop started", "loop", name)
		go func() { done <- fn(tctx) }()
		var err error
	watch:
		for {
			select {
			case err = <-done:
				break watch
			case <-t.C:
				if !s.Leader() {
					cancel()
					err = <-done
					break watch
				}
			}
		}
		cancel()
		s.gates.set(name, false)
		s.log.Debug("gated loop stopped", "loop", name)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil || tctx.Err() == nil {
			return err // failed, or finished on its own (nothing to run)
		}
	}
}

// haParts is the server's state for running beside other replicas.
type haParts struct {
	proxies []*net.IPNet
}

// runFleet keeps the placement engine's fleet current. On PostgreSQL it
// LISTENs for the fleet channel that every replica NOTIFYs after changing
// providers, sites, prices, exchange rates or health (fleetChanged), and
// reloads on each notification and whenever the listener (re)connects; a
// timer reloads at each UTC midnight (the exchange rate in force changes
// with the day). On SQLite one process owns the database and the fleet
// polls its fingerprint as before.
//
// The same listener keeps the ledger's cached price book current
// (store.ListenFleet, store.PriceMemo): while it is down, reads load the
// prices at every use.
//
// A "health" notification (a batch of site health changes the leader's
// monitor wrote) reloads even when the fingerprint looks unchanged. That
// guarded the fingerprint of row counts and newest updated_at, which a
// batch committed after a concurrent write stamped a later time did not
// move; the fingerprint is now each fleet table's change counter
// (store.Fingerprint), which moves in commit order with every batch.
func (s *Server) runFleet(ctx context.Context) error {
	if s.Store.Dialect() != store.Postgres {
		return s.Fleet.Run(ctx, 2*time.Second)
	}
	var force atomic.Bool
	kick := make(chan struct{}, 1)
	poke := func() {
		select {
		case kick <- struct{}{}:
		default:
		}
	}
	// The API's cache of resolved tokens lives only while this listener
	// tells it of every change to tokens, users, bindings and grants.
	go func() { _ = s.Store.ListenAuth(ctx) }()
	go func() {
		if err := s.Store.ListenFleet(ctx, poke, func(payload string) {
			if payload == notifyHealth {
				force.Store(true)
			}
			poke()
		}); err != nil && ctx.Err() == nil {
			s.log.Warn("listening for fleet changes", "err", err)
		}
	}()
	for {
		now := time.Now().UTC()
		midnight := time.NewTimer(now.Truncate(24 * time.Hour).Add(24*time.Hour + time.Second).Sub(now))
		select {
		case <-ctx.Done():
			midnight.Stop()
			return nil
		case <-kick:
		case <-midnight.C:
		}
		midnight.Stop()
		if err := s.Fleet.Refresh(ctx, force.Swap(false)); err != nil && ctx.Err() == nil {
			s.log.Warn("refreshing the fleet", "err", err)
		}
	}
}

// fleetChanged reloads this replica's fleet now, and tells the others.
func (s *Server) fleetChanged(ctx context.Context) {
	if err := s.Fleet.Refresh(ctx, false); err != nil {
		s.log.Warn("refreshing the fleet", "err", err)
	}
	if err := s.Store.Notify(context.WithoutCancel(ctx), store.ChannelFleet, ""); err != nil {
		s.log.Warn("notifying fleet change", "err", err)
	}
}

// fleetRoutes are the API paths whose writes change the placement
// engine's fleet.
var fleetRoutes = []string{"/v1/providers", "/v1/sites", "/v1/prices", "/v1/fx-rates", "/v1/institutions", "/v1/sim/"}

func isFleetWrite(r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
		return false
	}
	for _, p := range fleetRoutes {
		if strings.HasPrefix(r.URL.Path, p) {
			return true
		}
	}
	return false
}

// fleetSync makes a successful write to the fleet reach this replica's
// placement engine before the response leaves (a preview right after
// POST /v1/prices sees the price), and every other replica's through
// NOTIFY. The handlers commit before they write the response, so the
// reload happens when the status is written.
func (s *Server) fleetSync(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isFleetWrite(r) {
			next.ServeHTTP(w, r)
			return
		}
		fw := &fleetWriter{ResponseWriter: w, done: func(code int) {
			if code >= 200 && code < 300 {
				s.fleetChanged(r.Context())
			}
		}}
		next.ServeHTTP(fw, r)
		if !fw.wrote {
			fw.WriteHeader(http.StatusOK)
		}
	})
}

type fleetWriter struct {
	http.ResponseWriter
	done  func(int)
	wrote bool
}

func (w *fleetWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		w.done(code)
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *fleetWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *fleetWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// trustProxies believes X-Forwarded-For only on requests that arrive from
// a configured trusted proxy (trusted_proxies): the client is the
// right-most address in the header that is not itself a trusted proxy,
// and becomes the request's RemoteAddr (rate limits per address, audit).
// From anyone else the header is removed, so nothing downstream can be
// fooled by it.
func (s *Server) trustProxies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		xff := r.Header.Values("X-Forwarded-For")
		if len(xff) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		if !s.trusted(hostOf(r.RemoteAddr)) {
			r.Header.Del("X-Forwarded-For")
			next.ServeHTTP(w, r)
			return
		}
		var hops []string
		for _, v := range xff {
			for _, h := range strings.Split(v, ",") {
				if h = strings.TrimSpace(h); h != "" {
					hops = append(hops, h)
				}
			}
		}
		client := ""
		for i := len(hops) - 1; i >= 0; i-- {
			ip := net.ParseIP(hostOf(hops[i]))
			if ip == nil {
				break // garbage: keep the proxy as the source
			}
			client = ip.String()
			if !s.trusted(ip.String()) {
				break
			}
		}
		if client != "" {
			r2 := r.Clone(r.Context())
			r2.RemoteAddr = net.JoinHostPort(client, "0")
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) trusted(host string) bool {
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range s.ha.proxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return strings.Trim(h, "[]")
	}
	return strings.Trim(addr, "[]")
}

// settingFlowKey holds the key (hex) that signs OIDC flow cookies for
// every replica; made once by whichever replica starts first.
const settingFlowKey = "ha/oidc_flow_key"

// sharedKey returns the random 32-byte key stored under setting, making it
// if absent. Two replicas starting at once both insert; the first wins and
// both read it back.
func (s *Server) sharedKey(ctx context.Context, setting string) ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	tx := s.Store.Read()
	if _, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, setting, hex.EncodeToString(b)); err != nil {
		return nil, fmt.Errorf("storing the shared key %s: %w", setting, err)
	}
	v, ok, err := tx.Setting(ctx, setting)
	if err != nil || !ok {
		return nil, fmt.Errorf("reading the shared key %s: %v", setting, err)
	}
	return hex.DecodeString(v)
}

// wireHA shares what must be shared between replicas: the OIDC flow key,
// and fleet health changes (every replica's placement engine hears them).
func (s *Server) wireHA(ctx context.Context) error {
	k, err := s.sharedKey(ctx, settingFlowKey)
	if err != nil {
		return err
	}
	s.API.SetFlowKey(k)
	// One notification per batch written together (up to
	// fleet.HealthBatch sites), not one per site.
	s.Ops.Health.OnTransitions(func([]health.Transition) {
		nctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Store.Notify(nctx, store.ChannelFleet, notifyHealth); err != nil {
			s.log.Warn("notifying a health change", "err", err)
		}
	})
	return nil
}

// notifyHealth is the fleet channel's payload for health changes.
const notifyHealth = "health"

// rateSyncEvery is how often a replica shares its rate-limit counts.
const rateSyncEvery = 250 * time.Millisecond

// shareRateLimits makes the abuse limits service-wide on PostgreSQL
// (api/ratesync.go); on SQLite one process holds every bucket.
func (s *Server) shareRateLimits(ctx context.Context) error {
	if s.Store.Dialect() != store.Postgres {
		return nil
	}
	return s.API.ShareRateLimits(ctx, s.Store, rateSyncEvery)
}
