// Package utilization samples what running replicas use (CPU, memory) from
// the providers whose drivers can say (provider.UsageReporter: Nova server
// diagnostics on OpenStack, a made-up deterministic series on the sim),
// keeps a day of them — each as taken for the fine window (table
// replica_usage, 2 h), older ones rolled up into hourly buckets (table
// replica_usage_rollup) — served by GET /v1/workloads/{id}/utilization
// and drawn on the console's workload page, and exports the latest as
// Prometheus gauges.
//
// Metrics, one series per running replica and metric (cardinality: the
// number of running replicas of drivers that report usage; a replica's
// series disappears when it stops running):
//
//	soberana_replica_cpu_use_ratio{institution,project,workload,replica,site}
//	soberana_replica_memory_used_bytes{institution,project,workload,replica,site}
//	soberana_replica_memory_bytes{institution,project,workload,replica,site}
//
// institution, project and site are names (what people read); workload
// is the workload's id (workloads have no name) and replica its index.
package utilization

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// samplesPerTx is how many samples one transaction of a pass writes.
const samplesPerTx = 5000

// Retention is how long samples are kept (the rollups of the older ones).
const Retention = 24 * time.Hour

// Defaults of the fine window and the rollup bucket (config utilization):
// at 100,000 replicas sampled every minute, 24 h of samples were 144
// million rows; 2 h of samples and 22 h of hourly rollups are 14.2
// million.
const (
	DefaultFineWindow = 2 * time.Hour
	DefaultRollup     = time.Hour
)

// Drivers finds a provider's driver by name.
type Drivers = provider.Getter

// Sampler takes one sample of every running replica per pass.
type Sampler struct {
	st        *store.Store
	drivers   Drivers
	providers func() []model.Provider
	log       *slog.Logger
	// CallTimeout bounds one provider's answer (default 30 s).
	CallTimeout time.Duration
	// FineWindow is how long every sample is kept as taken; older ones
	// are rolled up into one row per replica and Rollup bucket (count,
	// sums and largest values), kept for Retention. Zero: the defaults.
	FineWindow, Rollup time.Duration
	// Pace is the process's governor of bulk background passes (package
	// pace): a pass runs alone among them and rests between its pages and
	// its transactions. nil paces nothing.
	Pace *pace.Governor

	// The gauges are made at scrape time from the last pass (Collect),
	// not kept as GaugeVec children: at 100,000 edge replicas the three
	// vectors' label pairs held 230 MB of a 296 MB heap (bench edge
	// --profile-dir), while the pass's own rows take a tenth of that.
	cpu, memUsed, mem *prometheus.Desc
	mu                sync.RWMutex
	latest            []series
}

// series is one replica's last sample as the gauges show it.
type series struct {
	labels                          [5]string // as labels
	cpuPermille, memUsedMiB, memMiB int64
}

var labels = []string{"institution", "project", "workload", "replica", "site"}

// New returns a sampler; reg may be nil (no metrics).
func New(st *store.Store, drivers Drivers, providers func() []model.Provider, reg prometheus.Registerer, log *slog.Logger) *Sampler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Sampler{st: st, drivers: drivers, providers: providers, log: log, CallTimeout: 30 * time.Second,
		cpu: prometheus.NewDesc("soberana_replica_cpu_use_ratio",
			"Share of a running replica's vCPUs in use at the last sample (0–1), as its provider reports it.", labels, nil),
		memUsed: prometheus.NewDesc("soberana_replica_memory_used_bytes",
			"Memory a running replica uses at the last sample, as its provider reports it.", labels, nil),
		mem: prometheus.NewDesc("soberana_replica_memory_bytes",
			"Memory a running replica has, as its provider reports it.", labels, nil),
	}
	if reg != nil {
		reg.MustRegister(s)
	}
	return s
}

// Describe is prometheus.Collector's: the three replica gauges.
func (s *Sampler) Describe(ch chan<- *prometheus.Desc) {
	ch <- s.cpu
	ch <- s.memUsed
	ch <- s.mem
}

// Collect is prometheus.Collector's: the gauges of every replica of the
// last pass (a replica that stopped running is gone from it).
func (s *Sampler) Collect(ch chan<- prometheus.Metric) {
	s.mu.RLock()
	latest := s.latest
	s.mu.RUnlock()
	for _, x := range latest {
		l := x.labels[:]
		ch <- prometheus.MustNewConstMetric(s.cpu, prometheus.GaugeValue, float64(x.cpuPermille)/1000, l...)
		ch <- prometheus.MustNewConstMetric(s.memUsed, prometheus.GaugeValue, float64(x.memUsedMiB)*(1<<20), l...)
		ch <- prometheus.MustNewConstMetric(s.mem, prometheus.GaugeValue, float64(x.memMiB)*(1<<20), l...)
	}
}

// names resolves, once per pass, what people read.
type names struct {
	tx    *store.Tx
	cache map[string]string
}

func (n *names) get(ctx context.Context, kind, id string) string {
	k := kind + "/" + id
	if v, ok := n.cache[k]; ok {
		return v
	}
	v := id
	switch kind {
	case "institution":
		if x, err := n.tx.Institutions().Get(ctx, id); err == nil {
			v = x.Name
		}
	case "project":
		if x, err := n.tx.Projects().Get(ctx, id); err == nil {
			v = x.Name
		}
	case "site":
		if x, err := n.tx.Sites().Get(ctx, id); err == nil {
			v = x.Name
		}
	}
	n.cache[k] = v
	return v
}

// Pass samples every running replica of every provider whose driver
// reports usage, records the samples, refreshes the gauges and prunes
// samples older than Retention. It returns how many samples it took.
func (s *Sampler) Pass(ctx context.Context) (int, error) {
	pass, err := s.Pace.Begin(ctx, "utilization")
	if err != nil {
		return 0, err
	}
	defer pass.End()
	now := s.st.Now()
	all, pls, errs, err := s.sample(ctx, pass, now)
	if err != nil {
		return 0, err
	}
	if err := s.writeSamples(ctx, pass, all, now); err != nil {
		return 0, err
	}
	if err := s.rollup(ctx, pass, now); err != nil {
		return 0, err
	}
	s.export(ctx, all, pls)
	return len(all), errors.Join(errs...)
}

// sample asks every provider whose driver reports usage for the usage of
// its running replicas and answers the samples, what the samples and the
// gauges need of each replica sampled (pls, by placement id), and each
// provider's failure to answer (errs: that provider is skipped, the pass
// goes on). err is a failure to read the store or the pass cut short.
func (s *Sampler) sample(ctx context.Context, pass *pace.Pass, now time.Time) (all []model.UsageSample, pls map[string]replicaOf, errs []error, err error) {
	// What the samples and the gauges need of each placement, not the
	// whole row: a map of 100,000 placement rows was most of what a pass
	// allocated.
	pls = map[string]replicaOf{}
	for _, p := range s.providers() {
		ur, ok := provider.As[provider.UsageReporter](s.drivers, p.Driver)
		if !ok {
			continue
		}
		refs, err := s.runningRefs(ctx, pass, p.ID, pls)
		if err != nil {
			return nil, nil, nil, err
		}
		if len(refs) == 0 {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, s.CallTimeout)
		us, err := ur.Usage(cctx, p.ID, refs)
		cancel()
		if err != nil {
			errs = append(errs, fmt.Errorf("provider %s: %w", p.Name, err))
			continue
		}
		if err := pass.Yield(ctx); err != nil {
			return nil, nil, nil, err
		}
		if all == nil {
			all = make([]model.UsageSample, 0, len(us))
		}
		all = appendSamples(all, us, pls, now)
	}
	return all, pls, errs, nil
}

// runningRefs reads the running replicas of provider providerID, 500 a page
// with a rest between pages, into pls and answers the references to ask
// the provider about.
func (s *Sampler) runningRefs(ctx context.Context, pass *pace.Pass, providerID string, pls map[string]replicaOf) ([]provider.ResourceRef, error) {
	var refs []provider.ResourceRef
	for after := ""; ; {
		page, err := s.st.Read().RunningPlacementsWithOwnersOf(ctx, providerID, after, 500)
		if err != nil {
			return nil, err
		}
		for _, r := range page {
			pls[r.ID] = replicaOf{workload: r.WorkloadID, site: r.SiteID, institution: r.InstitutionID, project: r.ProjectID, replica: r.Replica}
			refs = append(refs, provider.ResourceRef{ProviderID: providerID, SiteID: r.SiteID, WorkloadID: r.WorkloadID,
				ReplicaID: r.ID, ResourceID: r.ResourceID})
		}
		if len(page) < 500 {
			return refs, nil
		}
		after = page[len(page)-1].ID
		if err := pass.Yield(ctx); err != nil {
			return nil, err
		}
	}
}

// appendSamples appends to all a sample for each usage of a replica in
// pls (others are dropped), taken at now when the provider gives no time,
// truncated to the second.
func appendSamples(all []model.UsageSample, us []provider.Usage, pls map[string]replicaOf, now time.Time) []model.UsageSample {
	for _, u := range us {
		pl, ok := pls[u.ReplicaID]
		if !ok {
			continue
		}
		at := u.At
		if at.IsZero() {
			at = now
		}
		all = append(all, model.UsageSample{PlacementID: u.ReplicaID, WorkloadID: pl.workload, At: at.UTC().Truncate(time.Second),
			CPUPermille: u.CPUPermille, MemoryUsedMiB: u.MemoryUsedMiB, MemoryMiB: u.MemoryMiB, Simulated: u.Simulated})
	}
	return all
}

// writeSamples records the samples and, with the last of them, prunes samples
// and rollups older than Retention. Samples are written 5,000 a
// transaction: on SQLite a transaction holds the one write lock, and a
// pass over 100,000 replicas in one held it long enough to delay creates
// and health changes. Writing a sample twice adds nothing (a pass cut
// short is done again).
func (s *Sampler) writeSamples(ctx context.Context, pass *pace.Pass, all []model.UsageSample, now time.Time) error {
	for rest := all; ; {
		n := min(len(rest), samplesPerTx)
		err := s.st.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.PutUsage(ctx, rest[:n]); err != nil {
				return err
			}
			if n == len(rest) {
				if err := tx.PruneUsage(ctx, now.Add(-Retention)); err != nil {
					return err
				}
				return tx.PruneUsageRollups(ctx, now.Add(-Retention))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if rest = rest[n:]; len(rest) == 0 {
			return nil
		}
		if err := pass.Yield(ctx); err != nil {
			return err
		}
	}
}

// rollup rolls the samples older than the fine window, whole buckets
// only, into their buckets: samplesPerTx samples a transaction, resting
// between them (the pass's governor). Run by the lease holder; on a
// second replica at once it would still count each sample once (a
// transaction reads, rolls and deletes the same rows).
func (s *Sampler) rollup(ctx context.Context, pass *pace.Pass, now time.Time) error {
	fine, bucket := s.FineWindow, s.Rollup
	if fine <= 0 {
		fine = DefaultFineWindow
	}
	if bucket <= 0 {
		bucket = DefaultRollup
	}
	before := now.Add(-fine).Truncate(bucket)
	for {
		var n int
		err := s.st.InTx(ctx, func(tx *store.Tx) error {
			var err error
			n, err = tx.RollupUsage(ctx, before, bucket, samplesPerTx)
			return err
		})
		if err != nil || n < samplesPerTx {
			return err
		}
		if err := pass.Yield(ctx); err != nil {
			return err
		}
	}
}

// replicaOf is what a pass keeps of a running placement.
type replicaOf struct {
	workload, site, institution, project string
	replica                              int
}

// export replaces the gauges with the latest samples.
func (s *Sampler) export(ctx context.Context, all []model.UsageSample, pls map[string]replicaOf) {
	n := &names{tx: s.st.Read(), cache: map[string]string{}}
	latest := make([]series, 0, len(all))
	for _, u := range all {
		pl, ok := pls[u.PlacementID]
		if !ok || pl.institution == "" { // its workload is gone
			continue
		}
		latest = append(latest, series{labels: [5]string{n.get(ctx, "institution", pl.institution), n.get(ctx, "project", pl.project),
			pl.workload, strconv.Itoa(pl.replica), n.get(ctx, "site", pl.site)},
			cpuPermille: u.CPUPermille, memUsedMiB: u.MemoryUsedMiB, memMiB: u.MemoryMiB})
	}
	s.mu.Lock()
	s.latest = latest
	s.mu.Unlock()
}

// Run samples every `every` while leader says this process leads (the
// reconciler's lease, like the other background loops), until ctx ends.
func (s *Sampler) Run(ctx context.Context, every time.Duration, leader func() bool) error {
	return pace.Every(ctx, every, func() {
		if !leader() {
			return
		}
		if n, err := s.Pass(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("sampling utilization", "samples", n, "err", err)
		}
	})
}

// Replica is one replica's series, as the API serves it.
type Replica struct {
	PlacementID string        `json:"placement_id"`
	Replica     int           `json:"replica"`
	SiteID      string        `json:"site_id"`
	SiteName    string        `json:"site_name"`
	Simulated   bool          `json:"simulated"`
	Samples     []SamplePoint `json:"samples"`
	Latest      *SamplePoint  `json:"latest,omitempty"`
}

// SamplePoint is one sample.
type SamplePoint struct {
	At            time.Time `json:"at"`
	CPUPermille   int64     `json:"cpu_permille"`
	MemoryUsedMiB int64     `json:"memory_used_mib"`
	MemoryMiB     int64     `json:"memory_mib"`
}

// Report is a workload's utilization over a window.
type Report struct {
	WorkloadID string    `json:"workload_id"`
	Since      time.Time `json:"since"`
	Replicas   []Replica `json:"replicas"`
}

// Of reads a workload's samples since a time, by replica in replica order.
func Of(ctx context.Context, tx *store.Tx, workloadID string, since time.Time) (Report, error) {
	rep := Report{WorkloadID: workloadID, Since: since, Replicas: []Replica{}}
	samples, err := tx.UsageOf(ctx, workloadID, since)
	if err != nil {
		return rep, err
	}
	rolled, err := tx.UsageRollupsOf(ctx, workloadID, since)
	if err != nil {
		return rep, err
	}
	pls, err := tx.PlacementsOf(ctx, workloadID)
	if err != nil {
		return rep, err
	}
	n := &names{tx: tx, cache: map[string]string{}}
	idx := map[string]int{}
	for _, p := range pls {
		if p.State != model.PlacementRunning {
			continue
		}
		idx[p.ID] = len(rep.Replicas)
		rep.Replicas = append(rep.Replicas, Replica{PlacementID: p.ID, Replica: p.Replica, SiteID: p.SiteID,
			SiteName: n.get(ctx, "site", p.SiteID), Samples: []SamplePoint{}})
	}
	// Older buckets first: each is one point at its start, the mean of its
	// samples (memory: the largest size the replica had).
	for _, b := range rolled {
		i, ok := idx[b.PlacementID]
		if !ok || b.Samples == 0 {
			continue
		}
		r := &rep.Replicas[i]
		r.Samples = append(r.Samples, SamplePoint{At: b.At, CPUPermille: b.CPUPermilleSum / b.Samples,
			MemoryUsedMiB: b.MemoryUsedMiBSum / b.Samples, MemoryMiB: b.MemoryMiBMax})
		r.Simulated = r.Simulated || b.Simulated
	}
	for _, s := range samples {
		i, ok := idx[s.PlacementID]
		if !ok {
			continue
		}
		r := &rep.Replicas[i]
		r.Samples = append(r.Samples, SamplePoint{At: s.At, CPUPermille: s.CPUPermille, MemoryUsedMiB: s.MemoryUsedMiB, MemoryMiB: s.MemoryMiB})
		r.Simulated = r.Simulated || s.Simulated
	}
	for i := range rep.Replicas {
		sm := rep.Replicas[i].Samples
		sort.SliceStable(sm, func(a, b int) bool { return sm[a].At.Before(sm[b].At) })
	}
	for i := range rep.Replicas {
		if k := len(rep.Replicas[i].Samples); k > 0 {
			last := rep.Replicas[i].Samples[k-1]
			rep.Replicas[i].Latest = &last
		}
	}
	return rep, nil
}
