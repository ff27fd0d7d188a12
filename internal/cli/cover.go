package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// coverFlags adds the coverage requirements of workload create's flags to
// the request body: --near-point LAT,LON,RADIUS_KM[,LABEL] (repeatable)
// and --per-subdivision BR-SP,BR-RJ.
func coverFlags(m map[string]any, points, subs []string) error {
	var near []map[string]any
	for _, p := range points {
		parts := strings.SplitN(p, ",", 4)
		if len(parts) < 3 {
			return msgErr("cli.cover.near_point")
		}
		var f [3]float64
		for i := range f {
			v, err := strconv.ParseFloat(strings.TrimSpace(parts[i]), 64)
			if err != nil {
				return fmt.Errorf("--near-point %q: %w", p, err)
			}
			f[i] = v
		}
		np := map[string]any{"latitude": f[0], "longitude": f[1], "radius_km": f[2]}
		if len(parts) == 4 {
			np["label"] = strings.TrimSpace(parts[3])
		}
		near = append(near, np)
	}
	if len(near) > 0 {
		m["near"] = near
	}
	var codes []string
	for _, s := range subs {
		if s = strings.ToUpper(strings.TrimSpace(s)); s != "" {
			codes = append(codes, s)
		}
	}
	if len(codes) > 0 {
		m["per_subdivision"] = codes
	}
	return nil
}
