// Package sim is the built-in simulated provider: sites with capacity, a
// configurable provisioning delay and injected faults (API error rate,
// slow responses, a site outage). Its resources and faults live in the
// soberana database (tables sim_resources and sim_faults), so they survive
// restarts of `soberana up`. Everything it holds is marked simulated.
package sim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// Name is the driver name a sim provider carries.
const Name = model.DriverSim

var _ provider.Driver = (*Driver)(nil)

func init() {
	provider.Register(Name, func(d provider.Deps) (provider.Driver, error) {
		if d.Store == nil {
			return nil, errors.New("sim driver needs the store")
		}
		return New(d.Store), nil
	})
}

// ErrInjected marks a failure the sim injected on purpose.
var ErrInjected = errors.New("sim: injected fault")

// Faults of one provider or site, decoded.
type fault struct {
	errorPermille int64
	latency       time.Duration
	delay         time.Duration
	outage        bool
}

// Driver is the simulated provider driver.
type Driver struct {
	st *store.Store

	mu        sync.RWMutex
	faults    map[string]fault // by scope: provider:ID, site:ID
	loadedAt  time.Time
	reloading atomic.Bool // a stale cache is being reloaded (fault)
	// ReloadEvery bounds how stale the fault cache may be when another
	// server changed the faults (default 1 s).
	ReloadEvery time.Duration
	// AppReadyEvery is the simulated time between two replicas of an app
	// becoming ready (default AppReadyEvery).
	AppReadyEvery time.Duration
}

// New returns a driver over the store.
func New(st *store.Store) *Driver { return &Driver{st: st, ReloadEvery: time.Second} }

// ProviderScope and SiteScope name fault rows.
func ProviderScope(id string) string { return "provider:" + id }

// SiteScope names the fault row of a site.
func SiteScope(id string) string { return "site:" + id }

func (d *Driver) fault(ctx context.Context, scope string) fault {
	d.mu.RLock()
	stale, never := time.Since(d.loadedAt) > d.ReloadEvery, d.loadedAt.IsZero()
	f := d.faults[scope]
	d.mu.RUnlock()
	// One caller reloads a stale cache; the others meanwhile use what it
	// holds (under load dozens of calls found it stale at once and each
	// read the faults: 0.2 statements per workload of `bench provision`).
	// Before the first load every caller reads.
	if stale && (never || d.reloading.CompareAndSwap(false, true)) {
		if !never {
			defer d.reloading.Store(false)
		}
		if err := d.Reload(ctx); err == nil {
			d.mu.RLock()
			f = d.faults[scope]
			d.mu.RUnlock()
		}
	}
	return f
}

// Reload reads the fault settings from the database.
func (d *Driver) Reload(ctx context.Context) error {
	list, err := d.st.Read().SimFaults(ctx)
	if err != nil {
		return err
	}
	m := make(map[string]fault, len(list))
	for _, f := range list {
		m[f.Scope] = decode(f)
	}
	d.mu.Lock()
	d.faults, d.loadedAt = m, time.Now()
	d.mu.Unlock()
	return nil
}

func decode(f model.SimFault) fault {
	var pm int64
	if r, err := money.ParseDecimal(f.ErrorRate); err == nil {
		q := r.Rat()
		q.Mul(q, big.NewRat(1000, 1))
		pm = new(big.Int).Quo(q.Num(), q.Denom()).Int64()
	}
	return fault{errorPermille: pm, latency: time.Duration(f.LatencyMs) * time.Millisecond,
		delay: time.Duration(f.DelayMs) * time.Millisecond, outage: f.Outage}
}

// inject applies the provider's and the site's faults to one API call.
func (d *Driver) inject(ctx context.Context, providerID, siteID, op string) error {
	if err := d.wait(ctx, providerID); err != nil {
		return err
	}
	return d.fail(ctx, providerID, siteID, op)
}

// wait is the provider's injected latency of one API call.
func (d *Driver) wait(ctx context.Context, providerID string) error {
	if l := d.fault(ctx, ProviderScope(providerID)).latency; l > 0 {
		t := time.NewTimer(l)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// fail is the injected failure (site outage, API error rate) of one
// API call, or of one item of a batch call.
func (d *Driver) fail(ctx context.Context, providerID, siteID, op string) error {
	pf := d.fault(ctx, ProviderScope(providerID))
	if siteID != "" && d.fault(ctx, SiteScope(siteID)).outage {
		return fmt.Errorf("sim %s on site %s: %w: %w (site outage)", op, siteID, provider.ErrUnavailable, ErrInjected)
	}
	if pf.errorPermille > 0 && mrand.Int64N(1000) < pf.errorPermille {
		return fmt.Errorf("sim %s: %w: %w (API error)", op, provider.ErrUnavailable, ErrInjected)
	}
	return nil
}

// Observe finds the replica's resource.
func (d *Driver) Observe(ctx context.Context, ref provider.ResourceRef) (provider.Observed, error) {
	if err := d.inject(ctx, ref.ProviderID, ref.SiteID, "observe"); err != nil {
		return provider.Observed{}, err
	}
	r, err := d.st.Read().SimGet(ctx, ref.ProviderID, ref.ReplicaID)
	if errors.Is(err, store.ErrNotFound) {
		return provider.Observed{}, nil
	}
	if err != nil {
		return provider.Observed{}, err
	}
	return d.observed(ctx, r), nil
}

// observed is what Observe reports of resource r.
func (d *Driver) observed(ctx context.Context, r model.SimResource) provider.Observed {
	o := provider.Observed{Exists: true, ResourceID: r.ResourceID, State: provider.StateActive, Addresses: Addresses(r.ResourceID)}
	if delay := d.fault(ctx, ProviderScope(r.ProviderID)).delay; delay > 0 && time.Since(r.CreatedAt) < delay {
		o.State = provider.StateBuilding
	}
	return o
}

// Create makes the replica's resource or adopts the one it already has.
func (d *Driver) Create(ctx context.Context, spec provider.Spec) (string, error) {
	o, _, err := d.Ensure(ctx, spec)
	return o.ResourceID, err
}

// Ensure is Create that also reports what Observe would of the resource
// it made or adopted (created says which), so that the reconciler takes
// a new replica to running without reading the resource back (issue #19).
func (d *Driver) Ensure(ctx context.Context, spec provider.Spec) (provider.Observed, bool, error) {
	if err := d.inject(ctx, spec.ProviderID, spec.SiteID, "create"); err != nil {
		return provider.Observed{}, false, err
	}
	e := d.ensure(ctx, []provider.Spec{spec})[0]
	return e.Observed, e.Created, e.Err
}

// EnsureAll is Ensure for many replicas in one call, as one API call:
// the provider's latency once for each provider named, its failures
// (outage, error rate) drawn for each replica, and the resources of the
// others made or adopted in one multi-row insert (issue #19: one
// statement for the batch the reconciler creates, not one per replica).
// A replica id still maps to one resource, as with Ensure.
func (d *Driver) EnsureAll(ctx context.Context, specs []provider.Spec) []provider.Ensured {
	out := make([]provider.Ensured, len(specs))
	waited := map[string]error{}
	var (
		todo []provider.Spec
		at   []int
	)
	for i, spec := range specs {
		err, ok := waited[spec.ProviderID]
		if !ok {
			err = d.wait(ctx, spec.ProviderID)
			waited[spec.ProviderID] = err
		}
		if err == nil {
			err = d.fail(ctx, spec.ProviderID, spec.SiteID, "create")
		}
		if err != nil {
			out[i].Err = err
			continue
		}
		todo, at = append(todo, spec), append(at, i)
	}
	for j, e := range d.ensure(ctx, todo) {
		out[at[j]] = e
	}
	return out
}

// ensure makes or adopts the resources of specs, past the faults. On
// PostgreSQL resources without a boot document are one statement outside
// a transaction: the insert is atomic on its own, and a replica that
// already has its resource keeps it (the unique replica id).
func (d *Driver) ensure(ctx context.Context, specs []provider.Spec) []provider.Ensured {
	out := make([]provider.Ensured, len(specs))
	if len(specs) == 0 {
		return out
	}
	res := make([]model.SimResource, len(specs))
	boot := false
	for i, spec := range specs {
		var b [8]byte
		_, _ = rand.Read(b[:])
		res[i] = model.SimResource{
			ResourceID: "sim-" + hex.EncodeToString(b[:]), ProviderID: spec.ProviderID, SiteID: spec.SiteID,
			ReplicaID: spec.ReplicaID, WorkloadID: spec.WorkloadID, State: provider.StateActive,
			VCPUs: spec.VCPUs, MemoryMiB: spec.MemoryMiB, DiskGiB: spec.DiskGiB, CreatedAt: d.st.Now(),
		}
		boot = boot || spec.Image != "" || spec.UserData != ""
	}
	var (
		rs      []model.SimResource
		created []bool
		err     error
	)
	if !boot && d.st.Dialect() == store.Postgres {
		rs, created, err = d.st.Read().SimCreateAll(ctx, res)
	} else {
		err = d.st.Write(ctx, func(tx *store.Tx) error {
			var err error
			if rs, created, err = tx.SimCreateAll(ctx, res); err != nil {
				return err
			}
			for _, spec := range specs {
				if spec.Image == "" && spec.UserData == "" {
					continue
				}
				// What a machine would boot with, for tests to read back.
				if err := tx.SimPutBoot(ctx, store.SimBoot{ProviderID: spec.ProviderID, ReplicaID: spec.ReplicaID,
					ImageRef: spec.Image, UserData: spec.UserData}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for i := range out {
		if err != nil {
			out[i].Err = err
			continue
		}
		out[i] = provider.Ensured{Observed: d.observed(ctx, rs[i]), Created: created[i]}
	}
	return out
}

// Delete removes the replica's resource.
func (d *Driver) Delete(ctx context.Context, ref provider.ResourceRef) error {
	if err := d.inject(ctx, ref.ProviderID, ref.SiteID, "delete"); err != nil {
		return err
	}
	return d.st.Write(ctx, func(tx *store.Tx) error { return tx.SimDelete(ctx, ref.ProviderID, ref.ReplicaID) })
}

var _ provider.ExactDeleter = (*Driver)(nil)

// DeleteResource removes the replica's resource only while it is the one
// res names.
func (d *Driver) DeleteResource(ctx context.Context, providerID string, res provider.Resource) error {
	if err := d.inject(ctx, providerID, res.SiteID, "delete"); err != nil {
		return err
	}
	return d.st.Write(ctx, func(tx *store.Tx) error {
		r, err := tx.SimGet(ctx, providerID, res.ReplicaID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && r.ResourceID != res.ResourceID) {
			return nil // gone already, or another resource: not this one to delete
		}
		if err != nil {
			return err
		}
		return tx.SimDelete(ctx, providerID, res.ReplicaID)
	})
}

// ListResources returns the provider's simulated resources.
func (d *Driver) ListResources(ctx context.Context, providerID string) ([]provider.Resource, error) {
	if err := d.inject(ctx, providerID, "", "list"); err != nil {
		return nil, err
	}
	list, err := d.st.Read().SimList(ctx, providerID)
	if err != nil {
		return nil, err
	}
	// The sim keeps its resources in this installation's own database:
	// every one of them is provably this installation's.
	in, err := d.st.Installation(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]provider.Resource, 0, len(list))
	for _, r := range list {
		if d.fault(ctx, SiteScope(r.SiteID)).outage {
			continue // an unreachable site reports nothing
		}
		st := r.State
		if st == StateStopped {
			st = provider.StateActive
		}
		out = append(out, provider.Resource{ResourceID: r.ResourceID, SiteID: r.SiteID, ReplicaID: r.ReplicaID,
			WorkloadID: r.WorkloadID, State: st, Simulated: true, Stopped: r.State == StateStopped,
			VCPUs: r.VCPUs, MemoryMiB: r.MemoryMiB, Installation: in.ID})
	}
	return out, nil
}

// Discover reports the provider's sites: down while an outage is injected.
func (d *Driver) Discover(ctx context.Context, providerID string) ([]provider.Site, error) {
	if err := d.inject(ctx, providerID, "", "discover"); err != nil {
		return nil, err
	}
	sites, err := d.st.Read().Sites().List(ctx, store.ListOptions{Filters: map[string]string{"provider_id": providerID}, Limit: 1000})
	if err != nil {
		return nil, err
	}
	out := make([]provider.Site, 0, len(sites.Items))
	for _, s := range sites.Items {
		h := model.HealthHealthy
		if d.fault(ctx, SiteScope(s.ID)).outage {
			h = model.HealthDown
		}
		out = append(out, provider.Site{SiteID: s.ID, Health: h, Capacity: s.Capacity})
	}
	return out, nil
}

// Faults is the setting of one provider, as operators change it (the
// contract's type, which the API encodes).
type Faults = provider.Faults

var _ provider.FaultInjector = (*Driver)(nil)

// SetProviderFaults stores a provider's faults and applies them at once.
func (d *Driver) SetProviderFaults(ctx context.Context, providerID string, f Faults) error {
	if f.ErrorRate == "" {
		f.ErrorRate = "0"
	}
	err := d.st.Write(ctx, func(tx *store.Tx) error {
		return tx.PutSimFault(ctx, model.SimFault{Scope: ProviderScope(providerID), ProviderID: providerID,
			ErrorRate: f.ErrorRate, LatencyMs: f.LatencyMs, DelayMs: f.DelayMs})
	})
	if err != nil {
		return err
	}
	return d.Reload(ctx)
}

// SetOutage starts or ends an outage of a site.
func (d *Driver) SetOutage(ctx context.Context, providerID, siteID string, out bool) error {
	err := d.st.Write(ctx, func(tx *store.Tx) error {
		return tx.PutSimFault(ctx, model.SimFault{Scope: SiteScope(siteID), ProviderID: providerID, SiteID: siteID,
			ErrorRate: "0", Outage: out})
	})
	if err != nil {
		return err
	}
	return d.Reload(ctx)
}
