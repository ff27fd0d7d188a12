package utilization

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/provider"
)

// scriptedUsage is a driver that reports usage: for each replica asked
// about, one sample at at (zero: the provider gives no time), plus one for
// a replica it was not asked about; or err.
type scriptedUsage struct {
	provider.Driver
	at  time.Time
	err error
}

func (s scriptedUsage) Usage(_ context.Context, _ string, refs []provider.ResourceRef) ([]provider.Usage, error) {
	if s.err != nil {
		return nil, s.err
	}
	us := []provider.Usage{{ReplicaID: "not-asked", At: s.at, CPUPermille: 1, MemoryMiB: 1}}
	for _, r := range refs {
		us = append(us, provider.Usage{ReplicaID: r.ReplicaID, At: s.at, CPUPermille: 250, MemoryUsedMiB: 1024, MemoryMiB: 4096})
	}
	return us, nil
}

// byName finds drivers by name; an unknown name is an error.
type byName map[string]provider.Driver

func (b byName) Get(name string) (provider.Driver, error) {
	if d, ok := b[name]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("no driver %q", name)
}

// TestPassSkipsWhatCannotReport: a pass skips a provider whose driver is
// unknown or reports no usage, goes on past one whose driver fails
// (returning its error, joined, with the samples of the others), drops
// samples of replicas it did not ask about, and dates a sample the
// provider gave no time at the pass's time.
func TestPassSkipsWhatCannotReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, wl, provs, _, _ := fixture(t)
	boom := errors.New("boom")
	as := func(driver, name string) model.Provider {
		p := provs[0]
		p.Driver, p.Name = driver, name
		return p
	}
	drivers := byName{"reports": scriptedUsage{}, "fails": scriptedUsage{err: boom}, "silent": struct{ provider.Driver }{}}
	all := []model.Provider{as("unknown", "u"), as("silent", "s"), as("fails", "f"), as("reports", "r")}
	s := New(st, drivers, func() []model.Provider { return all }, prometheus.NewRegistry(), nil)
	n, err := s.Pass(ctx)
	if n != 2 || !errors.Is(err, boom) || err.Error() != "provider f: boom" {
		t.Fatalf("pass: %d samples, %v; want 2 and provider f's error", n, err)
	}
	rep := lastHour(t, st, wl.ID)
	if len(rep.Replicas) != 2 {
		t.Fatalf("replicas %+v, want the two asked about", rep.Replicas)
	}
	for _, r := range rep.Replicas {
		if len(r.Samples) != 1 || r.Latest == nil || !r.Latest.At.Equal(st.Now().UTC().Truncate(time.Second)) || r.Latest.CPUPermille != 250 {
			t.Fatalf("replica %+v: want one sample at the pass's time", r)
		}
	}
}
