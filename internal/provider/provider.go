// Package provider is the contract between soberana and the clouds it
// places workloads on, and the registry where drivers (sim, openstack,
// kubernetes) register themselves by the name a model.Provider carries in
// its Driver field.
//
// Every call is idempotent on our own replica id, which each driver stores
// on the resource it creates (OpenStack server metadata, Kubernetes labels,
// a column of the sim's table): a resource created just before a crash is
// found by Observe (or by a repeated Create) and adopted, never created
// twice. Drivers are called outside database transactions.
//
// Every resource also carries the id of the installation that created it
// (Deps.Installation; see model.Installation): several soberana
// installations may share one cloud, and each deletes as an orphan only
// what carries its own id.
package provider

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// Resource states as a driver observes them.
const (
	StateBuilding = "building"
	StateActive   = "active"
	StateError    = "error"
)

// ResourceRef names one replica's resource.
type ResourceRef struct {
	ProviderID string
	SiteID     string
	WorkloadID string
	// ReplicaID is our id of the replica (the placement id); drivers tag
	// the resource with it.
	ReplicaID string
	// ResourceID is the provider's id when we know it (may be empty).
	ResourceID string
}

// Spec is what to create for one replica.
type Spec struct {
	ResourceRef
	OfferingID string
	VCPUs      int64
	MemoryMiB  int64
	DiskGiB    int64
	// Image is the provider's image to boot (an id from its catalogue,
	// see ImageCatalog); empty: the driver's default for the offering.
	Image string
	// UserData is the replica's cloud-init document (internal/cloudinit);
	// empty: none.
	UserData string
}

// Observed is what the provider says about a replica's resource.
type Observed struct {
	Exists     bool
	ResourceID string
	State      string // building, active or error
	Reason     string
	// Addresses are the resource's addresses as the provider reports them
	// (nil: the driver reports none).
	Addresses []model.Address
}

// Ensured is what a driver that creates many replicas' resources in one
// call reports of each (see the reconciler's batch ensurer): what Observe
// would report of the resource it made or adopted, whether it made it,
// or why it failed.
type Ensured struct {
	Observed
	Created bool
	Err     error
}

// Resource is one resource a provider holds that carries our replica id.
type Resource struct {
	ResourceID string
	SiteID     string
	ReplicaID  string
	WorkloadID string
	State      string
	Simulated  bool
	// Stopped, VCPUs and MemoryMiB are what the provider holds, for drift
	// detection (the resync); zero sizes: the driver does not report them.
	Stopped   bool
	VCPUs     int64
	MemoryMiB int64
	// Deleting: the resource is on its way out (a namespace terminating, a
	// server being deleted); it counts as gone for the resync.
	Deleting bool
	// Flavor is the size the provider holds by name, and WantFlavor the
	// one the driver created the resource with (both empty when the
	// driver does not tell): a difference is a resize done outside
	// soberana, even where the chosen flavor is larger than the offering.
	Flavor, WantFlavor string
	// Installation is the installation id the resource carries; empty when
	// it carries none (made before installations had ids) or when the
	// driver cannot prove it is in a scope this installation created (an
	// OpenStack server in a Keystone project another installation made).
	// The orphan sweep deletes only resources carrying its own id.
	Installation string
}

// Site is a site as the provider reports it.
type Site struct {
	SiteID   string
	Health   string // model.HealthHealthy, …
	Capacity model.Capacity
}

// Driver reaches one kind of cloud.
type Driver interface {
	// Observe finds the replica's resource by our replica id.
	Observe(ctx context.Context, ref ResourceRef) (Observed, error)
	// Create makes the replica's resource, or returns the id of the one
	// that already carries the replica id.
	Create(ctx context.Context, spec Spec) (resourceID string, err error)
	// Delete removes the replica's resource; deleting nothing succeeds.
	Delete(ctx context.Context, ref ResourceRef) error
	// ListResources returns every resource of the provider that carries a
	// replica id (for orphan detection), each with the installation id it
	// carries.
	ListResources(ctx context.Context, providerID string) ([]Resource, error)
	// Discover reports the provider's sites, their health and capacity.
	Discover(ctx context.Context, providerID string) ([]Site, error)
}

// Stamper is implemented by drivers that can write this installation's id
// onto a resource made before installations had ids. The orphan sweep
// stamps the resources of live replicas it finds unstamped, so that in
// time every resource of this installation says so.
type Stamper interface {
	Stamp(ctx context.Context, providerID string, res Resource) error
}

// ExactDeleter is implemented by drivers that can delete one resource by
// its id and never another: Delete removes "the replica's resource",
// whichever one it finds, so it cannot be pointed at one of two resources
// carrying the same replica id. The orphan sweep deletes duplicates (a
// second resource made for a live replica) with it; deleting what is
// already gone succeeds.
type ExactDeleter interface {
	DeleteResource(ctx context.Context, providerID string, res Resource) error
}

// Errors drivers wrap.
var (
	// ErrUnavailable: the provider or the site did not answer; retry later.
	ErrUnavailable = errors.New("provider: unavailable")
	// ErrUnsupported: the driver cannot do this.
	ErrUnsupported = errors.New("provider: unsupported operation")
	// ErrUnknownDriver: no driver registered under that name.
	ErrUnknownDriver = errors.New("provider: unknown driver")
	// ErrMisconfigured: the provider's configuration cannot be used as it
	// is — sealed with no secrets key configured, or with a key that does
	// not open it. Nothing will work until an operator fixes it, so health
	// takes the provider down at once rather than after failed probes.
	ErrMisconfigured = errors.New("provider: configuration cannot be used")
)

// Unsealable wraps a failure to open a sealed configuration: the missing
// or wrong key is a misconfiguration; anything else (the database did not
// answer) is passed on as it is.
func Unsealable(err error) error {
	if errors.Is(err, secrets.ErrNoKey) || errors.Is(err, secrets.ErrUnknown) || errors.Is(err, secrets.ErrTampered) {
		return fmt.Errorf("%w: %w", ErrMisconfigured, err)
	}
	return err
}

// Deps are what a driver factory may use.
type Deps struct {
	Store *store.Store
	// Log is the server's logger (nil: discard).
	Log *slog.Logger
	// Secrets returns the server's sealed store of secrets, or nil when
	// no secrets key is configured (nil func: the same).
	Secrets func() SecretBox
	// Installation is this installation's id, written into every resource
	// a driver creates.
	Installation string
}

// SecretBox keeps secrets encrypted at rest (internal/secrets.Box).
type SecretBox interface {
	Put(ctx context.Context, tx *store.Tx, ownerKind, ownerID, name string, v []byte) error
	Get(ctx context.Context, ownerKind, ownerID, name string) (secrets.Value, error)
}

// Box returns d.Secrets(), or nil.
func (d Deps) Box() SecretBox {
	if d.Secrets == nil {
		return nil
	}
	return d.Secrets()
}

// Factory builds a driver.
type Factory func(d Deps) (Driver, error)

var (
	mu        sync.RWMutex
	factories = map[string]Factory{}
)

// Register makes a driver available under name (model.Provider.Driver).
// Drivers call it from init; registering a name twice panics.
func Register(name string, f Factory) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := factories[name]; dup {
		panic("provider: driver " + name + " registered twice")
	}
	factories[name] = f
}

// Names lists the registered drivers.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(factories))
	for n := range factories {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Registry holds one instance of each registered driver for a process.
type Registry struct {
	mu      sync.Mutex
	deps    Deps
	drivers map[string]Driver
}

// NewRegistry returns a registry that builds drivers on first use.
func NewRegistry(d Deps) *Registry { return &Registry{deps: d, drivers: map[string]Driver{}} }

// Set installs a driver instance under name (tests, wiring).
func (r *Registry) Set(name string, d Driver) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drivers[name] = d
}

// Get returns the driver registered under name.
func (r *Registry) Get(name string) (Driver, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d, ok := r.drivers[name]; ok {
		return d, nil
	}
	mu.RLock()
	f, ok := factories[name]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("%w %q (registered: %v)", ErrUnknownDriver, name, Names())
	}
	d, err := f(r.deps)
	if err != nil {
		return nil, fmt.Errorf("starting driver %s: %w", name, err)
	}
	r.drivers[name] = d
	return d, nil
}

// Getter finds a driver by name (*Registry is one).
type Getter interface {
	Get(name string) (Driver, error)
}

// As returns the driver registered under name as T, one of the optional
// capabilities a driver may have (Watcher, UsageReporter, …); false when
// the driver cannot be had or lacks the capability.
func As[T any](g Getter, name string) (T, bool) {
	var zero T
	d, err := g.Get(name)
	if err != nil {
		return zero, false
	}
	t, ok := d.(T)
	return t, ok
}
