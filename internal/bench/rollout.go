package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/soberana/soberana/internal/deploy"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider/sim"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/store"
)

// RolloutOpts tune the wave rollout benchmark (`soberana bench rollout`).
type RolloutOpts struct {
	Sites     int     // sim sites in one edge group (default 1000)
	Wave      int     // sites per wave (max_parallel; default 100)
	Canary    int     // first wave's size (default 0: none)
	Threshold float64 // failure threshold share (default 0.1)
	// FailShare is the share of the sites of wave FailWave (1-based) that
	// fail (injected on the sim); 0: none.
	FailShare float64
	FailWave  int
	// DatabaseURL: an empty database (default a scratch SQLite file).
	DatabaseURL string
	// Store: use this migrated store instead (tests).
	Store *store.Store
	// MaxPasses bounds the rollout loop's passes (default 100 per wave + 100).
	MaxPasses int
}

// RolloutResult is what the benchmark measured: the rollout is driven
// pass by pass with a simulated clock (a second per pass), so Passes and
// the outcome do not depend on the machine; the seconds do.
type RolloutResult struct {
	Head
	Sites           int                `json:"sites"`
	Wave            int                `json:"wave"`
	Canary          int                `json:"canary"`
	Threshold       float64            `json:"failure_threshold"`
	InjectedFailed  int                `json:"injected_failed"`
	State           model.ReleaseState `json:"state"`
	Reason          string             `json:"reason"`
	WavesTotal      int                `json:"waves_total"`
	WavesDone       int                `json:"waves_done"`
	SitesOK         int                `json:"sites_ok"`
	SitesFailed     int                `json:"sites_failed"`
	SitesRolledBack int                `json:"sites_rolled_back"`
	Passes          int                `json:"passes"`
	SetupSeconds    float64            `json:"setup_seconds"`
	RolloutSeconds  float64            `json:"rollout_seconds"`
	SitesPerSecond  float64            `json:"sites_per_second"`
}

// Rollout registers Sites sim sites in one edge group (one subcloud per
// ten sites), creates an app and releases it to the group in waves, with
// the injected failures asked for, and drives the rollout loop until the
// release ends.
func Rollout(ctx context.Context, o RolloutOpts) (RolloutResult, error) {
	positive(&o.Sites, 1000)
	positive(&o.Wave, 100)
	if o.Threshold == 0 {
		o.Threshold = 0.1
	}
	res := RolloutResult{Head: Head{Scenario: "rollout", Database: "sqlite"}, Sites: o.Sites, Wave: o.Wave, Canary: o.Canary, Threshold: o.Threshold}
	st := o.Store
	if st == nil {
		s, kind, done, err := scratchStore(ctx, o.DatabaseURL, "rollout", "writes a synthetic edge")
		if err != nil {
			return res, err
		}
		defer done()
		st, res.Database = s, kind
	}
	clock := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	st.SetClock(func() time.Time { return clock })

	setup := time.Now()
	fx, err := rolloutFixture(ctx, st, o.Sites)
	if err != nil {
		return res, fmt.Errorf("setting up: %w", err)
	}
	drv := sim.New(st)
	if o.FailShare > 0 {
		bad := failingSites(o, fx.sites)
		if err := drv.SetAppFault(ctx, bad, true); err != nil {
			return res, err
		}
		res.InjectedFailed = len(bad)
	}
	ro, rel, err := startRelease(ctx, st, drv, fx, o)
	if err != nil {
		return res, err
	}
	res.SetupSeconds = time.Since(setup).Seconds()
	limit := o.MaxPasses
	if limit <= 0 {
		limit = 100*(o.Sites/o.Wave+2) + 100
	}
	began := time.Now()
	rel, res.Passes, err = driveRollout(ctx, st, ro, rel, limit, &clock)
	if err != nil {
		return res, err
	}
	res.RolloutSeconds = time.Since(began).Seconds()
	p := deploy.ProgressOf(rel)
	res.State, res.Reason = rel.State, deploy.Render("en", rel.Reason)
	res.WavesTotal, res.WavesDone = p.WavesTotal, p.WavesDone
	res.SitesOK, res.SitesFailed, res.SitesRolledBack = p.SitesOK, p.SitesFailed, p.SitesRolledBack
	if res.RolloutSeconds > 0 {
		res.SitesPerSecond = float64(o.Sites) / res.RolloutSeconds
	}
	return res, nil
}

// failingSites are the sites (of sites, in the group's rollout order) to
// make fail: o.FailShare of wave o.FailWave (the first when unset),
// spread over the wave.
func failingSites(o RolloutOpts, sites []string) []string {
	fw := max(o.FailWave, 1)
	start, size, left := 0, 0, o.Sites
	for w := 1; w <= fw && left > 0; w++ {
		start += size
		size = o.Wave
		if w == 1 && o.Canary > 0 {
			size = o.Canary
		}
		size = min(size, left)
		left -= size
	}
	n := int(o.FailShare*float64(size) + 0.5)
	var bad []string
	for i := 0; i < n && start+i < len(sites); i++ {
		// spread over the wave: every (size/n)-th site
		j := start + i*size/n
		if j < len(sites) {
			bad = append(bad, sites[j])
		}
	}
	return bad
}

// startRelease creates the app on the fixture's workload and its release
// to the edge group in waves of o.Wave (o.Canary first), and takes the
// rollout lease: the loop it returns drives that release on drv.
func startRelease(ctx context.Context, st *store.Store, drv *sim.Driver, fx rolloutFix, o RolloutOpts) (*deploy.Rollouts, model.Release, error) {
	box, err := scratchBox(st)
	if err != nil {
		return nil, model.Release{}, err
	}
	svc := deploy.NewService(st, func() deploy.Box { return box })
	app, _, err := svc.CreateApp(ctx, "usr_bench", deploy.AppRequest{ProjectID: fx.project, WorkloadID: fx.workload, Name: "citas",
		Image: "registry.example.mx/salud/citas:v1", Port: 8080, Replicas: 2})
	if err != nil {
		return nil, model.Release{}, err
	}
	ro := deploy.NewRollouts(deploy.Options{Holder: "bench", LeaseTTL: 24 * time.Hour, Poll: time.Second, StepTimeout: time.Minute}, st,
		deploy.DeployersFunc(func(context.Context, string) (deploy.Deployer, error) { return drv, nil }), nil)
	if ok, err := st.AcquireLease(ctx, deploy.LeaseName, "bench", 24*time.Hour); err != nil || !ok {
		return nil, model.Release{}, fmt.Errorf("rollout lease: %v %w", ok, err)
	}
	th := o.Threshold
	rel, err := svc.CreateRelease(ctx, "usr_bench", deploy.SourceAPI, app.ID, deploy.ReleaseRequest{Image: "v2",
		StrategyRequest: deploy.StrategyRequest{Group: fx.group, MaxParallel: o.Wave, Canary: o.Canary, FailureThreshold: &th}})
	return ro, rel, err
}

// driveRollout runs passes of ro, at most limit, until release rel ends,
// moving the simulated clock a second after each pass that leaves it
// unfinished; it returns the release as last read and the passes run.
func driveRollout(ctx context.Context, st *store.Store, ro *deploy.Rollouts, rel model.Release, limit int, clock *time.Time) (model.Release, int, error) {
	passes := 0
	for passes < limit {
		passes++
		if _, err := ro.Pass(ctx); err != nil {
			return rel, passes, fmt.Errorf("pass %d: %w", passes, err)
		}
		var err error
		if rel, err = st.Read().Releases().Get(ctx, rel.ID); err != nil {
			return rel, passes, err
		}
		if rel.State == model.ReleaseSucceeded || rel.State == model.ReleaseFailed {
			break
		}
		*clock = clock.Add(time.Second)
	}
	return rel, passes, nil
}

type rolloutFix struct {
	project, workload, group string
	sites                    []string // in the group's rollout order
}

// rolloutFixture: the demo seed, a sim edge provider with n sites in one
// group (a subcloud per ten sites), and a running namespace workload of
// the first project (the app's; it has no replica on the edge sites).
func rolloutFixture(ctx context.Context, st *store.Store, n int) (rolloutFix, error) {
	var fx rolloutFix
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := seed.Demo(ctx, tx); err != nil {
			return err
		}
		projs, err := tx.Projects().All(ctx)
		if err != nil {
			return err
		}
		proj := projs[0]
		fx.project = proj.ID
		prv := model.Provider{Name: "edge sim", Driver: model.DriverSim, Kind: model.ProviderKindEdge,
			Jurisdiction: "MX", Certification: "restricted", Currency: "MXN"}
		if err := tx.Providers().Create(ctx, &prv, "prv"); err != nil {
			return err
		}
		off := model.Offering{Name: "ns-edge", Kind: model.KindNamespace, VCPUs: 1, MemoryMiB: 1024, DiskGiB: 1}
		if err := tx.Offerings().Create(ctx, &off, "off"); err != nil {
			return err
		}
		wl := model.Workload{ProjectID: proj.ID, InstitutionID: proj.InstitutionID, BudgetLineID: proj.BudgetLineID,
			WorkloadPolicy: model.WorkloadPolicy{OfferingID: off.ID, Replicas: 1, Classification: "internal"}, Currency: "MXN", State: model.StateRunning}
		if err := tx.Workloads().Create(ctx, &wl, "wl"); err != nil {
			return err
		}
		fx.workload = wl.ID
		g := model.EdgeGroup{ProviderID: prv.ID, Name: "ring-1", Kind: "rollout"}
		if err := tx.EdgeGroups().Create(ctx, &g, "egr"); err != nil {
			return err
		}
		fx.group = g.Name
		sites := make([]model.Site, n)
		var scs []model.Subcloud
		var pairs [][2]string
		for i := range sites {
			sites[i] = model.Site{Meta: model.Meta{ID: fmt.Sprintf("site_edge_%05d", i)}, ProviderID: prv.ID, Name: fmt.Sprintf("edge-%05d", i),
				Country: "MX", Tier: "edge", FailureDomain: fmt.Sprintf("fd-%05d", i), Health: model.HealthHealthy}
			if i%10 == 0 {
				scs = append(scs, model.Subcloud{Meta: model.Meta{ID: fmt.Sprintf("sbc_edge_%05d", i/10)}, ProviderID: prv.ID, GroupID: g.ID,
					Name: fmt.Sprintf("sc-%05d", i/10), PublicKey: "-"})
			}
			pairs = append(pairs, [2]string{sites[i].ID, scs[len(scs)-1].ID})
			fx.sites = append(fx.sites, sites[i].ID)
		}
		if err := tx.Sites().CreateMany(ctx, sites, "site"); err != nil {
			return err
		}
		if err := tx.Subclouds().CreateMany(ctx, scs, "sbc"); err != nil {
			return err
		}
		return tx.LinkSubcloudSites(ctx, pairs)
	})
	return fx, err
}
