// Package server wires the store, the API and the background actors into
// one process and runs them with an ordered, graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/buildinfo"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/console"
	"github.com/soberana/soberana/internal/fleet"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/reconcile"
	"github.com/soberana/soberana/internal/residency"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/sshca"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/tick"
	"github.com/soberana/soberana/internal/utilization"
	"github.com/soberana/soberana/internal/workload"
)

// Version is the running build's version (internal/buildinfo: -ldflags
// -X …/buildinfo.version=…, else the module version Go embeds).
var Version = buildinfo.Get().Version

// settingInitialized marks a database that has been bootstrapped.
const settingInitialized = "initialized_at"

// Server is one soberana process.
type Server struct {
	cfg   config.Config
	log   *slog.Logger
	Store *store.Store
	API   *api.API
	// AdminToken is set when this start created the first admin token.
	AdminToken string
	// Seeded is true when this start created the demo fleet.
	Seeded bool
	// Installation is this installation's id, on every resource it makes.
	Installation model.Installation
	ln           net.Listener

	// Fleet keeps the placement engine current; Workloads is the workload
	// service; Reconciler drives placements; Drivers holds the provider
	// drivers; Sim is the built-in simulated provider's driver.
	Fleet     *fleet.Fleet
	Workloads *workload.Service
	// Ledger is the workloads' budget and meter, and serves statements.
	Ledger     *ledger.Ledger
	Reconciler *reconcile.Reconciler
	Drivers    *provider.Registry
	Sim        *sim.Driver
	// Ops is monitoring, alerts, failover, migration and residency.
	Ops *Ops

	// sshCA issues SSH certificates (SSHCA).
	sshCA *sshca.Service

	identity identity
	deploy   deployParts
	gates    gates
	ha       haParts
	usage    *utilization.Sampler
	// pace is the process's governor of bulk background passes: the
	// reconciler's resync, orphan sweep and stranded power settling and
	// the utilization sampler run one at a time, resting between chunks
	// (package pace).
	pace *pace.Governor
	edgeParts
}

// Open opens the database, applies migrations and, on a new database,
// creates the first admin token and (with Demo) the demo fleet.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*Server, error) {
	st, err := store.Open(ctx, cfg.DatabaseTarget())
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s := &Server{cfg: cfg, log: log, Store: st}
	s.metricsReg = reg
	if s.ha.proxies, err = config.ParseCIDRs(cfg.TrustedProxies); err != nil {
		_ = st.Close()
		return nil, err
	}
	rl := cfg.RateLimit
	s.API = api.New(api.Options{Store: st, Log: log, Registry: reg, Version: Version, Limits: api.Limits{
		PerIP: float64(rl.PerIP), PerIPBurst: rl.PerIPBurst, PerCaller: float64(rl.PerCaller), PerCallerBurst: rl.PerCallerBurst}})
	if err := s.bootstrap(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	if err := s.wire(ctx, reg); err != nil {
		_ = st.Close()
		return nil, err
	}
	if err := s.wireIdentity(); err != nil {
		_ = st.Close()
		return nil, err
	}
	if err := s.sealClearSecrets(ctx); err != nil {
		_ = st.Close()
		return nil, err
	}
	return s, nil
}

// wire builds the placement engine from the store (replaying the live
// placements' reservations), the workload service, the provider drivers
// and the reconciler, and adds their routes to the API.
func (s *Server) wire(ctx context.Context, reg *prometheus.Registry) error {
	eng := placement.New(placement.Options{})
	s.Fleet = fleet.New(s.Store, eng, s.log)
	if err := s.Fleet.Load(ctx); err != nil {
		return fmt.Errorf("loading the fleet: %w", err)
	}
	in, err := s.Store.Installation(ctx)
	if err != nil {
		return fmt.Errorf("reading this installation's id: %w", err)
	}
	s.Installation = in
	s.log.Info("installation", "id", in.ID, "since", in.CreatedAt)
	s.Drivers = provider.NewRegistry(provider.Deps{Store: s.Store, Log: s.log, Installation: in.ID, Secrets: s.secretBox})
	s.API.SetSealer(func() api.Sealer {
		if b := s.Secrets(); b != nil {
			return b
		}
		return nil
	})
	s.Sim = sim.New(s.Store)
	s.Drivers.Set(sim.Name, s.Sim)
	s.wireImages(ctx)
	s.Workloads = workload.New(s.Store, s.Fleet, s.log)
	s.Ledger = ledger.New(s.Store, ledger.Options{Lang: api.Lang, Log: s.log})
	s.Workloads.Budget, s.Workloads.Meter = s.Ledger, s.Ledger
	s.Workloads.Drivers = s.driverOf
	s.API.AddLedger(s.Ledger)
	s.Ops = newOps(s, reg)
	s.pace = pace.New(pace.Options{})
	ro := reconcile.Options{LeaseTTL: s.cfg.Reconcile.LeaseTTL, OrphanEvery: s.cfg.Reconcile.OrphanEvery,
		OrphanGrace: s.cfg.Reconcile.OrphanGrace, Idle: s.cfg.Reconcile.Idle, Resync: s.cfg.Reconcile.Resync, Installation: in.ID,
		Pace: s.pace}
	s.Ops.reconcileOptions(&ro)
	s.Reconciler = reconcile.New(ro, s.Store, s.Workloads, s.Fleet, s.Drivers, s.log, reg)
	s.Workloads.Kick = s.Reconciler.Kick
	s.API.AddWorkloads(api.WorkloadOptions{Service: s.Workloads})
	s.API.AddDrift()
	s.wireUtilization(reg)
	s.API.AddEdge(api.EdgeOptions{CredentialsChanged: func(ctx context.Context) {
		if tr := s.EdgeTracker(); tr != nil {
			if err := tr.Reload(ctx); err != nil {
				s.log.Warn("reloading edge credentials", "err", err)
			}
		}
	}})
	s.wireDeploy()
	s.wireSSHCA()
	s.API.AddSim(api.SimOptions{
		Driver: s.Sim,
		SetSiteHealth: func(r *http.Request, siteID, health string) error {
			err := s.Fleet.SetSiteHealth(r.Context(), siteID, health)
			s.Reconciler.Kick()
			return err
		},
		Usage:   s.Fleet.Usage,
		Orphans: func() any { return s.Reconciler.Orphans() },
	})
	s.Ops.addRoutes()
	s.API.AddMigrations(api.MigrationOptions{Service: s.Ops.Migrate})
	if err := s.wireHA(ctx); err != nil {
		return err
	}
	s.API.AddResidency(api.ResidencyOptions{Build: func(ctx context.Context, institutionID string, lang i18n.Lang) (residency.Report, error) {
		return residency.Build(ctx, s.Store, institutionID, lang)
	}})
	return nil
}

func (s *Server) bootstrap(ctx context.Context) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		_, done, err := tx.Setting(ctx, settingInitialized)
		if err != nil || done {
			return err
		}
		secret, _, err := auth.BootstrapToken(ctx, tx, "bootstrap admin", s.cfg.BootstrapToken)
		if err != nil {
			return fmt.Errorf("creating the first admin token: %w", err)
		}
		s.AdminToken = secret
		if s.cfg.Demo {
			if err := seed.Demo(ctx, tx); err != nil {
				return fmt.Errorf("seeding the demo fleet: %w", err)
			}
			s.Seeded = true
		}
		return tx.PutSetting(ctx, settingInitialized, tx.Now().Format(time.RFC3339))
	})
}

// Listen binds the configured address (port 0 picks a free one).
func (s *Server) Listen() (net.Addr, error) {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", s.cfg.Addr, err)
	}
	s.ln = ln
	return ln.Addr(), nil
}

// URL is the base URL clients use.
func (s *Server) URL() string {
	scheme := "http"
	if s.cfg.TLS.CertFile != "" {
		scheme = "https"
	}
	return scheme + "://" + s.ln.Addr().String()
}

// Run serves until ctx is done, then stops in order: stop accepting, drain
// requests, stop background actors, close the database.
func (s *Server) Run(ctx context.Context) error {
	if s.ln == nil {
		if _, err := s.Listen(); err != nil {
			return err
		}
	}
	handler, herr := s.handler()
	if herr != nil {
		return herr
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    api.ServerMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		if s.cfg.TLS.CertFile != "" {
			srv.TLSConfig, err = tlsConfig(s.cfg.TLS.CertFile, s.cfg.TLS.KeyFile, s.getenv)
			if err == nil {
				err = srv.ServeTLS(s.ln, "", "") // certificates from TLSConfig, reloaded on change
			}
		} else {
			err = srv.Serve(s.ln)
		}
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	})
	g.Go(func() error { return s.runFleet(gctx) })
	g.Go(func() error { return s.shareRateLimits(gctx) })
	g.Go(func() error { return s.Reconciler.Run(gctx) })
	g.Go(func() error { return s.runDeploy(gctx) })
	g.Go(func() error { return s.whileLeader(gctx, "identity", s.runIdentity) })
	g.Go(func() error { return s.Ops.Run(gctx) })
	g.Go(func() error { return s.whileLeader(gctx, "rating", s.rateLoop) })
	g.Go(func() error { return s.whileLeader(gctx, "images", s.imageLoop) })
	g.Go(func() error { return s.runUtilization(gctx) })
	g.Go(func() error { return s.runEdge(gctx) })
	g.Go(func() error {
		<-gctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer cancel()
		s.log.Info("shutting down", "timeout", s.cfg.ShutdownTimeout)
		return srv.Shutdown(sctx)
	})
	err := g.Wait()
	if cerr := s.Store.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}

// rateLoop rates metered usage into charges every ledger.rate_every while
// this process holds the reconciler lease, so budget lines' accrued and
// available follow usage between month closings. Rating is idempotent, so
// a pass cut short by a crash is simply done again.
func (s *Server) rateLoop(ctx context.Context) error {
	return tick.After(ctx, s.cfg.Ledger.RateEvery, func(ctx context.Context) {
		if !s.Reconciler.Leader() {
			return
		}
		pctx, cancel := context.WithTimeout(ctx, s.cfg.Ledger.RateEvery)
		res, err := s.Ledger.RatePaced(pctx, s.pace, s.Store.Now(), "")
		cancel()
		if err != nil && ctx.Err() == nil {
			s.log.Warn("rating usage", "err", err)
			return
		}
		s.log.Debug("rated usage", "result", res)
	})
}

// handler is the root handler: the web console at "/" in front of the API
// (/v1, /openapi.json, /healthz, /readyz, /metrics). Built at Run so that
// every route added to the API before then is served and visible to the
// console.
func (s *Server) handler() (http.Handler, error) {
	apiHandler := s.API.Handler()
	routes := map[string]bool{}
	for _, rt := range s.API.Routes() {
		routes[rt.Method+" "+rt.Path] = true
	}
	con, err := console.New(console.Options{API: apiHandler, Sessions: s.API.Auth().Console(), Log: s.log,
		HasRoute: func(method, pattern string) bool { return routes[method+" "+pattern] }})
	if err != nil {
		return nil, err
	}
	return s.trustProxies(s.fleetSync(s.API.Guard(con.Mount(apiHandler)))), nil
}

// Close releases the database without serving (for migrate-only runs).
func (s *Server) Close() error { return s.Store.Close() }

// WriteAdminToken stores the demo admin token in the data directory (0600)
// so that `up` can show it again on later starts. Only `up` calls this;
// `serve` never writes a token to disk.
func WriteAdminToken(dataDir, token string) error {
	return os.WriteFile(filepath.Join(dataDir, "admin-token"), []byte(token+"\n"), 0o600)
}

// ReadAdminToken reads what WriteAdminToken stored.
func ReadAdminToken(dataDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dataDir, "admin-token"))
	if err != nil {
		return "", err
	}
	return string(trimNL(b)), nil
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// driverOf is the driver of a provider by its id (power actions, resizes).
func (s *Server) driverOf(providerID string) (provider.Driver, error) {
	p, ok := s.Fleet.Provider(providerID)
	if !ok {
		return nil, fmt.Errorf("provider %s: %w", providerID, provider.ErrUnknownDriver)
	}
	return s.Drivers.Get(p.Driver)
}
