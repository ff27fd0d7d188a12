package bench

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/google/pprof/profile"
)

// LabelledCPU returns the CPU time a CPU profile (pprof.StartCPUProfile's
// output) attributes to samples carrying the label key=value: the cost of
// one loop of a process that runs many (runtime/pprof labels are set by
// the loop itself, e.g. edge.HealthLabel).
func LabelledCPU(b []byte, key, value string) (time.Duration, error) {
	p, err := profile.Parse(bytes.NewReader(b))
	if err != nil {
		return 0, fmt.Errorf("reading a CPU profile: %w", err)
	}
	idx := -1
	for i, st := range p.SampleType {
		if st.Type == "cpu" && st.Unit == "nanoseconds" {
			idx = i
		}
	}
	if idx < 0 {
		return 0, fmt.Errorf("reading a CPU profile: no cpu/nanoseconds samples")
	}
	var ns int64
	for _, s := range p.Sample {
		if slices.Contains(s.Label[key], value) {
			ns += s.Value[idx]
		}
	}
	return time.Duration(ns), nil
}
