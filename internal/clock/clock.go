// Package clock is a clock that moves only when told, safe for concurrent
// use: the tests and the benches hand its Now to whatever reads the time
// (store.SetClock, a health monitor) and move it by hand, so that what
// they wait for never depends on the wall clock or a sleep.
package clock

import (
	"sync"
	"time"
)

// Fake is a clock that moves only by Advance and Set.
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

// NewFake starts at t.
func NewFake(t time.Time) *Fake { return &Fake{t: t} }

// Now returns the clock's time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Fake) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Set puts the clock at t.
func (c *Fake) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}
