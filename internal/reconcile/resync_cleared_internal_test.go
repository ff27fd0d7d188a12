package reconcile

import (
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
	"github.com/soberana/soberana/internal/store"
)

// TestBackInSpec: an open drift is cleared only when the list shows its
// difference gone — every field it recorded reported and as placed; a
// field the driver does not report, or a power state soberana does not
// compare, proves nothing.
func TestBackInSpec(t *testing.T) {
	t.Parallel()
	running := store.PlacementRow{Placement: model.Placement{SiteID: "s1", VCPUs: 2, MemoryMiB: 4096}}
	stoppedBySoberana := running
	stoppedBySoberana.Power = model.PowerStopped
	drift := func(kind model.DriftKind, fields ...string) model.Drift {
		d := model.Drift{Kind: kind, Action: model.DriftReported}
		for _, f := range fields {
			d.Detail = append(d.Detail, model.Differs{Field: f})
		}
		return d
	}
	asPlaced := provider.Resource{SiteID: "s1", VCPUs: 2, MemoryMiB: 4096}
	for _, c := range []struct {
		name string
		p    store.PlacementRow
		res  provider.Resource
		d    model.Drift
		want bool
	}{
		{"started again", running, asPlaced, drift(model.DriftStopped, "power"), true},
		{"still stopped", running, provider.Resource{SiteID: "s1", Stopped: true}, drift(model.DriftStopped, "power"), false},
		{"stopped through soberana", stoppedBySoberana, asPlaced, drift(model.DriftStopped, "power"), false},
		{"resized back", running, asPlaced, drift(model.DriftResized, "vcpus", "memory_mib"), true},
		{"size unreported", running, provider.Resource{SiteID: "s1"}, drift(model.DriftResized, "vcpus"), false},
		{"resized otherwise", running, provider.Resource{VCPUs: 2, MemoryMiB: 2048}, drift(model.DriftResized, "vcpus"), false},
		{"flavor back", running, provider.Resource{Flavor: "f1", WantFlavor: "f1"}, drift(model.DriftResized, "flavor"), true},
		{"flavor unreported", running, provider.Resource{}, drift(model.DriftResized, "flavor"), false},
		{"moved back", running, asPlaced, drift(model.DriftMoved, "site"), true},
		{"site unreported", running, provider.Resource{}, drift(model.DriftMoved, "site"), false},
		{"another kind differs", running, provider.Resource{SiteID: "s2"}, drift(model.DriftStopped, "power"), true},
		{"no detail", running, asPlaced, drift(model.DriftStopped), false},
		{"unknown field", running, asPlaced, drift(model.DriftStopped, "color"), false},
	} {
		if got := backInSpec(c.p, c.res, c.d, differences(c.p, c.res)); got != c.want {
			t.Errorf("%s: back in spec %v, want %v", c.name, got, c.want)
		}
	}
}
