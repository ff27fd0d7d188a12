package openstack

import (
	"context"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
)

// fakeNeutron is just enough of Neutron's API for floating IPs: networks
// (listed by id or name), ports (by device_id), floating IPs (list by
// description, create, update, delete).
type fakeNeutron struct {
	mu       sync.Mutex
	networks []map[string]any
	ports    []map[string]any
	fips     map[string]map[string]any
	next     int
	// loseCreate: the next floating IP POST makes the floating IP and
	// then answers 500, as a crash between Neutron's commit and the reply.
	loseCreate bool
	posts      int
	portLists  int
}

func newFakeNeutron() *fakeNeutron {
	return &fakeNeutron{networks: []map[string]any{{"id": "ext-net-id", "name": "public", "router:external": true}},
		fips: map[string]map[string]any{}}
}

func (n *fakeNeutron) addPort(serverID string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ports = append(n.ports, map[string]any{"id": "port-" + serverID, "device_id": serverID, "network_id": "int-net"})
}

func (n *fakeNeutron) count() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.fips)
}

func (n *fakeNeutron) serve(w http.ResponseWriter, r *http.Request, p string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	q := r.URL.Query()
	// matching lists the items whose keys equal those the query gives.
	matching := func(items iter.Seq[map[string]any], keys ...string) []any {
		list := []any{}
	items:
		for m := range items {
			for _, k := range keys {
				if v := q.Get(k); v != "" && fmt.Sprint(m[k]) != v {
					continue items
				}
			}
			list = append(list, m)
		}
		return list
	}
	switch {
	case p == "/networks" && r.Method == http.MethodGet:
		writeJSON(w, 200, map[string]any{"networks": matching(slices.Values(n.networks), "id", "name")})
	case p == "/ports" && r.Method == http.MethodGet:
		n.portLists++
		writeJSON(w, 200, map[string]any{"ports": matching(slices.Values(n.ports), "device_id")})
	case p == "/floatingips" && r.Method == http.MethodGet:
		writeJSON(w, 200, map[string]any{"floatingips": matching(maps.Values(n.fips), "description")})
	case p == "/floatingips" && r.Method == http.MethodPost:
		n.posts++
		var body struct {
			FIP map[string]any `json:"floatingip"`
		}
		readJSON(r, &body)
		n.next++
		m := map[string]any{"id": fmt.Sprintf("fip-%d", n.next), "floating_ip_address": fmt.Sprintf("203.0.113.%d", 10+n.next),
			"floating_network_id": body.FIP["floating_network_id"], "port_id": body.FIP["port_id"], "description": body.FIP["description"], "status": "DOWN"}
		n.fips[m["id"].(string)] = m
		if n.loseCreate {
			n.loseCreate = false
			writeJSON(w, 500, map[string]any{"NeutronError": map[string]any{"message": "lost", "type": "HTTPInternalServerError"}})
			return
		}
		writeJSON(w, 201, map[string]any{"floatingip": m})
	case strings.HasPrefix(p, "/floatingips/"):
		id := strings.TrimPrefix(p, "/floatingips/")
		m, ok := n.fips[id]
		if !ok {
			writeJSON(w, 404, map[string]any{"NeutronError": map[string]any{"message": "Floating IP " + id + " could not be found", "type": "FloatingIPNotFound"}})
			return
		}
		switch r.Method {
		case http.MethodPut:
			var body struct {
				FIP map[string]any `json:"floatingip"`
			}
			readJSON(r, &body)
			if v, ok := body.FIP["port_id"]; ok {
				m["port_id"] = v
			}
			writeJSON(w, 200, map[string]any{"floatingip": m})
		case http.MethodDelete:
			delete(n.fips, id)
			w.WriteHeader(http.StatusNoContent)
		default:
			writeJSON(w, 200, map[string]any{"floatingip": m})
		}
	default:
		http.NotFound(w, r)
	}
}

// fipDriver is a driver on the fake cloud whose provider names an
// external network.
func fipDriver(t *testing.T, f *fakeCloud) *Driver {
	t.Helper()
	cfg := Config{Clouds: []Cloud{f.cloud()}, Sites: []SiteMap{{SiteID: "site-1", Cloud: "fake", AZ: "az-1"}},
		Images: map[string]string{"*": "11111111-2222-3333-4444-555555555555"}, SharedProject: true,
		Network: "int-net", FloatingNetwork: "public"}
	d := New(MemConfigs{"prv-1": cfg}, fakeLookup{tenant: Tenant{ProjectID: "prj-1", InstitutionID: "inst-1", Offering: "SCS-2V-4-20s"}})
	d.Backoff = 10 * time.Millisecond
	d.CreatedFresh = 0
	return d
}

// activate turns the fake's server ACTIVE with a fixed address on its
// port, as Nova would report it.
func (f *fakeCloud) activate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.servers[id]
	s["status"] = "ACTIVE"
	s["addresses"] = map[string]any{"int-net": []any{map[string]any{"addr": "10.0.0.5", "version": 4, "OS-EXT-IPS:type": "fixed"}}}
}

// fipReplica is a fake cloud with Neutron and a floating-IP driver on it
// that has created replica r1's server (still building); ref names it.
func fipReplica(t *testing.T) (*fakeCloud, *Driver, provider.ResourceRef) {
	t.Helper()
	f := newFakeCloud(t)
	f.neutron = newFakeNeutron()
	d := fipDriver(t, f)
	id, err := d.Create(context.Background(), spec("r1"))
	if err != nil {
		t.Fatal(err)
	}
	ref := spec("r1").ResourceRef
	ref.ResourceID = id
	return f, d, ref
}

func floatingOf(o provider.Observed) string {
	for _, a := range o.Addresses {
		if a.Kind == model.AddressFloating {
			return a.Address
		}
	}
	return ""
}

// A replica's ACTIVE server gets one floating IP from the external network,
// associated with its port and reported among its addresses; observing
// again, from this process or a restarted one, makes no second; a
// floating IP made by a POST whose answer was lost is found and used;
// Delete releases it, also when the server is already gone.
func TestFloatingIPAssociatedReportedIdempotentReleased(t *testing.T) {
	t.Parallel()
	f, d, ref := fipReplica(t)
	ctx, id := context.Background(), ref.ResourceID
	// Building: no floating IP yet.
	if o, err := d.Observe(ctx, ref); err != nil || floatingOf(o) != "" || f.neutron.count() != 0 {
		t.Fatalf("building server: %+v, %v, %d floating IPs; want none", o, err, f.neutron.count())
	}
	f.activate(id)
	f.neutron.addPort(id)
	d.snapshotReset()
	o, err := d.Observe(ctx, ref)
	if err != nil {
		t.Fatal(err)
	}
	ip := floatingOf(o)
	if ip == "" || f.neutron.count() != 1 {
		t.Fatalf("active server: addresses %+v, %d floating IPs; want one floating address", o.Addresses, f.neutron.count())
	}
	if len(o.Addresses) != 2 || o.Addresses[0].Address != "10.0.0.5" {
		t.Fatalf("addresses %+v: want Nova's fixed address and the floating one", o.Addresses)
	}
	for _, m := range f.neutron.fips {
		if m["port_id"] != "port-"+id || m["floating_network_id"] != "ext-net-id" || m["description"] != FloatingDescription("r1") {
			t.Fatalf("floating IP %+v: want it on the server's port, from the external network, described with the replica", m)
		}
	}
	// Again, and from a restarted driver (nothing cached): the same one.
	for _, dd := range []*Driver{d, fipDriver(t, f)} {
		dd.snapshotReset()
		o, err := dd.Observe(ctx, ref)
		if err != nil || floatingOf(o) != ip || f.neutron.count() != 1 || f.neutron.posts != 1 {
			t.Fatalf("observe again: %+v, %v, %d floating IPs, %d POSTs; want %s alone", o.Addresses, err, f.neutron.count(), f.neutron.posts, ip)
		}
	}
	if err := d.Delete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if f.neutron.count() != 0 || f.count() != 0 {
		t.Fatalf("after delete: %d floating IPs, %d servers; want none", f.neutron.count(), f.count())
	}

	// A POST whose answer is lost: the Observe says why (localized), the
	// next one finds the floating IP made and makes no second.
	d2 := fipDriver(t, f)
	d2.Lang = i18n.EN
	id2, err := d2.Create(ctx, spec("r2"))
	if err != nil {
		t.Fatal(err)
	}
	ref2 := spec("r2").ResourceRef
	ref2.ResourceID = id2
	f.activate(id2)
	f.neutron.addPort(id2)
	f.neutron.loseCreate = true
	d2.Attempts = 1
	o, err = d2.Observe(ctx, ref2)
	if err != nil || o.State != provider.StateActive || floatingOf(o) != "" || !strings.Contains(o.Reason, "OpenStack") {
		t.Fatalf("lost POST: %+v, %v; want an active replica without its floating IP, and the reason", o, err)
	}
	o, err = d2.Observe(ctx, ref2)
	if err != nil || floatingOf(o) == "" || f.neutron.count() != 1 || f.neutron.posts != 2 {
		t.Fatalf("after the lost POST: %+v, %v, %d floating IPs, %d POSTs; want the one made, no new POST", o.Addresses, err, f.neutron.count(), f.neutron.posts)
	}
	// The server goes first (a crash before the release): Delete still
	// releases the floating IP.
	f.mu.Lock()
	delete(f.servers, id2)
	f.mu.Unlock()
	d2.snapshotReset()
	if err := fipDriver(t, f).Delete(ctx, ref2); err != nil {
		t.Fatal(err)
	}
	if f.neutron.count() != 0 {
		t.Fatalf("delete after the server went: %d floating IPs left", f.neutron.count())
	}
}

// A server with no port (booted with no network) is active with Nova's
// addresses and no floating IP, and no error.
func TestFloatingIPNoPortNoError(t *testing.T) {
	t.Parallel()
	f, d, ref := fipReplica(t)
	ctx := context.Background()
	f.activate(ref.ResourceID)
	o, err := d.Observe(ctx, ref)
	if err != nil || o.Reason != "" || floatingOf(o) != "" || f.neutron.count() != 0 {
		t.Fatalf("no port: %+v, %v, %d floating IPs", o, err, f.neutron.count())
	}
	f.mu.Lock()
	f.calls = nil
	f.mu.Unlock()
	d.snapshotReset()
	if _, err := d.Observe(ctx, ref); err != nil || f.neutron.portLists != 1 {
		t.Fatalf("observed again: %v, %d port lists; want the first one only", err, f.neutron.portLists)
	}
}

// snapshotReset drops the shared server lists, so the next Observe reads
// the fake cloud as it is now.
func (d *Driver) snapshotReset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, cn := range d.conns {
		cn.snapMu.Lock()
		cn.snap = snapshot{}
		cn.snapMu.Unlock()
	}
}
