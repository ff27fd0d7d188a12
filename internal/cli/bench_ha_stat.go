package cli

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"strings"
	"time"
)

// haStatSource returns HAProxy's `show stat` CSV (the stats socket in the
// bench, a fixed text in tests).
type haStatSource func(ctx context.Context) (string, error)

// haSocketStat asks HAProxy's stats socket at path for `show stat`.
func haSocketStat(path string) haStatSource {
	return func(ctx context.Context) (string, error) {
		var d net.Dialer
		c, err := d.DialContext(ctx, "unix", path)
		if err != nil {
			return "", err
		}
		defer c.Close()
		if dl, ok := ctx.Deadline(); ok {
			_ = c.SetDeadline(dl)
		}
		if _, err := io.WriteString(c, "show stat\n"); err != nil {
			return "", err
		}
		b, err := io.ReadAll(c)
		return string(b), err
	}
}

// parseHAStat reads `show stat` CSV and returns the state of every server
// of backend: the first word of its status column, so "UP", "DOWN",
// "MAINT", "NOLB", "DRAIN" or "no" ("no check"). A transition shows as the
// state HAProxy still routes by: "UP 1/3" (going down) is UP, "DOWN 1/2"
// (coming up) is DOWN.
func parseHAStat(text, backend string) (map[string]string, error) {
	text = strings.TrimPrefix(strings.TrimSpace(text), "# ")
	rd := csv.NewReader(strings.NewReader(text))
	rd.FieldsPerRecord = -1
	rows, err := rd.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("HAProxy show stat: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("HAProxy show stat: empty answer")
	}
	px, sv, st := slices.Index(rows[0], "pxname"), slices.Index(rows[0], "svname"), slices.Index(rows[0], "status")
	if px < 0 || sv < 0 || st < 0 {
		return nil, fmt.Errorf("HAProxy show stat: no pxname, svname and status columns in %q", strings.Join(rows[0], ","))
	}
	states := map[string]string{}
	for _, r := range rows[1:] {
		if len(r) <= max(px, sv, st) || r[px] != backend || r[sv] == "BACKEND" || r[sv] == "FRONTEND" {
			continue
		}
		word, _, _ := strings.Cut(r[st], " ")
		states[r[sv]] = word
	}
	return states, nil
}

// waitHAStates polls src until HAProxy reports every server in want in the
// wanted state ("UP" or "DOWN"), or fails after timeout naming the servers
// that are not there yet and what HAProxy last said.
func waitHAStates(ctx context.Context, src haStatSource, backend string, want map[string]string, timeout, every time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var last string
	for {
		text, err := src(ctx)
		if err == nil {
			var got map[string]string
			if got, err = parseHAStat(text, backend); err == nil {
				var off []string
				for _, s := range slices.Sorted(maps.Keys(want)) {
					if got[s] != want[s] {
						off = append(off, fmt.Sprintf("%s %s (want %s)", s, orDash(got[s]), want[s]))
					}
				}
				if len(off) == 0 {
					return nil
				}
				last = strings.Join(off, ", ")
			}
		}
		if err != nil {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("HAProxy did not report the replicas as expected within %s: %s", timeout, last)
		case <-time.After(every):
		}
	}
}
