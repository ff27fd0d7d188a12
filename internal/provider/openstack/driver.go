package openstack

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/servers"
	"github.com/gophercloud/gophercloud/v2/pagination"
	"golang.org/x/sync/singleflight"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
)

// Name is the driver name an OpenStack provider carries.
const Name = model.DriverOpenStack

// Server metadata keys and the name prefix that tie a server to a replica.
const (
	MetaWorkload = "soberana_workload"
	MetaReplica  = "soberana_replica"
	namePrefix   = "soberana-"
)

var (
	_ provider.Driver = (*Driver)(nil)
	_ GrantMirror     = (*Driver)(nil)
)

func init() {
	provider.Register(Name, func(d provider.Deps) (provider.Driver, error) {
		if d.Store == nil {
			return nil, errors.New("openstack driver needs the store")
		}
		drv := New(StoreConfigs{St: d.Store, Box: func() Box { return d.Box() }}, StoreLookup{St: d.Store})
		drv.Installation = d.Installation
		if d.Log != nil {
			drv.Log = d.Log.With("driver", Name)
		}
		return drv, nil
	})
}

// Configs gives the driver the config of a provider.
type Configs interface {
	Config(ctx context.Context, providerID string) (Config, error)
}

// Tenant is what the driver needs to know of a replica's workload.
type Tenant struct {
	ProjectID       string
	ProjectName     string
	InstitutionID   string
	InstitutionName string
	// Offering is the offering's name (an SCS flavor name for VMs).
	Offering string
}

// Needs are what a project's live replicas on a provider add up to.
type Needs struct {
	Instances, VCPUs, MemoryMiB, DiskGiB, Volumes int64
}

// Lookup reads soberana's side of a replica: its workload's project,
// institution and offering, and what a project needs in all.
type Lookup interface {
	Tenant(ctx context.Context, workloadID string) (Tenant, error)
	ProjectNeeds(ctx context.Context, projectID, providerID string) (Needs, error)
	// Offerings lists the VM offerings to match against flavors.
	Offerings(ctx context.Context) ([]string, error)
}

// Driver reaches OpenStack clouds.
type Driver struct {
	cfgs Configs
	look Lookup
	// Lang is the language of the reasons put in Observed.Reason.
	Lang i18n.Lang
	// Installation is this installation's id: in every server's metadata
	// and every Keystone project's tags it creates (see ownership.go).
	Installation string
	Log          *slog.Logger
	// Attempts and Backoff bound the retries of idempotent calls.
	Attempts int
	Backoff  time.Duration
	// CreatedFresh: see DefaultCreatedFresh.
	CreatedFresh time.Duration
	// QuotaShrinkDelay: see DefaultQuotaShrinkDelay (0: quotas are never
	// lowered).
	QuotaShrinkDelay time.Duration
	// CreateSettle: see DefaultCreateSettle.
	CreateSettle time.Duration

	mu       sync.Mutex
	conns    map[string]*conn // by provider/cloud/config fingerprint
	projects map[string]string
	flavors  map[string]flavorCache
	replicas map[string]*keyLock // serializes Create per replica, and first uses of a project
	quotas   map[string]Needs    // the quota limits last set per Keystone project
	images   map[string]imageCache
	absent   map[string]time.Time    // replicas Observe just found no server for
	doubt    map[string]time.Time    // replicas whose last create has an unknown outcome → when it returned
	now      func() time.Time        // the clock of the doubt (tests move it)
	floating map[string]floatingAddr // replica → its floating IP, once made or found
	fipGone  map[string]bool         // replicas Delete released: no new floating IP
	created  map[string]createdServer
	touched  map[string]time.Time // replica → when our last create or delete of it returned
	capacity map[string]capacityCache
	tenants  map[string]string      // cloud/Keystone project → soberana project
	shrinks  map[string]*time.Timer // pending quota lowerings by cloud/Keystone project
	sf       singleflight.Group     // one flavor or image lookup at a time per key

	// wrapTransport wraps the HTTP transport (tests inject crashes).
	wrapTransport func(http.RoundTripper) http.RoundTripper
}

// New returns a driver over a config source and a lookup.
func New(cfgs Configs, look Lookup) *Driver {
	return &Driver{cfgs: cfgs, look: look, Lang: i18n.Default, Log: slog.New(slog.DiscardHandler),
		Attempts: 4, Backoff: 250 * time.Millisecond, CreatedFresh: DefaultCreatedFresh, QuotaShrinkDelay: DefaultQuotaShrinkDelay,
		tenants: map[string]string{}, shrinks: map[string]*time.Timer{},
		conns: map[string]*conn{}, projects: map[string]string{}, flavors: map[string]flavorCache{},
		replicas: map[string]*keyLock{}, quotas: map[string]Needs{}, images: map[string]imageCache{},
		absent: map[string]time.Time{}, capacity: map[string]capacityCache{},
		doubt: map[string]time.Time{}, now: time.Now, CreateSettle: DefaultCreateSettle,
		created: map[string]createdServer{}, touched: map[string]time.Time{}, floating: map[string]floatingAddr{}, fipGone: map[string]bool{}}
}

func (d *Driver) config(ctx context.Context, providerID string) (Config, error) {
	cfg, err := d.cfgs.Config(ctx, providerID)
	if err != nil {
		return Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, &Error{Reason: ReasonNoConfig, Op: "read config", Detail: err.Error(), Err: err}
	}
	return cfg, nil
}

// conn returns the (cached) connection to a cloud of a provider.
func (d *Driver) conn(ctx context.Context, providerID string, c Cloud) (*conn, error) {
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	key := providerID + "/" + c.Name + "/" + hex.EncodeToString(sum[:8])
	d.mu.Lock()
	cn := d.conns[key]
	d.mu.Unlock()
	if cn != nil {
		return cn, nil
	}
	wrap := d.wrapTransport
	if d.Log.Enabled(ctx, slog.LevelDebug) {
		wrap = func(rt http.RoundTripper) http.RoundTripper {
			if d.wrapTransport != nil {
				rt = d.wrapTransport(rt)
			}
			return callLog{next: rt, log: d.Log.With("cloud", c.Name)}
		}
	}
	var err error
	err = d.retry(ctx, func() error { cn, err = dial(ctx, c, wrap); return err })
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.conns[key] = cn
	d.mu.Unlock()
	return cn, nil
}

// siteConn resolves a site to its cloud connection and AZ.
func (d *Driver) siteConn(ctx context.Context, providerID, siteID string) (Config, *conn, SiteMap, error) {
	cfg, err := d.config(ctx, providerID)
	if err != nil {
		return cfg, nil, SiteMap{}, err
	}
	sm, ok := cfg.site(siteID)
	if !ok {
		return cfg, nil, sm, &Error{Reason: ReasonUnmappedSite, Op: "resolve site", Detail: siteID}
	}
	cl, _ := cfg.cloud(sm.Cloud)
	cn, err := d.conn(ctx, providerID, cl)
	return cfg, cn, sm, err
}

// retry runs an idempotent call, again after a growing pause while it
// fails in a retryable way.
func (d *Driver) retry(ctx context.Context, fn func() error) error {
	wait := d.Backoff
	var err error
	for i := 0; i < max(d.Attempts, 1); i++ {
		if err = fn(); err == nil {
			return nil
		}
		var e *Error
		if !errors.As(err, &e) || !e.Retryable() || i == d.Attempts-1 {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait *= 2
	}
	return err
}

// absentFresh is how long an Observe that found no server lets Create
// skip its own lookup.
const absentFresh = 5 * time.Second

// SnapshotTTL is how long after one list of the provider's servers ends
// the next may start; meanwhile the list answers the Observe calls that
// poll replicas. The reconciler polls every building replica every 100 ms
// or so, and one GET per replica per poll costs a small cloud's API more
// CPU than the boots themselves; one list at a time, with this pause between, costs
// it what a client polling a list every 250 ms costs. While this process
// has creates in flight on the cloud the list is kept up to SnapshotMaxAge,
// as a client that posts a burst and then polls would: a server whose POST
// has not returned cannot be ACTIVE, and listing slows the POSTs.
var SnapshotTTL = 250 * time.Millisecond

// SnapshotMaxAge bounds how stale the list gets during a stream of creates.
// Twenty POSTs take 4-6.5 s on the test cloud; at 5 s a list (1.5 s of an
// API worker then) fell in the middle of most bursts and slowed the last
// POSTs, which a client posting a burst before polling never does.
var SnapshotMaxAge = 10 * time.Second

type snapshot struct {
	at        time.Time
	took      time.Duration
	byID      map[string]servers.Server
	byReplica map[string]servers.Server // the oldest live server carrying each replica id
}

// DefaultCreatedFresh is how long after this process created a server
// Observe reports it building without asking: Nova answers the POST with
// 202 before the build starts, so asking at once only costs the cloud a
// call (a server that fails at once is seen failed that much later).
const DefaultCreatedFresh = time.Second

// DefaultCreateSettle is how long after a create whose outcome is unknown
// (the client timed out, the connection broke, a 5xx came back after the
// request was sent) the driver refuses to POST the replica's server again
// while a fresh lookup does not find it: Nova may still be writing the
// server the first POST asked for — under load, well after the client gave
// up — and a second POST would make a second server for one replica.
// Until then Create looks again and returns a retryable error; once a
// lookup started this long after the doubtful POST returned still finds
// nothing, that POST made nothing and Create posts again. 45 s fits in
// the reconciler's default retries (8 attempts backing off from 200 ms,
// about 50 s) so that a POST that truly made nothing is retried on the
// same site before the replica is given up and placed again — and a
// server landing later than that is an orphan the sweep removes.
const DefaultCreateSettle = 45 * time.Second

type createdServer struct {
	id string
	at time.Time
}

// snapshot returns the shared list of all soberana servers of the cloud,
// refreshed as SnapshotTTL and SnapshotMaxAge say.
func (d *Driver) snapshot(ctx context.Context, cn *conn) (snapshot, error) {
	cn.snapMu.Lock()
	defer cn.snapMu.Unlock()
	age := time.Since(cn.snap.at)
	if age > cn.snap.took+SnapshotTTL && (cn.posting.Load() == 0 || age > SnapshotMaxAge) {
		t0 := time.Now()
		list, err := d.listServers(ctx, cn, "^"+namePrefix)
		if err != nil {
			return snapshot{}, err
		}
		sn := snapshot{at: t0, took: time.Since(t0), byID: make(map[string]servers.Server, len(list)), byReplica: make(map[string]servers.Server, len(list))}
		for _, s := range list {
			sn.byID[s.ID] = s
			rid := s.Metadata[MetaReplica]
			if rid == "" || gone(&s) {
				continue
			}
			if o, ok := sn.byReplica[rid]; !ok || s.Created.Before(o.Created) {
				sn.byReplica[rid] = s
			}
		}
		cn.snap = sn
	}
	return cn.snap, nil
}

// fromSnapshot answers an Observe of a known server from a recent list of
// all soberana servers; ok is false when the list does not have it (it may
// be newer than the list: the caller reads it directly).
func (d *Driver) fromSnapshot(ctx context.Context, cn *conn, ref provider.ResourceRef) (*servers.Server, bool, error) {
	sn, err := d.snapshot(ctx, cn)
	if err != nil {
		return nil, false, err
	}
	s, ok := sn.byID[ref.ResourceID]
	if !ok {
		d.mu.Lock()
		c, mine := d.created[ref.ReplicaID]
		d.mu.Unlock()
		if mine && c.id == ref.ResourceID && !sn.at.After(c.at) {
			// We created it after this list began: it is building as far
			// as anyone can tell until the next list.
			return &servers.Server{ID: c.id, Status: "BUILD", Metadata: map[string]string{MetaReplica: ref.ReplicaID}}, true, nil
		}
	}
	if !ok || s.Metadata[MetaReplica] != ref.ReplicaID || gone(&s) {
		return nil, false, nil
	}
	return &s, true, nil
}

// replicaFromSnapshot finds a replica's server by its replica id in the
// shared list. answered is false when the list started before this
// process's last create or delete of the replica returned: only a later
// list can tell; the caller then asks Nova directly.
func (d *Driver) replicaFromSnapshot(ctx context.Context, cn *conn, replicaID string) (s *servers.Server, answered bool, err error) {
	sn, err := d.snapshot(ctx, cn)
	if err != nil {
		return nil, false, err
	}
	d.mu.Lock()
	touched, ok := d.touched[replicaID]
	d.mu.Unlock()
	if ok && !sn.at.After(touched) {
		return nil, false, nil
	}
	if got, ok := sn.byReplica[replicaID]; ok {
		return &got, true, nil
	}
	return nil, true, nil
}

// markAbsent remembers that Observe just found no server for the replica,
// so that Create need not look again (absentFresh).
func (d *Driver) markAbsent(replicaID string) {
	d.mu.Lock()
	d.absent[replicaID] = time.Now()
	d.mu.Unlock()
}

// touch records that this process just created (createdID) or deleted
// (createdID empty) the replica's server.
func (d *Driver) touch(replicaID, createdID string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := time.Now()
	d.touched[replicaID] = now
	delete(d.doubt, replicaID) // created, adopted or deleted: no longer in doubt
	if createdID != "" {
		d.created[replicaID] = createdServer{id: createdID, at: now}
	} else {
		delete(d.created, replicaID)
	}
}

func (d *Driver) forgetQuotas() {
	d.mu.Lock()
	clear(d.quotas)
	d.mu.Unlock()
}

// keyLock is a mutex shared by the callers of one key; the last to leave
// removes it, so that the map holds only keys in use.
type keyLock struct {
	sync.Mutex
	users int
}

// replicaLock locks a key (a replica id, or a project's or quota's) and
// returns its unlock.
func (d *Driver) replicaLock(id string) func() {
	d.mu.Lock()
	m := d.replicas[id]
	if m == nil {
		m = &keyLock{}
		d.replicas[id] = m
	}
	m.users++
	d.mu.Unlock()
	m.Lock()
	return func() {
		m.Unlock()
		d.mu.Lock()
		if m.users--; m.users == 0 {
			delete(d.replicas, id)
		}
		d.mu.Unlock()
	}
}

// getServer reads one server.
func (d *Driver) getServer(ctx context.Context, cn *conn, id string) (*servers.Server, error) {
	var s *servers.Server
	err := d.retry(ctx, func() error {
		var err error
		s, err = servers.Get(ctx, cn.compute, id).Extract()
		return classify("get server", cn.cloud.Name, err)
	})
	return s, err
}

// errStop ends eachCloud early without an error.
var errStop = errors.New("stop")

// eachCloud calls fn with the provider's config and a connection to each
// of its clouds in turn, until fn returns an error (errStop: none).
func (d *Driver) eachCloud(ctx context.Context, providerID string, fn func(cfg *Config, cn *conn) error) error {
	cfg, err := d.config(ctx, providerID)
	if err != nil {
		return err
	}
	for _, cl := range cfg.Clouds {
		cn, err := d.conn(ctx, providerID, cl)
		if err != nil {
			return err
		}
		if err := fn(&cfg, cn); err != nil {
			return err
		}
	}
	return nil
}

// ServerName is the name of a replica's server.
func ServerName(replicaID string) string { return namePrefix + replicaID }

// findServer finds the replica's server: by its id when known, else by
// name and metadata (the way a restarted soberana adopts it).
func (d *Driver) findServer(ctx context.Context, cn *conn, ref provider.ResourceRef) (*servers.Server, error) {
	if ref.ResourceID != "" {
		s, err := d.getServer(ctx, cn, ref.ResourceID)
		switch {
		case err == nil && s.Metadata[MetaReplica] == ref.ReplicaID && !gone(s):
			return s, nil
		case err != nil && !isNotFound(err):
			return nil, err
		}
	}
	// The plain list (ids and names, no joins) answers the common case —
	// no server yet — cheaply; a match is then read in full for its metadata.
	var names []servers.Server
	err := d.retry(ctx, func() error {
		names = names[:0]
		opts := servers.ListOpts{Name: "^" + regexp.QuoteMeta(ServerName(ref.ReplicaID)) + "$", AllTenants: !cn.cloud.AppCredential()}
		err := servers.ListSimple(cn.compute, opts).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
			ss, err := servers.ExtractServers(p)
			names = append(names, ss...)
			return true, err
		})
		return classify("list servers", cn.cloud.Name, err)
	})
	if err != nil {
		return nil, err
	}
	var found []servers.Server
	for _, n := range names {
		s, err := d.getServer(ctx, cn, n.ID)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if s.Metadata[MetaReplica] == ref.ReplicaID && !gone(s) {
			found = append(found, *s)
		}
	}
	if len(found) == 0 {
		return nil, nil
	}
	// More than one can only come from outside soberana; keep the oldest.
	sort.Slice(found, func(i, j int) bool { return found[i].Created.Before(found[j].Created) })
	if len(found) > 1 {
		d.Log.Warn("several servers carry one replica id; using the oldest", "replica", ref.ReplicaID, "count", len(found))
	}
	return &found[0], nil
}

// gone reports a server that no longer counts as the replica's.
func gone(s *servers.Server) bool {
	return s.Status == "DELETED" || s.Status == "SOFT_DELETED"
}

// deleting reports a server on its way out: observed as still there (its
// Placement allocation is freed only when the delete completes), but never
// adopted by Create.
func deleting(s *servers.Server) bool { return s.TaskState == "deleting" }

func isNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// listServers lists the servers of every project whose name matches a
// regular expression (Nova filters names by regex).
func (d *Driver) listServers(ctx context.Context, cn *conn, nameRE string) ([]servers.Server, error) {
	var out []servers.Server
	err := d.retry(ctx, func() error {
		out = out[:0]
		opts := servers.ListOpts{Name: nameRE, AllTenants: !cn.cloud.AppCredential(), Limit: 1000}
		err := servers.List(cn.compute, opts).EachPage(ctx, func(_ context.Context, p pagination.Page) (bool, error) {
			ss, err := servers.ExtractServers(p)
			out = append(out, ss...)
			return true, err
		})
		return classify("list servers", cn.cloud.Name, err)
	})
	return out, err
}

// Observe finds the replica's server and reports its state. Polls are
// answered from one shared list of the cloud's soberana servers (see
// snapshot), so that watching many replicas build costs the cloud one
// list at a time rather than calls per replica.
func (d *Driver) Observe(ctx context.Context, ref provider.ResourceRef) (provider.Observed, error) {
	cfg, cn, _, err := d.siteConn(ctx, ref.ProviderID, ref.SiteID)
	if err != nil {
		return provider.Observed{}, err
	}
	o, s, err := d.observe(ctx, cn, ref)
	if err != nil || s == nil || cfg.FloatingNetwork == "" || s.Status != "ACTIVE" || deleting(s) {
		return o, err
	}
	ip, ferr := d.ensureFloatingIP(ctx, cn, cfg.FloatingNetwork, ref.ReplicaID, s)
	if ferr != nil {
		// The server runs; it lacks its public address until a later
		// Observe makes it. Said, not fatal.
		d.Log.Warn("floating IP", "replica", ref.ReplicaID, "server", s.ID, "err", ferr)
		var e *Error
		if errors.As(ferr, &e) {
			o.Reason = e.Localize(d.Lang)
		}
		return o, nil
	}
	o.Addresses = withFloating(o.Addresses, ip)
	return o, nil
}

// observe is Observe without the floating IP; s is the server when one was
// read (nil while it is building as far as this process knows).
func (d *Driver) observe(ctx context.Context, cn *conn, ref provider.ResourceRef) (provider.Observed, *servers.Server, error) {
	d.mu.Lock()
	c, mine := d.created[ref.ReplicaID]
	d.mu.Unlock()
	if mine && (ref.ResourceID == "" || ref.ResourceID == c.id) {
		// Created by this process, maybe before its outcome was recorded.
		ref.ResourceID = c.id
		if time.Since(c.at) < d.CreatedFresh {
			return provider.Observed{Exists: true, ResourceID: c.id, State: provider.StateBuilding}, nil, nil
		}
	}
	if ref.ResourceID != "" {
		if s, ok, err := d.fromSnapshot(ctx, cn, ref); err != nil {
			return provider.Observed{}, nil, err
		} else if ok {
			return d.observed(s), s, nil
		}
	} else if s, answered, err := d.replicaFromSnapshot(ctx, cn, ref.ReplicaID); err != nil {
		return provider.Observed{}, nil, err
	} else if answered && s != nil {
		return d.observed(s), s, nil
	} else if answered {
		d.markAbsent(ref.ReplicaID)
		return provider.Observed{}, nil, nil
	}
	s, err := d.findServer(ctx, cn, ref)
	if err != nil || s == nil {
		if err == nil {
			d.markAbsent(ref.ReplicaID)
		}
		return provider.Observed{}, nil, err
	}
	return d.observed(s), s, nil
}

func (d *Driver) observed(s *servers.Server) provider.Observed {
	o := provider.Observed{Exists: true, ResourceID: s.ID, Addresses: addresses(s)}
	switch {
	case deleting(s):
		o.State = provider.StateBuilding
	case s.Status == "ACTIVE", s.Status == "SHUTOFF": // a stopped server exists and holds its size
		o.State = provider.StateActive
	case s.Status == "ERROR":
		o.State = provider.StateError
		e := &Error{Reason: faultReason(s.Fault.Message), Op: "build server", Detail: s.Fault.Message}
		o.Reason = e.Localize(d.Lang)
	default: // BUILD, REBUILD, MIGRATING, … and any server being deleted
		o.State = provider.StateBuilding
	}
	return o
}

// Create makes the replica's server, or returns the one that already
// carries the replica id. It makes a server at most once, a crash or a
// failed POST notwithstanding: it looks for the replica's server first
// (existingServer), resolves what a new one is made of (serverOpts) and
// posts it (postServer), which, when the POST fails in a way that may yet
// have made the server, looks for it again before the caller retries.
func (d *Driver) Create(ctx context.Context, spec provider.Spec) (string, error) {
	defer d.replicaLock(spec.ReplicaID)()
	cfg, cn, sm, err := d.siteConn(ctx, spec.ProviderID, spec.SiteID)
	if err != nil {
		return "", err
	}
	if id, found, err := d.existingServer(ctx, cn, spec); err != nil || found {
		return id, err
	}
	compute, opts, err := d.serverOpts(ctx, &cfg, cn, sm, spec)
	if err != nil {
		return "", err
	}
	return d.postServer(ctx, cn, compute, opts, spec)
}

// existingServer is Create's first step: the server the replica already
// has, to adopt (found), or none, so that Create makes one. It looks the
// server up unless Observe found none an instant ago: Create runs under
// the replica's lock, and only the reconciler holding the lease acts on a
// replica. After a POST of the replica whose outcome is unknown only a
// lookup made now counts (settleDoubt).
func (d *Driver) existingServer(ctx context.Context, cn *conn, spec provider.Spec) (id string, found bool, err error) {
	d.mu.Lock()
	seenAbsent, ok := d.absent[spec.ReplicaID]
	delete(d.absent, spec.ReplicaID)
	doubtAt, inDoubt := d.doubt[spec.ReplicaID]
	d.mu.Unlock()
	if inDoubt {
		return d.settleDoubt(ctx, cn, spec, doubtAt)
	}
	if ok && time.Since(seenAbsent) < absentFresh {
		return "", false, nil // fresh: skip the lookup
	}
	s, err := d.findServer(ctx, cn, spec.ResourceRef)
	switch {
	case err != nil:
		return "", false, err
	case s != nil && !deleting(s):
		return s.ID, true, nil // adopt
	case s != nil:
		return "", false, previousDeleting(cn, s)
	}
	return "", false, nil
}

// settleDoubt is existingServer's lookup when an earlier POST of this
// replica may yet make its server: neither Observe's "absent" nor the
// shared list (which may predate it) counts. It adopts the server that
// POST made, or refuses to create until the settle time after the POST
// has passed (see DefaultCreateSettle); a lookup begun after that finds
// nothing, so the POST made nothing and the doubt is cleared.
func (d *Driver) settleDoubt(ctx context.Context, cn *conn, spec provider.Spec, doubtAt time.Time) (id string, found bool, err error) {
	t0 := d.now()
	s, err := d.findServer(ctx, cn, spec.ResourceRef)
	switch {
	case err != nil:
		return "", false, err
	case s != nil && !deleting(s):
		d.touch(spec.ReplicaID, s.ID)
		d.Log.Info("adopted the server of an earlier create whose outcome was unknown", "replica", spec.ReplicaID, "server", s.ID)
		return s.ID, true, nil // adopt
	case s != nil:
		return "", false, previousDeleting(cn, s)
	case t0.Sub(doubtAt) < d.CreateSettle:
		return "", false, &Error{Reason: ReasonTimeout, Op: "create server", Cloud: cn.cloud.Name,
			Detail: "an earlier request to create this replica's server ended without an answer; waiting for the cloud to show it before asking again"}
	}
	// A lookup begun the settle time after the doubtful POST returned
	// finds nothing: that POST made nothing.
	d.mu.Lock()
	delete(d.doubt, spec.ReplicaID)
	d.mu.Unlock()
	return "", false, nil
}

// previousDeleting is the error of a Create that finds the replica's
// previous server still being deleted: a new one waits for it to go.
func previousDeleting(cn *conn, s *servers.Server) error {
	return &Error{Reason: ReasonCloudError, Op: "create server", Cloud: cn.cloud.Name,
		Detail: "the replica's previous server " + s.ID + " is still being deleted"}
}

// serverOpts is Create's second step: what the replica's server is made
// of (flavor, image, network, cloud-init, metadata) and the compute client
// that makes it (createCompute).
func (d *Driver) serverOpts(ctx context.Context, cfg *Config, cn *conn, sm SiteMap, spec provider.Spec) (*gophercloud.ServiceClient, servers.CreateOpts, error) {
	ten, err := d.look.Tenant(ctx, spec.WorkloadID)
	if err != nil {
		return nil, servers.CreateOpts{}, fmt.Errorf("openstack create: reading workload %s: %w", spec.WorkloadID, err)
	}
	flavor, err := d.flavorFor(ctx, cn, ten.Offering, spec)
	if err != nil {
		return nil, servers.CreateOpts{}, err
	}
	image := spec.Image // the catalogue's image for the workload's family
	if image == "" {
		if image, err = d.imageFor(ctx, cn, cfg, ten.Offering); err != nil {
			return nil, servers.CreateOpts{}, err
		}
	}
	compute, err := d.createCompute(ctx, cfg, cn, ten, spec)
	if err != nil {
		return nil, servers.CreateOpts{}, err
	}
	var networks any = "none"
	if cfg.Network != "" {
		networks = []servers.Network{{UUID: cfg.Network}}
	}
	opts := servers.CreateOpts{
		Name: ServerName(spec.ReplicaID), FlavorRef: flavor, ImageRef: image, AvailabilityZone: sm.AZ,
		// No tag: the name prefix and the metadata already mark the
		// server, and a tag costs Nova one more write per boot.
		Networks: networks,
		Metadata: map[string]string{MetaWorkload: spec.WorkloadID, MetaReplica: spec.ReplicaID},
	}
	if spec.UserData != "" {
		// The replica's cloud-init document, base64 as Nova wants it
		// (encoded here: gophercloud passes text that happens to be
		// valid base64 as it is).
		opts.UserData = []byte(base64.StdEncoding.EncodeToString([]byte(spec.UserData)))
	}
	if d.Installation != "" {
		opts.Metadata[MetaInstallation] = d.Installation
	}
	if name := d.flavorName(ctx, cn, flavor); name != "" {
		opts.Metadata[MetaFlavor] = name
	}
	return compute, opts, nil
}

// createCompute is the compute client that makes the replica's server:
// the credential's own, or, for a provider that gives each soberana
// project its Keystone project, that project's, made (with its quotas
// raised for this replica) first.
func (d *Driver) createCompute(ctx context.Context, cfg *Config, cn *conn, ten Tenant, spec provider.Spec) (*gophercloud.ServiceClient, error) {
	if cfg.SharedProject || cn.cloud.AppCredential() {
		return cn.compute, nil
	}
	pid, err := d.ensureProject(ctx, spec.ProviderID, cfg, cn, ten)
	if err != nil {
		return nil, err
	}
	if err := d.ensureQuota(ctx, spec.ProviderID, cn, pid, ten, spec); err != nil {
		return nil, err
	}
	return cn.projectCompute(ctx, pid)
}

// postServer is Create's last step: it POSTs the server once. When the
// POST fails in a way that may yet have made the server, it adopts the
// server a lookup finds (adoptAfterFailedPost); when none shows and the
// outcome is unknown, it marks the replica in doubt so that no new POST
// is made until a later lookup settles it (see DefaultCreateSettle).
func (d *Driver) postServer(ctx context.Context, cn *conn, compute *gophercloud.ServiceClient, opts servers.CreateOpts, spec provider.Spec) (string, error) {
	cn.posting.Add(1)
	s, cerr := servers.Create(ctx, compute, opts, nil).Extract()
	cn.posting.Add(-1)
	if cerr == nil {
		d.touch(spec.ReplicaID, s.ID)
		return s.ID, nil
	}
	err := classify("create server", cn.cloud.Name, cerr)
	var e *Error
	if errors.As(err, &e) && e.Reason == ReasonQuotaExceeded {
		d.forgetQuotas() // someone else changed them: read them again next time
	}
	if !errors.As(err, &e) || !e.Retryable() {
		return "", err
	}
	if adopted := d.adoptAfterFailedPost(ctx, cn, spec); adopted != nil {
		d.touch(spec.ReplicaID, adopted.ID)
		return adopted.ID, nil
	}
	if e.Status == 0 || e.Status >= 500 {
		// No answer, or a failure after Nova had the request: the server
		// may still appear. Until a later lookup settles it, no new POST
		// (see DefaultCreateSettle).
		d.mu.Lock()
		d.doubt[spec.ReplicaID] = d.now()
		d.mu.Unlock()
		d.Log.Warn("creating a server ended without a known outcome; the replica is not created again until a lookup settles it",
			"replica", spec.ReplicaID, "err", err, "settle", d.CreateSettle)
	}
	return "", err
}

// adoptAfterFailedPost looks, for up to 30 seconds and whether or not ctx
// is cancelled, for the server of a POST that failed: it may have created
// the server before failing (a timeout, a 5xx after the record was
// written), and looking before the caller retries means a retry never
// makes a second one. It is nil when no live server shows.
func (d *Driver) adoptAfterFailedPost(ctx context.Context, cn *conn, spec provider.Spec) *servers.Server {
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var adopted *servers.Server
	_ = d.retry(wctx, func() error {
		s, ferr := d.findServer(wctx, cn, spec.ResourceRef)
		if ferr != nil {
			return ferr
		}
		if s != nil && !deleting(s) {
			adopted = s
		}
		return nil
	})
	return adopted
}

// Delete removes the replica's server; deleting nothing succeeds.
func (d *Driver) Delete(ctx context.Context, ref provider.ResourceRef) (err error) {
	cfg, cn, _, err := d.siteConn(ctx, ref.ProviderID, ref.SiteID)
	if err != nil {
		return err
	}
	s, err := d.findServer(ctx, cn, ref)
	if err != nil {
		return err
	}
	if err := d.notOurs("delete server", cn, s); err != nil {
		return err
	}
	if cfg.FloatingNetwork != "" {
		// Released before the server goes (a crash after its delete
		// leaves no floating IP) and again after (one an Observe made in
		// between), under the lock the making takes.
		unlock := d.replicaLock("fip/" + ref.ReplicaID)
		defer unlock()
		d.mu.Lock()
		d.fipGone[ref.ReplicaID] = true
		d.mu.Unlock()
		if err := d.releaseFloatingIPs(ctx, cn, ref.ReplicaID); err != nil {
			return err
		}
		if s != nil && !deleting(s) {
			defer func() {
				if err == nil {
					err = d.releaseFloatingIPs(ctx, cn, ref.ReplicaID)
				}
			}()
		}
	}
	if s == nil || deleting(s) {
		return nil
	}
	err = d.deleteServer(ctx, cfg.SharedProject, cn, ref.ProviderID, s)
	if err == nil {
		d.touch(ref.ReplicaID, "")
	}
	return err
}

// deleteServer deletes s (retried; a server already gone succeeds) and,
// unless the provider's servers share one project, schedules the shrink
// of the quota of the Keystone project it was in.
func (d *Driver) deleteServer(ctx context.Context, sharedProject bool, cn *conn, providerID string, s *servers.Server) error {
	err := d.retry(ctx, func() error {
		err := classify("delete server", cn.cloud.Name, servers.Delete(ctx, cn.compute, s.ID).ExtractErr())
		if isNotFound(err) {
			return nil
		}
		return err
	})
	if err == nil && !sharedProject && !cn.cloud.AppCredential() {
		d.scheduleShrink(providerID, cn, s.TenantID, d.projectOf(ctx, cn, s))
	}
	return err
}

var _ provider.ExactDeleter = (*Driver)(nil)

// DeleteResource deletes the one server res names — found by its id on
// the provider's clouds — and only while it carries res's replica id and
// no other installation's id; a server already gone succeeds. Unlike
// Delete it never falls back to the replica's name, which would find the
// replica's other server: the sweep uses it to remove a duplicate without
// touching the server the placement owns.
func (d *Driver) DeleteResource(ctx context.Context, providerID string, res provider.Resource) error {
	if res.ResourceID == "" || res.ReplicaID == "" {
		return fmt.Errorf("openstack delete resource: resource and replica ids are required")
	}
	err := d.eachCloud(ctx, providerID, func(cfg *Config, cn *conn) error {
		s, err := d.getServer(ctx, cn, res.ResourceID)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if s.Metadata[MetaReplica] != res.ReplicaID {
			return &Error{Reason: ReasonNotOurs, Op: "delete server", Cloud: cn.cloud.Name,
				Detail: "server " + s.ID + " does not carry replica id " + res.ReplicaID}
		}
		if err := d.notOurs("delete server", cn, s); err != nil {
			return err
		}
		if gone(s) || deleting(s) {
			return errStop
		}
		err = d.deleteServer(ctx, cfg.SharedProject, cn, providerID, s)
		if err != nil {
			return err
		}
		return errStop
	})
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// projectOf names the soberana project whose Keystone project holds a
// server: known from this process's creates, else read through the
// server's workload ("" when neither tells).
func (d *Driver) projectOf(ctx context.Context, cn *conn, s *servers.Server) string {
	d.mu.Lock()
	p := d.tenants[cn.cloud.Name+"/"+s.TenantID]
	d.mu.Unlock()
	if p != "" || s.Metadata[MetaWorkload] == "" {
		return p
	}
	t, err := d.look.Tenant(ctx, s.Metadata[MetaWorkload])
	if err != nil {
		return ""
	}
	return t.ProjectID
}

// ListResources returns every server of the provider's clouds that carries
// a replica id, with the installation it can be proven to belong to (see
// ownedBy): with a Keystone project per soberana project, this
// installation's id counts only on servers in projects tagged with it.
func (d *Driver) ListResources(ctx context.Context, providerID string) ([]provider.Resource, error) {
	var out []provider.Resource
	err := d.eachCloud(ctx, providerID, func(cfg *Config, cn *conn) error {
		list, err := d.listServers(ctx, cn, "^"+namePrefix)
		if err != nil {
			return err
		}
		var owned map[string]bool
		if d.Installation != "" && !cfg.SharedProject && !cn.cloud.AppCredential() {
			if owned, err = d.ownedProjects(ctx, cn); err != nil {
				return err
			}
		}
		for _, s := range list {
			rid := s.Metadata[MetaReplica]
			if rid == "" || gone(&s) {
				continue
			}
			site := ""
			for _, sm := range cfg.Sites {
				if sm.Cloud == cn.cloud.Name && sm.AZ == s.AvailabilityZone {
					site = sm.SiteID
				}
			}
			st := d.observed(&s).State
			out = append(out, provider.Resource{ResourceID: s.ID, SiteID: site, ReplicaID: rid,
				WorkloadID: s.Metadata[MetaWorkload], State: st, Stopped: stopped(&s), Deleting: deleting(&s), Installation: d.ownedBy(&s, owned),
				Flavor: serverFlavor(&s), WantFlavor: s.Metadata[MetaFlavor]})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// callLog logs every API call with its status and duration at debug level
// (log_level: debug), to see where time goes against a slow cloud.
type callLog struct {
	next http.RoundTripper
	log  *slog.Logger
}

func (c callLog) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := c.next.RoundTrip(req)
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	c.log.Debug("openstack call", "method", req.Method, "host", req.URL.Host, "path", req.URL.Path,
		"status", status, "ms", time.Since(start).Milliseconds(), "err", err)
	return resp, err
}
