package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/soberana/soberana/internal/bench"
	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server"
	"github.com/soberana/soberana/internal/workload"
)

func init() { benchScenarios["edge"] = benchEdgeCmd }

// edgeBenchResult is the JSON line of `soberana bench edge` (issue 21's
// figures).
type edgeBenchResult struct {
	Sites  int `json:"sites"`
	Groups int `json:"groups"`
	// Workloads the server holds running on the edge sites during the
	// measurements (created through the workload service before them),
	// how long creating them until all ran took, and the replicas the
	// placement engine holds reserved on the edge sites.
	Workloads         int     `json:"workloads"`
	WorkloadsSeconds  float64 `json:"workloads_seconds"`
	WorkloadsRunning  int64   `json:"workloads_running"`
	EdgeVCPUsReserved int64   `json:"edge_vcpus_reserved"`
	Every             string  `json:"heartbeat_every"`
	// Agents is where the simulated agents ran: "subprocess" keeps their
	// signing out of the server's CPU figure. The subprocess runs at the
	// lowest CPU priority (nice 19): its 10,000 agents stand in for
	// 10,000 machines at the sites, which in production take no CPU from
	// the server; AgentsCPUShare is what it used over the window.
	Agents         string  `json:"agents"`
	AgentsCPUShare float64 `json:"agents_cpu_share_of_one_core,omitempty"`
	ImportSeconds  float64 `json:"import_seconds"`
	// RSSMiB is the resident memory of this process, which is the server
	// (server.Open runs in it; the agents run in a subprocess), after a
	// garbage collection; HeapMiB the Go heap in use then.
	RSSMiB  float64 `json:"rss_mib"`
	HeapMiB float64 `json:"go_heap_inuse_mib"`
	// Over the measuring window: heartbeats the tracker accepted per
	// second, and the server process's CPU time per wall second (share of
	// one core: heartbeat verification, health derivation and whatever
	// else the idle server does).
	WindowSeconds    float64          `json:"window_seconds"`
	HeartbeatsPerSec float64          `json:"heartbeats_per_second"`
	Rejected         map[string]int64 `json:"rejected"`
	ServerCPUShare   float64          `json:"server_cpu_share_of_one_core"`
	// HealthCPUShare is the part of it spent deriving health: the CPU
	// profile's samples labelled edge.HealthLabel (verifying beats,
	// ticks, scans and their writes) per wall second. Issue #21's
	// figure: at most 0.10.
	HealthCPUShare float64 `json:"health_cpu_share_of_one_core"`
	LastTickMs     float64 `json:"last_derivation_ms"`
	SitesHeard     int     `json:"sites_heard_last_interval"`
	DownAfter      string  `json:"monitoring_down_after"`
	// From the stopped site's last heartbeat to its health reading down
	// (seconds, and in heartbeat intervals: beats missed).
	StoppedDownSecs  float64 `json:"stopped_site_down_after_seconds"`
	StoppedDownBeats float64 `json:"stopped_site_down_after_beats"`
	StoppedDown      string  `json:"stopped_site_down_after"`
	Previews         int     `json:"previews"`
	PreviewP50Ms     float64 `json:"preview_p50_ms"`
	PreviewP99Ms     float64 `json:"preview_p99_ms"`
	// PreviewMaxMs and PreviewsOver5Ms show how the slow tail is made:
	// a few stalls (a background pass or a collection) or a slow path.
	PreviewMaxMs    float64 `json:"preview_max_ms"`
	PreviewsOver5Ms int     `json:"previews_over_5ms"`
	// Garbage collections while the previews ran, and their pauses.
	PreviewGCs        uint32  `json:"gcs_during_previews"`
	PreviewGCPausesMs float64 `json:"gc_pauses_during_previews_ms"`
	LoadAverageBefore string  `json:"load_average"`
}

func benchEdgeCmd(g *globals) *cobra.Command {
	c := jsonBench(g, "edge", "Edge at scale: import N sites in groups, heartbeats from all through NATS, RSS, server CPU, time to mark a stopped site down, preview p99",
		func(ctx context.Context, o edgeBenchOptions) (edgeBenchResult, error) {
			o.stderr = g.stderr
			return runEdgeBench(ctx, o)
		},
		func(f *pflag.FlagSet, o *edgeBenchOptions) {
			f.IntVar(&o.sites, "sites", 10000, "edge sites (one subcloud each)")
			f.IntVar(&o.groups, "groups", 200, "edge groups the sites are spread over")
			f.DurationVar(&o.every, "every", 10*time.Second, "heartbeat interval")
			f.DurationVar(&o.window, "window", 0, "CPU measuring window (default 3 intervals)")
			f.StringVar(&o.nats, "nats", "nats://127.0.0.1:4222", "broker URL")
			f.StringVar(&o.db, "database-url", "", "PostgreSQL URL (default: SQLite in a temporary directory)")
			f.StringVar(&o.agents, "agents", "subprocess", "where the simulated agents run: subprocess or in-process")
			f.IntVar(&o.previews, "previews", 500, "placement previews to time")
			f.StringVar(&o.profDir, "profile-dir", "", "write the server's profiles here: window.pprof (CPU over the measuring window), heap.pprof (after it) , previews.pprof (CPU over the timed previews) and previews.trace (their execution trace: go tool trace -pprof=sched)")
			f.IntVar(&o.workloads, "workloads", 0, "workloads (one replica each, tier edge) created and running on the edge sites before the measurements")
		})
	c.Long = "Starts a server (SQLite, or --database-url), imports --sites subclouds in --groups groups over HTTP, runs their agents " +
		"(in a subprocess of this binary by default) through the broker at --nats, measures the server's resident memory and CPU " +
		"share over --window, stops one site's agent and times until it is down, then times POST /v1/placements:preview over HTTP."
	return c
}

type edgeBenchOptions struct {
	sites, groups, previews, workloads int
	every, window                      time.Duration
	nats, db, agents, profDir          string
	stderr                             io.Writer
}

// runEdgeBench is the scenario: a server with N edge sites imported and
// their agents beating, measured over a window, then one site stopped
// and timed until down, then placement previews timed.
func runEdgeBench(ctx context.Context, o edgeBenchOptions) (edgeBenchResult, error) {
	r := &edgeRun{o: o, res: edgeBenchResult{Sites: o.sites, Groups: o.groups, Workloads: o.workloads, Every: o.every.String(), Agents: o.agents, Rejected: map[string]int64{}}}
	if err := r.checkOptions(); err != nil {
		return r.res, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	dir, err := os.MkdirTemp("", "soberana-bench-edge-") // the agents' credentials
	if err != nil {
		return r.res, err
	}
	defer os.RemoveAll(dir)
	os.Setenv(server.EnvEdgeNATS, r.o.nats)
	os.Setenv(server.EnvEdgeEvery, r.o.every.String())
	defer os.Unsetenv(server.EnvEdgeNATS)
	defer os.Unsetenv(server.EnvEdgeEvery)
	stopServer, err := r.startServer(ctx)
	if err != nil {
		return r.res, err
	}
	defer stopServer()
	if err := r.importSites(ctx); err != nil {
		return r.res, err
	}
	stopAgents, err := r.startAgents(ctx, dir)
	defer stopAgents()
	if err != nil {
		return r.res, err
	}
	if err := r.awaitEveryHeard(); err != nil {
		return r.res, err
	}
	// The workloads come after every site is heard: a site never heard
	// goes down 3 intervals after import (edge.MissedBeats), and creating
	// 100,000 takes longer than that, so before this order the last few
	// thousand found every site down. Heartbeats keep arriving while
	// they are created, as in production.
	if r.o.workloads > 0 {
		if err := edgeBenchWorkloads(ctx, r.srv, r.cl, &r.res, r.prv.ID, r.d0, r.o.workloads); err != nil {
			return r.res, err
		}
	}
	if err := r.measureWindow(); err != nil {
		return r.res, err
	}
	if err := r.measureMemory(); err != nil {
		return r.res, err
	}
	if err := r.timeStoppedSite(ctx); err != nil {
		return r.res, err
	}
	err = r.timePreviews(ctx)
	return r.res, err
}

// edgeRun is one run of the edge bench: its options, the result it fills
// in, and what the steps hand on to each other.
type edgeRun struct {
	o   edgeBenchOptions
	res edgeBenchResult
	srv *server.Server
	cl  *client.Client
	prv model.Provider    // the edge provider
	imp edge.ImportResult // its subclouds, with their keys
	d0  benchDemo         // the demo project and offering
	tr  *edge.Tracker     // the server's, once it runs
	// agentsPid is the agents' subprocess (0: none); lastBeat is when the
	// agent the bench stops last beat, and stopAgent stops it.
	agentsPid int
	lastBeat  atomicTime
	stopAgent context.CancelFunc
}

// checkOptions refuses sizes the bench cannot run with, defaults the
// window to three intervals and notes the load average before the run
// (what else the machine was doing).
func (r *edgeRun) checkOptions() error {
	if r.o.sites < 2 || r.o.groups < 1 || r.o.every <= 0 {
		return fmt.Errorf("bench edge: --sites ≥ 2, --groups ≥ 1 and --every > 0")
	}
	if r.o.window <= 0 {
		r.o.window = 3 * r.o.every
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		r.res.LoadAverageBefore = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	return nil
}

// startServer starts the server and its client. Its tracker scans ten
// times an interval and takes a site down at its third missed beat
// (edge.MissedBeats); the monitor's own hysteresis (1.5 intervals, three
// missed ticks) comes later and is the fallback. The benchmark measures
// the previews, not the per-caller abuse limits: with them a sequential
// run waits out 429s (Retry-After 1 s) and p99 reads 1 s.
func (r *edgeRun) startServer(ctx context.Context) (stop func(), err error) {
	srv, stop, err := bench.StartServer(ctx, r.o.db, func(cfg *config.Config) {
		cfg.Monitoring.ProbeEvery, cfg.Monitoring.DownAfter = time.Hour, r.o.every*3/2
		bench.NoRateLimits(cfg)
		r.res.DownAfter = cfg.Monitoring.DownAfter.String()
	})
	if err != nil {
		return nil, err
	}
	r.srv, r.cl = srv, client.New(srv.URL(), srv.AdminToken)
	return stop, nil
}

// importSites creates the edge provider and imports the sites in one
// call, the groups declared in it, timing the import; then loads the
// demo project and offering the workloads and previews use.
func (r *edgeRun) importSites(ctx context.Context) error {
	if _, err := r.cl.Do(ctx, "POST", "/v1/providers", map[string]any{"name": "Bench Edge", "driver": "sim", "jurisdiction": "BR",
		"certification": "public", "currency": "BRL", "kind": "edge"}, &r.prv); err != nil {
		return fmt.Errorf("creating the edge provider: %w", err)
	}
	req := edgeBenchImport(r.o.sites, r.o.groups)
	start := time.Now()
	if _, err := r.cl.Do(ctx, "POST", "/v1/providers/"+r.prv.ID+"/subclouds:import", req, &r.imp); err != nil {
		return fmt.Errorf("importing: %w", err)
	}
	r.res.ImportSeconds = time.Since(start).Seconds()
	var err error
	r.d0, err = loadBenchDemo(ctx, r.srv)
	return err
}

// startAgents starts the agents: the first subcloud's in this process
// (the one the bench stops, noting its last beat), the others where
// --agents says. The returned stop, to be called even with an error,
// stops them all.
func (r *edgeRun) startAgents(ctx context.Context, dir string) (stop func(), err error) {
	creds := make([]edge.Credential, len(r.imp.Subclouds))
	for i, s := range r.imp.Subclouds {
		creds[i] = edge.Credential{ID: s.ID, Name: s.Name, PrivateKey: s.PrivateKey}
	}
	stopped := &edge.Agent{Cred: creds[0], Measure: func() (model.Capacity, model.Capacity) {
		r.lastBeat.Store(time.Now())
		return model.Capacity{}, model.Capacity{}
	}}
	stopCtx, stopAgent := context.WithCancel(ctx)
	r.stopAgent = stopAgent
	go func() { _ = edge.RunAgents(stopCtx, r.o.nats, []*edge.Agent{stopped}, r.o.every) }()
	switch r.o.agents {
	case "subprocess":
		kill, err := r.startSubprocess(ctx, dir, creds[1:])
		if err != nil {
			return stopAgent, err
		}
		return func() { kill(); stopAgent() }, nil
	case "in-process":
		agents := make([]*edge.Agent, 0, len(creds)-1)
		for _, c := range creds[1:] {
			agents = append(agents, &edge.Agent{Cred: c})
		}
		go func() { _ = edge.RunAgents(ctx, r.o.nats, agents, r.o.every) }()
		return stopAgent, nil
	default:
		return stopAgent, fmt.Errorf("--agents: subprocess or in-process, not %q", r.o.agents)
	}
}

// startSubprocess runs creds' agents in `soberana sim edge`, a
// subprocess of this binary at the lowest CPU priority where nice is
// found, so that their signing stays out of the server's CPU figure. It
// returns what kills it and waits.
func (r *edgeRun) startSubprocess(ctx context.Context, dir string, creds []edge.Credential) (kill func(), err error) {
	file := filepath.Join(dir, "credentials.json")
	b, _ := json.Marshal(creds)
	if err := os.WriteFile(file, b, 0o600); err != nil {
		return nil, err
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{exe, "sim", "edge", "--credentials", file, "--nats", r.o.nats, "--every", r.o.every.String()}
	if nice, err := exec.LookPath("nice"); err == nil {
		args = append([]string{nice, "-n", "19"}, args...)
		r.res.Agents = "subprocess (nice 19)"
	}
	sim := exec.CommandContext(ctx, args[0], args[1:]...)
	sim.Stdout, sim.Stderr = r.o.stderr, r.o.stderr
	if err := sim.Start(); err != nil {
		return nil, err
	}
	r.agentsPid = sim.Process.Pid
	return func() { _ = sim.Process.Kill(); _ = sim.Wait() }, nil
}

// awaitEveryHeard waits for the server's tracker and a first interval in
// which every site is heard: the measurements are of a steady state.
func (r *edgeRun) awaitEveryHeard() error {
	deadline := time.Now().Add(20*r.o.every + time.Minute)
	for {
		if r.tr = r.srv.EdgeTracker(); r.tr != nil {
			if heard, _, _ := r.tr.LastTick(); heard == r.o.sites {
				return nil
			}
		}
		if time.Now().After(deadline) {
			h := -1
			if r.tr != nil {
				h, _, _ = r.tr.LastTick()
			}
			return fmt.Errorf("not every site heard within %s (last interval: %d of %d)", 20*r.o.every+time.Minute, h, r.o.sites)
		}
		time.Sleep(r.o.every / 20)
	}
}

// measureWindow measures over the window: heartbeats accepted per
// second, the server's and the agents' CPU shares, and the health
// derivation's share. The window is always profiled: that share is the
// profile's samples labelled edge.HealthLabel.
func (r *edgeRun) measureWindow() error {
	acc0, _ := r.tr.Counts()
	var prof bytes.Buffer
	if err := pprof.StartCPUProfile(&prof); err != nil {
		return err
	}
	agentsCPU := func() time.Duration { d, _ := bench.PidCPU(r.agentsPid); return d } // 0 if unreadable
	cpu0, agents0, wall0 := bench.ProcessCPU(), agentsCPU(), time.Now()
	time.Sleep(r.o.window)
	cpu1, agents1, wall1 := bench.ProcessCPU(), agentsCPU(), time.Now()
	pprof.StopCPUProfile()
	if r.o.profDir != "" {
		if err := os.MkdirAll(r.o.profDir, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(r.o.profDir, "window.pprof"), prof.Bytes(), 0o644); err != nil {
			return err
		}
	}
	healthCPU, err := bench.LabelledCPU(prof.Bytes(), edge.HealthLabel[0], edge.HealthLabel[1])
	if err != nil {
		return err
	}
	acc1, rej := r.tr.Counts()
	res := &r.res
	res.WindowSeconds = wall1.Sub(wall0).Seconds()
	res.ServerCPUShare = round3((cpu1 - cpu0).Seconds() / res.WindowSeconds)
	if r.agentsPid != 0 {
		res.AgentsCPUShare = round3((agents1 - agents0).Seconds() / res.WindowSeconds)
	}
	res.HealthCPUShare = round3(healthCPU.Seconds() / res.WindowSeconds)
	if r.o.agents == "in-process" {
		res.Agents = "in-process (CPU share includes the agents' signing)"
	}
	res.HeartbeatsPerSec = round3(float64(acc1-acc0) / res.WindowSeconds)
	res.Rejected = rej
	h, _, took := r.tr.LastTick()
	res.SitesHeard, res.LastTickMs = h, round3(float64(took.Microseconds())/1000)
	return nil
}

// measureMemory notes the server's resident memory and Go heap after a
// garbage collection (what it holds, not what awaits collection), and
// writes the heap profile with --profile-dir.
func (r *edgeRun) measureMemory() error {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if r.o.profDir != "" {
		if err := writeHeapProfile(filepath.Join(r.o.profDir, "heap.pprof")); err != nil {
			return err
		}
	}
	r.res.RSSMiB, r.res.HeapMiB = round3(float64(bench.RSS())/(1<<20)), round3(float64(ms.HeapInuse)/(1<<20))
	return nil
}

// timeStoppedSite stops one site's agent and times how long until its
// site reads down, from the agent's last heartbeat: beats missed until
// down.
func (r *edgeRun) timeStoppedSite(ctx context.Context) error {
	siteID := r.imp.Subclouds[0].SiteID
	r.stopAgent()
	stoppedAt := time.Now()
	for {
		var s model.Site
		if _, err := r.cl.Do(ctx, "GET", "/v1/sites/"+siteID, nil, &s); err != nil {
			return err
		}
		if s.Health == model.HealthDown {
			break
		}
		if time.Since(stoppedAt) > 10*r.o.every+time.Minute {
			return fmt.Errorf("the stopped site was not down after %s", time.Since(stoppedAt).Round(time.Second))
		}
		time.Sleep(r.o.every / 50)
	}
	d := time.Since(r.lastBeat.Load())
	r.res.StoppedDownSecs, r.res.StoppedDownBeats = round3(d.Seconds()), round3(d.Seconds()/r.o.every.Seconds())
	r.res.StoppedDown = fmt.Sprintf("%.1f intervals", d.Seconds()/r.o.every.Seconds())
	return nil
}

// timePreviews times --previews placement previews over HTTP, one after
// the other, with the garbage collections they saw; with --profile-dir
// it profiles where they spend and wait and traces them.
func (r *edgeRun) timePreviews(ctx context.Context) error {
	body := map[string]any{"project_id": r.d0.projectBR, "offering_id": r.d0.offering, "replicas": 1, "classification": "internal",
		"residency": map[string]any{"countries": []string{"BR"}}}
	lat := make([]time.Duration, 0, r.o.previews)
	if r.o.profDir != "" {
		writeWaits := profileWaits(r.o.profDir)
		defer writeWaits()
	}
	var gc0 runtime.MemStats
	runtime.ReadMemStats(&gc0)
	stopProfile, err := startProfile(r.o.profDir, "previews.pprof")
	if err != nil {
		return err
	}
	defer stopProfile()
	stopTrace, err := startTrace(r.o.profDir, "previews.trace")
	if err != nil {
		return err
	}
	defer stopTrace()
	for range r.o.previews {
		t0 := time.Now()
		var err error
		trace.WithRegion(ctx, "preview", func() { _, err = r.cl.Do(ctx, "POST", "/v1/placements:preview", body, nil) })
		if err != nil {
			return fmt.Errorf("preview: %w", err)
		}
		lat = append(lat, time.Since(t0))
	}
	previewFigures(&r.res, lat, &gc0)
	return nil
}

// profileWaits starts recording where the previews wait, on locks and
// blocking; the returned func writes mutex.pprof and block.pprof to dir
// and stops recording.
func profileWaits(dir string) (write func()) {
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(int(100 * time.Microsecond))
	return func() {
		for _, name := range []string{"mutex", "block"} {
			if f, err := os.Create(filepath.Join(dir, name+".pprof")); err == nil {
				_ = pprof.Lookup(name).WriteTo(f, 0)
				_ = f.Close()
			}
		}
		runtime.SetMutexProfileFraction(0)
		runtime.SetBlockProfileRate(0)
	}
}

// previewFigures fills in the previews' latencies (p50, p99, the
// maximum and how many took over 5 ms: a few stalls or a slow path) and
// the collections since gc0, unless there were none.
func previewFigures(res *edgeBenchResult, lat []time.Duration, gc0 *runtime.MemStats) {
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 {
		return round3(float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000)
	}
	res.Previews, res.PreviewP50Ms, res.PreviewP99Ms = len(lat), q(0.50), q(0.99)
	var gc1 runtime.MemStats
	runtime.ReadMemStats(&gc1)
	res.PreviewGCs = gc1.NumGC - gc0.NumGC
	res.PreviewGCPausesMs = round3(float64(gc1.PauseTotalNs-gc0.PauseTotalNs) / 1e6)
	res.PreviewMaxMs = round3(float64(lat[len(lat)-1].Microseconds()) / 1000)
	for _, d := range lat {
		if d > 5*time.Millisecond {
			res.PreviewsOver5Ms++
		}
	}
}

// edgeBenchWorkloads prices the demo offering on the edge provider (a
// tenth of a centavo an hour, so that n fit the demo budget line and are
// approved automatically) and creates n one-replica edge workloads of the
// Brazilian demo project through the workload service, 16 at a time, as
// the API's handler does: each is placed by the engine (reserving its
// site's capacity), commits its budget and is provisioned by the
// reconciler on the sim driver. It returns when all run.
func edgeBenchWorkloads(ctx context.Context, srv *server.Server, cl *client.Client, res *edgeBenchResult, provider string, d0 benchDemo, n int) error {
	if _, err := cl.Do(ctx, "POST", "/v1/prices", map[string]any{"provider_id": provider, "offering_id": d0.offering,
		"currency": "BRL", "per_hour": "0.001", "valid_from": "2026-01-01"}, nil); err != nil {
		return fmt.Errorf("pricing the edge offering: %w", err)
	}
	if err := srv.Fleet.Refresh(ctx, true); err != nil {
		return err
	}
	start := time.Now()
	err := createMany(ctx, srv, n, 16, func(int) workload.CreateRequest {
		return workload.CreateRequest{ProjectID: d0.projectBR, WorkloadPolicy: model.WorkloadPolicy{OfferingID: d0.offering, Replicas: 1, Classification: model.ClassPublic,
			Residency: model.Residency{Countries: []string{"BR"}}, Tier: model.TierEdge}}
	})
	if err != nil {
		return fmt.Errorf("creating %d edge workloads: %w", n, err)
	}
	res.WorkloadsSeconds = round3(time.Since(start).Seconds())
	if res.WorkloadsRunning, err = srv.Store.Read().Workloads().Count(ctx, map[string]string{"state": string(model.StateRunning)}); err != nil {
		return err
	}
	for id, u := range srv.Fleet.Usage() {
		if s, ok := srv.Fleet.Site(id); ok && s.ProviderID == provider {
			res.EdgeVCPUsReserved += int64(u.Used.VCPU)
		}
	}
	return nil
}

// edgeBenchImport is n subclouds over ten Brazilian states in g groups.
func edgeBenchImport(n, g int) edge.ImportRequest {
	subs := []string{"BR-SP", "BR-RJ", "BR-MG", "BR-BA", "BR-PR", "BR-RS", "BR-PE", "BR-CE", "BR-AM", "BR-DF"}
	at := [][2]float64{{-23.5, -46.6}, {-22.9, -43.2}, {-19.9, -43.9}, {-12.9, -38.5}, {-25.4, -49.3},
		{-30.0, -51.2}, {-8.05, -34.9}, {-3.7, -38.5}, {-3.1, -60.0}, {-15.8, -47.9}}
	req := edge.ImportRequest{}
	for i := range g {
		req.Groups = append(req.Groups, edge.GroupSpec{Name: "group-" + strconv.Itoa(i), Kind: model.GroupRing})
	}
	for i := range n {
		c := at[i%len(at)]
		req.Subclouds = append(req.Subclouds, edge.Row{Name: fmt.Sprintf("bench-edge-%05d", i),
			Latitude: c[0] + float64(i%97)*0.02 - 1, Longitude: c[1] + float64(i%89)*0.02 - 0.9, Subdivision: subs[i%len(subs)],
			Capacity: model.Capacity{VCPUs: 16, MemoryMiB: 65536, DiskGiB: 500}, Group: "group-" + strconv.Itoa(i%g)})
	}
	return req
}

func round3(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// atomicTime is a time.Time read and written from two goroutines.
type atomicTime struct{ v atomic.Int64 }

func (a *atomicTime) Store(t time.Time) { a.v.Store(t.UnixNano()) }
func (a *atomicTime) Load() time.Time   { return time.Unix(0, a.v.Load()) }
