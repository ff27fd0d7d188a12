package reconcile

import (
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// TestResyncEvery: lists of one provider are 80-100 % of the interval
// apart — spread, and never longer than the interval, so that a deletion
// is seen within one interval of happening; the default is one minute.
func TestResyncEvery(t *testing.T) {
	t.Parallel()
	r := New(Options{Holder: "t"}, nil, nil, nil, nil, nil, nil)
	if r.o.Resync != time.Minute {
		t.Fatalf("default resync %s, want 1m", r.o.Resync)
	}
	lo, hi := time.Hour, time.Duration(0)
	for range 10_000 {
		d := r.resyncEvery()
		lo, hi = min(lo, d), max(hi, d)
	}
	if lo < 48*time.Second || hi > time.Minute || hi-lo < 10*time.Second {
		t.Fatalf("intervals in [%s, %s], want spread within [48s, 1m]", lo, hi)
	}
}

// TestDifferences: what the resync calls drift, field by field; a driver
// that does not report sizes (0) or a site ("") is not taken to differ.
func TestDifferences(t *testing.T) {
	t.Parallel()
	p := store.PlacementRow{Placement: model.Placement{SiteID: "s1", VCPUs: 2, MemoryMiB: 4096}}
	for _, c := range []struct {
		name string
		res  provider.Resource
		want []model.DriftKind
	}{
		{"same", provider.Resource{SiteID: "s1", VCPUs: 2, MemoryMiB: 4096}, nil},
		{"unreported", provider.Resource{}, nil},
		{"stopped", provider.Resource{Stopped: true}, []model.DriftKind{model.DriftStopped}},
		{"resized", provider.Resource{VCPUs: 4, MemoryMiB: 4096}, []model.DriftKind{model.DriftResized}},
		{"same flavor", provider.Resource{Flavor: "SCS-2V-4", WantFlavor: "SCS-2V-4"}, nil},
		{"flavor changed", provider.Resource{Flavor: "SCS-4V-8", WantFlavor: "SCS-2V-4"}, []model.DriftKind{model.DriftResized}},
		{"moved and stopped", provider.Resource{SiteID: "s2", Stopped: true}, []model.DriftKind{model.DriftStopped, model.DriftMoved}},
	} {
		got := differences(p, c.res)
		if len(got) != len(c.want) {
			t.Fatalf("%s: %+v, want %v", c.name, got, c.want)
		}
		for i := range got {
			if got[i].kind != c.want[i] || len(got[i].diff) == 0 {
				t.Fatalf("%s: %+v, want %v", c.name, got, c.want)
			}
		}
	}
	d := differences(p, provider.Resource{VCPUs: 8, MemoryMiB: 1024})
	if len(d) != 1 || len(d[0].diff) != 2 || d[0].diff[0] != (model.Differs{Field: "vcpus", Want: "2", Got: "8"}) {
		t.Fatalf("resize detail %+v", d)
	}
}
