package pace

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestOnePassAtATime(t *testing.T) {
	t.Parallel()
	g := New(Options{Clock: NewManualClock(0)})
	ctx := context.Background()
	a, err := g.Begin(ctx, "resync")
	if err != nil {
		t.Fatal(err)
	}
	if name, ok := g.Running(); !ok || name != "resync" {
		t.Fatalf("Running = %q, %v; want resync", name, ok)
	}
	// A second pass waits: with a context that has ended it gives up
	// instead of starting beside the first.
	ended, cancel := context.WithCancel(ctx)
	cancel()
	if b, err := g.Begin(ended, "sampler"); !errors.Is(err, context.Canceled) || b != nil {
		t.Fatalf("second Begin while one runs = %v, %v; want it to wait (context.Canceled)", b, err)
	}
	// It starts as soon as the first ends.
	started := make(chan *Pass)
	go func() {
		b, err := g.Begin(ctx, "sampler")
		if err != nil {
			t.Error(err)
		}
		started <- b
	}()
	a.End()
	a.End() // twice is harmless
	b := <-started
	if name, ok := g.Running(); !ok || name != "sampler" {
		t.Fatalf("Running = %q, %v; want sampler", name, ok)
	}
	b.End()
	if _, ok := g.Running(); ok {
		t.Fatal("a pass still runs after every pass ended")
	}
}

func TestRestIsProportionalToTheChunk(t *testing.T) {
	t.Parallel()
	c := NewManualClock(0)
	g := New(Options{Clock: c, Rest: 3, MaxRest: time.Second})
	ctx := context.Background()
	p, err := g.Begin(ctx, "resync")
	if err != nil {
		t.Fatal(err)
	}
	defer p.End()
	for _, busy := range []time.Duration{4 * time.Millisecond, 10 * time.Millisecond, 0, time.Second} {
		c.Advance(busy)
		if err := p.Yield(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// 3× each chunk; nothing for a chunk that took no time; a long
	// chunk's rest is capped.
	want := []time.Duration{12 * time.Millisecond, 30 * time.Millisecond, time.Second}
	if len(c.Rests()) != len(want) {
		t.Fatalf("rests %v, want %v", c.Rests(), want)
	}
	for i := range want {
		if c.Rests()[i] != want[i] {
			t.Fatalf("rests %v, want %v", c.Rests(), want)
		}
	}
	if p.Rested != 12*time.Millisecond+30*time.Millisecond+time.Second {
		t.Fatalf("Rested = %v", p.Rested)
	}
}

// TestDutyCycle: over a pass of many equal chunks the pass works a
// quarter of the wall time with the default rest (one core in four).
func TestDutyCycle(t *testing.T) {
	t.Parallel()
	c := NewManualClock(0)
	g := New(Options{Clock: c})
	ctx := context.Background()
	begin := c.Now()
	p, _ := g.Begin(ctx, "sampler")
	var busy time.Duration
	for range 100 {
		c.Advance(5 * time.Millisecond)
		busy += 5 * time.Millisecond
		if err := p.Yield(ctx); err != nil {
			t.Fatal(err)
		}
	}
	p.End()
	wall := c.Now().Sub(begin)
	if wall != busy*(1+DefaultRest) {
		t.Fatalf("a pass of %v work took %v of wall time; want %v", busy, wall, busy*(1+DefaultRest))
	}
}

func TestYieldStopsWithTheContext(t *testing.T) {
	t.Parallel()
	c := NewManualClock(0)
	g := New(Options{Clock: c})
	ctx, cancel := context.WithCancel(context.Background())
	p, _ := g.Begin(ctx, "orphans")
	defer p.End()
	cancel()
	c.Advance(time.Millisecond)
	if err := p.Yield(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Yield after the context ended = %v", err)
	}
}

func TestNilGovernorPacesNothing(t *testing.T) {
	t.Parallel()
	var g *Governor
	ctx := context.Background()
	a, err := g.Begin(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := g.Begin(ctx, "b") // no exclusion
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Yield(ctx); err != nil {
		t.Fatal(err)
	}
	a.End()
	b.End()
	if _, ok := g.Running(); ok {
		t.Fatal("a nil governor reports a pass")
	}
	if g.RestFor(time.Second) != 0 {
		t.Fatal("a nil governor rests")
	}
}
