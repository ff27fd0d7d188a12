package console

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

const utilizationPath = "/v1/workloads/{id}/utilization"

// usageRow is one replica's utilization on the workload page: the latest
// figures and a sparkline of the last hours.
type usageRow struct {
	Replica    int
	Site       string
	Simulated  bool
	CPUPercent int64
	MemUsedMiB int64
	MemMiB     int64
	// CPUPoints and MemPoints are the SVG polylines (120×24) of the CPU
	// and memory use over the window.
	CPUPoints, MemPoints string
	Samples              int
}

type usageJSON struct {
	Replicas []struct {
		Replica   int    `json:"replica"`
		SiteName  string `json:"site_name"`
		Simulated bool   `json:"simulated"`
		Samples   []struct {
			At            time.Time `json:"at"`
			CPUPermille   int64     `json:"cpu_permille"`
			MemoryUsedMiB int64     `json:"memory_used_mib"`
			MemoryMiB     int64     `json:"memory_mib"`
		} `json:"samples"`
	} `json:"replicas"`
}

// sparkline draws values in thousandths (0–1000) as polyline points in a
// 120×24 box, oldest left.
func sparkline(vals []int64) string {
	if len(vals) == 0 {
		return ""
	}
	var b strings.Builder
	for i, v := range vals {
		x := int64(120)
		if len(vals) > 1 {
			x = int64(i) * 120 / int64(len(vals)-1)
		}
		y := 24 - min(max(v, 0), 1000)*24/1000
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%d,%d", x, y)
	}
	return b.String()
}

// workloadUsage reads the workload's utilization over the last 6 hours;
// nil when the API does not serve it or says nothing.
func (c *Console) workloadUsage(ctx context.Context, v *view, id string) []usageRow {
	if c.hasRoute == nil || !c.hasRoute("GET", utilizationPath) {
		return nil
	}
	var u usageJSON
	if err := c.get(ctx, v, "/v1/workloads/"+url.PathEscape(id)+"/utilization?window=6h", &u); err != nil {
		return nil
	}
	var out []usageRow
	for _, r := range u.Replicas {
		if len(r.Samples) == 0 {
			continue
		}
		row := usageRow{Replica: r.Replica, Site: r.SiteName, Simulated: r.Simulated, Samples: len(r.Samples)}
		cpu := make([]int64, 0, len(r.Samples))
		mem := make([]int64, 0, len(r.Samples))
		for _, s := range r.Samples {
			cpu = append(cpu, s.CPUPermille)
			if s.MemoryMiB > 0 {
				mem = append(mem, s.MemoryUsedMiB*1000/s.MemoryMiB)
			}
		}
		last := r.Samples[len(r.Samples)-1]
		row.CPUPercent, row.MemUsedMiB, row.MemMiB = last.CPUPermille/10, last.MemoryUsedMiB, last.MemoryMiB
		row.CPUPoints, row.MemPoints = sparkline(cpu), sparkline(mem)
		out = append(out, row)
	}
	return out
}
