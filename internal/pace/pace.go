// Package pace paces the server's bulk background passes: the passes that
// walk every running replica, placement or site of a large installation
// (the reconciler's resync of running replicas and its orphan sweep, the
// settling of replicas a crash left mid power action, the utilization
// sampler). At 100,000 edge replicas each such pass is seconds of CPU;
// run flat out, and two or three at once, they took both cores of a
// two-core server for a second or more at a time, and a request arriving
// then (POST /v1/placements:preview: 0.3 ms alone) waited tens of
// milliseconds for a core (bench edge read a p99 of 7–56 ms against a p50
// of 0.3 ms).
//
// A Governor, one per process and shared by every bulk pass, gives two
// guarantees:
//
//   - one bulk pass at a time: Begin waits until no other pass of the
//     process runs, so background work takes at most one core and the
//     other is left to requests;
//   - a duty cycle: between two chunks of its work (Pass.Yield), a pass
//     rests Rest times as long as the chunk took — with the default
//     Rest of 3, a pass uses at most a quarter of one core on average,
//     and its chunks are spread out over time instead of bursting.
//
// A pass that rests takes longer by the same factor (a pass of 2 s of CPU
// takes 8 s), which the passes' periods (a minute for the resync and the
// sampler, 30 s for the orphan sweep) leave room for. A pass must not
// hold a database transaction across Yield (on SQLite a write
// transaction holds the one write lock): it yields between transactions.
//
// A nil *Governor paces nothing and excludes nothing (tests, tools that
// run one pass on their own).
package pace

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// Clock is the governor's time: Now measures a chunk, Sleep rests. Tests
// give a fake one; nil is the wall clock.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx ends (then it returns ctx's error).
	Sleep(ctx context.Context, d time.Duration) error
}

// DefaultRest is how many times a chunk's duration a pass rests after it:
// 3 keeps a pass at a quarter of one core at most.
const DefaultRest = 3

// DefaultMaxRest bounds one rest, so that a chunk that took long because
// the process was stalled (a GC, a swapped page) does not park the pass
// for ever.
const DefaultMaxRest = 2 * time.Second

// Governor lets one bulk pass run at a time and makes it rest between its
// chunks. The zero value is not usable; call New.
type Governor struct {
	slot    chan struct{} // holds a token while a pass runs
	clock   Clock
	rest    int
	maxRest time.Duration
	running chan string // the name of the pass that runs, for Running
}

// Options tune a Governor; zero fields take the defaults.
type Options struct {
	Clock   Clock
	Rest    int           // DefaultRest
	MaxRest time.Duration // DefaultMaxRest
}

// New returns a governor.
func New(o Options) *Governor {
	if o.Clock == nil {
		o.Clock = wallClock{}
	}
	if o.Rest <= 0 {
		o.Rest = DefaultRest
	}
	if o.MaxRest <= 0 {
		o.MaxRest = DefaultMaxRest
	}
	return &Governor{slot: make(chan struct{}, 1), clock: o.Clock, rest: o.Rest, maxRest: o.MaxRest, running: make(chan string, 1)}
}

// Pass is one bulk pass holding the governor. Call Yield between its
// chunks and End when it is done.
type Pass struct {
	g     *Governor
	start time.Time // when the current chunk began
	ended bool
	// Rested is the total time the pass rested (for logs and tests).
	Rested time.Duration
}

// Begin waits until no other bulk pass runs, then starts the pass name.
// It returns ctx's error if ctx ends first. On a nil governor it starts
// at once.
func (g *Governor) Begin(ctx context.Context, name string) (*Pass, error) {
	if g == nil {
		return &Pass{}, nil
	}
	select {
	case g.slot <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	g.running <- name
	return &Pass{g: g, start: g.clock.Now()}, nil
}

// Running returns the name of the pass that runs now, if one does.
func (g *Governor) Running() (string, bool) {
	if g == nil {
		return "", false
	}
	select {
	case name := <-g.running:
		g.running <- name
		return name, true
	default:
		return "", false
	}
}

// RestFor is how long a pass rests after a chunk that took busy.
func (g *Governor) RestFor(busy time.Duration) time.Duration {
	if g == nil || busy <= 0 {
		return 0
	}
	return min(busy*time.Duration(g.rest), g.maxRest)
}

// Yield ends a chunk: the pass rests RestFor(the chunk's duration), and
// the next chunk begins when it wakes. It returns ctx's error if ctx
// ends while it rests. On a nil governor it only lets other goroutines
// of the process run.
func (p *Pass) Yield(ctx context.Context) error {
	if p.g == nil {
		runtime.Gosched()
		return ctx.Err()
	}
	now := p.g.clock.Now()
	d := p.g.RestFor(now.Sub(p.start))
	if d > 0 {
		p.Rested += d
		if err := p.g.clock.Sleep(ctx, d); err != nil {
			return err
		}
	}
	p.start = p.g.clock.Now()
	return nil
}

// End releases the governor to the next pass. It may be called more than
// once (defer it).
func (p *Pass) End() {
	if p.g == nil || p.ended {
		return
	}
	p.ended = true
	<-p.g.running
	<-p.g.slot
}

type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ManualClock is a Clock for tests: time moves only by Step on each Now
// (so that every chunk takes Step) and by each rest, which it records.
type ManualClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
	// rests are the rests taken, in order.
	rests []time.Duration
}

// NewManualClock starts at the Unix epoch; each Now moves it by step.
func NewManualClock(step time.Duration) *ManualClock {
	return &ManualClock{now: time.Unix(0, 0).UTC(), step: step}
}

// Now returns the clock's time and moves it by the step.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now
	c.now = c.now.Add(c.step)
	return t
}

// Sleep records the rest and moves the clock by it, at once.
func (c *ManualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rests = append(c.rests, d)
	c.now = c.now.Add(d)
	return nil
}

// Advance moves the clock by d (work that took d).
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Rests returns the rests taken so far.
func (c *ManualClock) Rests() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.rests...)
}
