package openstack

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gophercloud/gophercloud/v2/openstack/compute/v2/diagnostics"

	"github.com/soberana/soberana/internal/provider"
)

var _ provider.UsageReporter = (*Driver)(nil)

// cpuMark is a server's total CPU time at one sample: the CPU use is the
// difference between two samples over the time between them.
type cpuMark struct {
	ns int64
	at time.Time
}

var cpuMarks sync.Map // server id → cpuMark

// Usage reads Nova's server diagnostics (GET /servers/{id}/diagnostics;
// admin by Nova's default policy) of each replica whose server id is
// known. CPU use is the growth of the servers' cpuN_time counters between
// two samples, over the vCPUs (the first sample of a server after a
// start gives none, so that replica is left out until the next); memory
// in use is memory-rss (or memory-actual minus memory-unused) and the
// memory the server has is memory / memory-actual, all in KiB in Nova's
// legacy format. A server Nova says nothing of is left out.
func (d *Driver) Usage(ctx context.Context, providerID string, refs []provider.ResourceRef) ([]provider.Usage, error) {
	var out []provider.Usage
	var firstErr error
	for _, ref := range refs {
		if ref.ResourceID == "" {
			continue
		}
		_, cn, _, err := d.siteConn(ctx, providerID, ref.SiteID)
		if err != nil {
			return out, err
		}
		var body map[string]any
		if err := diagnostics.Get(ctx, cn.compute, ref.ResourceID).ExtractInto(&body); err != nil {
			if firstErr == nil {
				firstErr = classify("server diagnostics", cn.cloud.Name, err)
			}
			continue
		}
		if d.Log != nil {
			d.Log.Debug("server diagnostics", "server", ref.ResourceID, "body", body)
		}
		u, ok := usageFromDiagnostics(ref.ReplicaID, ref.ResourceID, body, time.Now())
		if ok {
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return out, firstErr
	}
	return out, nil
}

func num(m map[string]any, k string) (int64, bool) {
	switch v := m[k].(type) {
	case float64:
		return int64(v), true
	case int64:
		return v, true
	}
	return 0, false
}

// usageFromDiagnostics turns one legacy diagnostics answer into a sample,
// given the server's previous CPU mark.
func usageFromDiagnostics(replicaID, serverID string, body map[string]any, now time.Time) (provider.Usage, bool) {
	if cd, ok := body["cpu_details"].([]any); ok {
		return standardDiagnostics(replicaID, serverID, body, cd, now)
	}
	var cpuNs int64
	var cpus []string
	for k := range body {
		if strings.HasPrefix(k, "cpu") && strings.HasSuffix(k, "_time") {
			cpus = append(cpus, k)
		}
	}
	sort.Strings(cpus)
	for _, k := range cpus {
		v, _ := num(body, k)
		cpuNs += v
	}
	u := provider.Usage{ReplicaID: replicaID, At: now}
	if total, ok := num(body, "memory-actual"); ok {
		u.MemoryMiB = total / 1024
	} else if total, ok := num(body, "memory"); ok {
		u.MemoryMiB = total / 1024
	}
	if rss, ok := num(body, "memory-rss"); ok {
		u.MemoryUsedMiB = rss / 1024
	} else if unused, ok := num(body, "memory-unused"); ok && u.MemoryMiB > 0 {
		u.MemoryUsedMiB = u.MemoryMiB - unused/1024
	}
	var ok bool
	u.CPUPermille, ok = cpuSince(serverID, cpuNs, len(cpus), now)
	return u, ok
}

// cpuSince marks the server's total CPU time ns, over n vCPUs, at now and
// returns the CPU use since its previous mark in permille; false when
// there is none, no vCPU, or no time has passed.
func cpuSince(serverID string, ns int64, n int, now time.Time) (int64, bool) {
	prev, had := cpuMarks.Load(serverID)
	cpuMarks.Store(serverID, cpuMark{ns: ns, at: now})
	if !had || n == 0 {
		return 0, false
	}
	p := prev.(cpuMark)
	wall := now.Sub(p.at).Nanoseconds() * int64(n)
	if wall <= 0 {
		return 0, false
	}
	return min(max((ns-p.ns)*1000/wall, 0), 1000), true
}

// standardDiagnostics reads the format of microversion 2.48 and later:
// cpu_details [{id, time (ns), utilisation (%)}] and memory_details
// {maximum, used} in MiB. CPU use is the mean utilisation of the vCPUs
// when Nova gives it, else the growth of their times since the last
// sample.
func standardDiagnostics(replicaID, serverID string, body map[string]any, cd []any, now time.Time) (provider.Usage, bool) {
	u := provider.Usage{ReplicaID: replicaID, At: now}
	if md, ok := body["memory_details"].(map[string]any); ok {
		u.MemoryMiB, _ = num(md, "maximum")
		u.MemoryUsedMiB, _ = num(md, "used")
	}
	var timeNs, utilSum int64
	nUtil := 0
	for _, x := range cd {
		c, ok := x.(map[string]any)
		if !ok {
			continue
		}
		if v, ok := num(c, "time"); ok {
			timeNs += v
		}
		if v, ok := num(c, "utilisation"); ok {
			utilSum += v
			nUtil++
		}
	}
	// The mark is kept even when Nova gives the utilisation: a later
	// answer may give only the times.
	grown, ok := cpuSince(serverID, timeNs, len(cd), now)
	if nUtil > 0 {
		u.CPUPermille = min(max(utilSum*10/int64(nUtil), 0), 1000)
		return u, true
	}
	u.CPUPermille = grown
	return u, ok
}

// String is for logs.
func (m cpuMark) String() string { return fmt.Sprintf("%dns@%s", m.ns, m.at.Format(time.RFC3339)) }
