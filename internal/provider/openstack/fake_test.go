package openstack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeCloud is a hand-written OpenStack (Keystone + Nova) on httptest:
// just enough of the APIs for the driver's error paths.
type fakeCloud struct {
	t   *testing.T
	srv *httptest.Server

	mu      sync.Mutex
	servers map[string]map[string]any
	nextID  int
	posts   int
	calls   map[string]int // compute calls by "METHOD /path" (server ids as {id})
	// knobs
	authStatus int                                            // Keystone answers this (0: 201)
	onCreate   func(w http.ResponseWriter, created bool) bool // true: handled (after creating when created)
	createsToo bool                                           // onCreate runs after the server was recorded
	delay      time.Duration                                  // every compute call sleeps this long
	// quota: os-quota-sets of every project, {limit, in_use} per resource
	quota map[string]map[string][2]int
	// compute services: host, zone, state (up/down), status (enabled/disabled)
	services [][4]string
	// Keystone projects by id: name and tags
	projects map[string]fakeProject
	// neutron, when set, answers the network API (see fip_test.go)
	neutron *fakeNeutron
}

type fakeProject struct {
	Name string
	Tags []string
}

// failingCreates is a fake cloud whose every server create answers status
// with OpenStack's error body, {kind: {"code": status, "message": message}},
// and the driver over it (fakeDriver).
func failingCreates(t *testing.T, status int, kind, message string) (*fakeCloud, *Driver) {
	t.Helper()
	f := newFakeCloud(t)
	f.onCreate = func(w http.ResponseWriter, _ bool) bool {
		writeJSON(w, status, map[string]any{kind: map[string]any{"code": status, "message": message}})
		return true
	}
	return f, fakeDriver(t, f)
}

func newFakeCloud(t *testing.T) *fakeCloud {
	f := &fakeCloud{t: t, servers: map[string]map[string]any{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeCloud) cloud() Cloud {
	return Cloud{Name: "fake", AuthURL: f.srv.URL + "/v3", Username: "admin", Password: "pw", ProjectName: "admin",
		UserDomainName: "Default", ProjectDomainName: "Default", Region: "RegionOne", Interface: "public"}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readJSON decodes the request's body into v as far as it can: the fake
// answers as a cloud would whatever the client sent.
func readJSON(r *http.Request, v any) {
	b, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(b, v)
}

func (f *fakeCloud) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/v3/auth/tokens" && r.Method == http.MethodPost:
		if f.authStatus != 0 {
			writeJSON(w, f.authStatus, map[string]any{"error": map[string]any{"code": f.authStatus, "message": "The request you have made requires authentication."}})
			return
		}
		w.Header().Set("X-Subject-Token", "tok")
		ep := func(typ, url string) map[string]any {
			return map[string]any{"type": typ, "endpoints": []any{map[string]any{"interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": url}}}
		}
		writeJSON(w, http.StatusCreated, map[string]any{"token": map[string]any{
			"user":    map[string]any{"id": "u-admin", "name": "admin"},
			"catalog": []any{ep("compute", f.srv.URL+"/compute/v2.1"), ep("identity", f.srv.URL+"/v3"), ep("network", f.srv.URL+"/network/")},
		}})
		return
	case strings.HasPrefix(p, "/v3/projects"):
		f.identityProjects(w, r, strings.TrimPrefix(p, "/v3/projects"))
		return
	case p == "/network/" && f.neutron != nil: // version discovery
		writeJSON(w, http.StatusOK, map[string]any{"versions": []any{map[string]any{"id": "v2.0", "status": "CURRENT",
			"links": []any{map[string]any{"rel": "self", "href": f.srv.URL + "/network/v2.0/"}}}}})
		return
	case strings.HasPrefix(p, "/network/v2.0/") && f.neutron != nil:
		f.neutron.serve(w, r, strings.TrimPrefix(p, "/network/v2.0"))
		return
	case strings.HasPrefix(p, "/compute/v2.1/"):
		key := r.Method + " " + strings.TrimPrefix(p, "/compute/v2.1")
		if parts := strings.Split(key, "/"); len(parts) > 2 && parts[1] == "servers" && parts[2] != "detail" {
			parts[2] = "{id}"
			key = strings.Join(parts, "/")
		}
		f.mu.Lock()
		if f.calls == nil {
			f.calls = map[string]int{}
		}
		f.calls[key]++
		f.mu.Unlock()
		if f.delay > 0 {
			select {
			case <-time.After(f.delay):
			case <-r.Context().Done():
				return
			}
		}
		f.compute(w, r, strings.TrimPrefix(p, "/compute/v2.1"))
		return
	}
	http.NotFound(w, r)
}

func (f *fakeCloud) compute(w http.ResponseWriter, r *http.Request, p string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case p == "/servers" && r.Method == http.MethodPost:
		f.posts++
		var body struct {
			Server map[string]any `json:"server"`
		}
		readJSON(r, &body)
		if f.onCreate != nil && !f.createsToo && f.onCreate(w, false) {
			return
		}
		f.nextID++
		id := fmt.Sprintf("00000000-0000-0000-0000-%012d", f.nextID)
		s := map[string]any{"id": id, "name": body.Server["name"], "status": "BUILD", "metadata": body.Server["metadata"],
			"OS-EXT-AZ:availability_zone": body.Server["availability_zone"], "created": time.Now().UTC().Format(time.RFC3339),
			"flavor": map[string]any{"original_name": fakeFlavorName(body.Server["flavorRef"])}}
		f.servers[id] = s
		if f.onCreate != nil && f.createsToo && f.onCreate(w, true) {
			return
		}
		writeJSON(w, http.StatusAccepted, map[string]any{"server": map[string]any{"id": id}})
	case (p == "/servers/detail" || p == "/servers") && r.Method == http.MethodGet:
		re, err := regexp.Compile(r.URL.Query().Get("name"))
		if err != nil {
			writeJSON(w, 400, map[string]any{"badRequest": map[string]any{"message": "bad regex"}})
			return
		}
		list := []any{}
		for _, s := range f.servers {
			if re.MatchString(s["name"].(string)) {
				list = append(list, s)
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"servers": list})
	case strings.HasPrefix(p, "/servers/") && strings.HasSuffix(p, "/metadata") && r.Method == http.MethodPost:
		s, ok := f.servers[strings.TrimSuffix(strings.TrimPrefix(p, "/servers/"), "/metadata")]
		if !ok {
			writeJSON(w, 404, map[string]any{"itemNotFound": map[string]any{"code": 404, "message": "Instance could not be found."}})
			return
		}
		var body struct {
			Metadata map[string]any `json:"metadata"`
		}
		readJSON(r, &body)
		meta, _ := s["metadata"].(map[string]any)
		if meta == nil {
			meta = map[string]any{}
		}
		for k, v := range body.Metadata {
			meta[k] = v
		}
		s["metadata"] = meta
		writeJSON(w, http.StatusOK, map[string]any{"metadata": meta})
	case strings.HasPrefix(p, "/servers/") && r.Method == http.MethodGet:
		s, ok := f.servers[strings.TrimPrefix(p, "/servers/")]
		if !ok {
			writeJSON(w, 404, map[string]any{"itemNotFound": map[string]any{"code": 404, "message": "Instance could not be found."}})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"server": s})
	case strings.HasPrefix(p, "/servers/") && r.Method == http.MethodDelete:
		id := strings.TrimPrefix(p, "/servers/")
		if _, ok := f.servers[id]; !ok {
			writeJSON(w, 404, map[string]any{"itemNotFound": map[string]any{"code": 404, "message": "Instance could not be found."}})
			return
		}
		delete(f.servers, id)
		w.WriteHeader(http.StatusNoContent)
	case strings.HasPrefix(p, "/os-quota-sets/"):
		pid := strings.TrimSuffix(strings.TrimPrefix(p, "/os-quota-sets/"), "/detail")
		if f.quota == nil {
			f.quota = map[string]map[string][2]int{}
		}
		q := f.quota[pid]
		if q == nil {
			q = map[string][2]int{"instances": {10, 0}, "cores": {20, 0}, "ram": {51200, 0}}
			f.quota[pid] = q
		}
		if r.Method == http.MethodPut {
			var body struct {
				QuotaSet map[string]int `json:"quota_set"`
			}
			readJSON(r, &body)
			for k, v := range body.QuotaSet {
				if v < q[k][1] {
					writeJSON(w, 400, map[string]any{"badRequest": map[string]any{"code": 400, "message": "Quota limit must be greater than in use"}})
					return
				}
			}
			for k, v := range body.QuotaSet {
				q[k] = [2]int{v, q[k][1]}
			}
		}
		set := map[string]any{"id": pid}
		for k, v := range q {
			if r.Method == http.MethodPut {
				set[k] = v[0]
			} else {
				set[k] = map[string]any{"limit": v[0], "in_use": v[1], "reserved": 0}
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"quota_set": set})
	case p == "/os-services":
		list := []any{}
		for _, sv := range f.services {
			list = append(list, map[string]any{"id": len(list) + 1, "binary": "nova-compute", "host": sv[0], "zone": sv[1], "state": sv[2], "status": sv[3]})
		}
		writeJSON(w, http.StatusOK, map[string]any{"services": list})
	case p == "/os-availability-zone":
		avail := map[string]bool{}
		for _, sv := range f.services {
			avail[sv[1]] = avail[sv[1]] || sv[3] == "enabled"
		}
		list := []any{}
		for z, a := range avail {
			list = append(list, map[string]any{"zoneName": z, "zoneState": map[string]any{"available": a}, "hosts": nil})
		}
		writeJSON(w, http.StatusOK, map[string]any{"availabilityZoneInfo": list})
	case p == "/flavors/detail":
		writeJSON(w, http.StatusOK, map[string]any{"flavors": []any{
			map[string]any{"id": "f1", "name": "SCS-2V-4-20s", "vcpus": 2, "ram": 4096, "disk": 20, "extra_specs": map[string]any{}},
			map[string]any{"id": "f2", "name": "m1.medium", "vcpus": 2, "ram": 8192, "disk": 50, "extra_specs": map[string]any{"scs:name-v2": "SCS-2V-8-50"}},
		}})
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeCloud) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.servers)
}

// fakeLookup is a Lookup with fixed answers.
type fakeLookup struct {
	tenant    Tenant
	needs     Needs
	offerings []string
}

func (l fakeLookup) Tenant(context.Context, string) (Tenant, error) { return l.tenant, nil }
func (l fakeLookup) ProjectNeeds(context.Context, string, string) (Needs, error) {
	return l.needs, nil
}
func (l fakeLookup) Offerings(context.Context) ([]string, error) { return l.offerings, nil }

// callCount returns the compute calls seen so far and resets the count.
func (f *fakeCloud) callCount() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.calls
	f.calls = nil
	return c
}

// identityProjects serves GET /v3/projects (filters name and tags) and
// PATCH /v3/projects/{id} (tags).
func (f *fakeCloud) identityProjects(w http.ResponseWriter, r *http.Request, rest string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	view := func(id string, p fakeProject) map[string]any {
		return map[string]any{"id": id, "name": p.Name, "domain_id": "default", "enabled": true, "tags": p.Tags}
	}
	switch {
	case rest == "" && r.Method == http.MethodGet:
		q := r.URL.Query()
		list := []any{}
		for id, p := range f.projects {
			if n := q.Get("name"); n != "" && n != p.Name {
				continue
			}
			if tag := q.Get("tags"); tag != "" && !slices.Contains(p.Tags, tag) {
				continue
			}
			list = append(list, view(id, p))
		}
		writeJSON(w, http.StatusOK, map[string]any{"projects": list, "links": map[string]any{}})
	case strings.HasPrefix(rest, "/") && (r.Method == http.MethodGet || r.Method == http.MethodPatch):
		id := strings.TrimPrefix(rest, "/")
		p, ok := f.projects[id]
		if !ok {
			writeJSON(w, 404, map[string]any{"error": map[string]any{"code": 404, "message": "Could not find project."}})
			return
		}
		if r.Method == http.MethodPatch {
			var body struct {
				Project struct {
					Tags []string `json:"tags"`
				} `json:"project"`
			}
			readJSON(r, &body)
			p.Tags = body.Project.Tags
			f.projects[id] = p
		}
		writeJSON(w, http.StatusOK, map[string]any{"project": view(id, p)})
	default:
		http.NotFound(w, r)
	}
}

// fakeFlavorName is the name of one of the fake cloud's flavors by id, as
// compute 2.47+ embeds it in a server.
func fakeFlavorName(ref any) string {
	switch ref {
	case "f1":
		return "SCS-2V-4-20s"
	case "f2":
		return "m1.medium"
	}
	return ""
}
