package edge

import "testing"

// TestAgentsBeatSpreadOverTheInterval: every agent of a fleet beats in
// exactly one slot of the interval, the first at once, and the fleet is
// spread evenly (10,000 agents over 1,000 slots of 10 ms: 10 a slot, a
// steady 1,000 beats a second instead of 10,000 at once).
func TestAgentsBeatSpreadOverTheInterval(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ slots, n int }{{1000, 10000}, {1000, 9999}, {1000, 3}, {10, 1}, {1, 5}, {5, 0}} {
		seen := make([]int, c.n)
		least, most := c.n, 0
		for s := range c.slots {
			lo, hi := phaseRange(s, c.slots, c.n)
			if lo > hi || lo < 0 || hi > c.n {
				t.Fatalf("%d agents, %d slots: slot %d holds [%d, %d)", c.n, c.slots, s, lo, hi)
			}
			for i := lo; i < hi; i++ {
				seen[i]++
			}
			least, most = min(least, hi-lo), max(most, hi-lo)
		}
		for i, k := range seen {
			if k != 1 {
				t.Fatalf("%d agents, %d slots: agent %d beats %d times an interval", c.n, c.slots, i, k)
			}
		}
		if c.n > 0 {
			if lo, _ := phaseRange(0, c.slots, c.n); lo != 0 {
				t.Fatalf("%d agents, %d slots: the first agent does not beat at once", c.n, c.slots)
			}
		}
		if c.n >= c.slots && most-least > 1 {
			t.Fatalf("%d agents, %d slots: %d to %d agents a slot, not even", c.n, c.slots, least, most)
		}
	}
}
