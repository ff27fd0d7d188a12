package dbfailover

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/store/storetest"
)

func TestOptionsDefaults(t *testing.T) {
	o := Options{}.withDefaults()
	if o.Concurrency != 8 || strings.Join(o.FailCommand, " ") != "bash scripts/pg-ha.sh promote" || o.Deadline != 2*time.Minute {
		t.Fatalf("defaults: %+v", o)
	}
	set := Options{Concurrency: 3, FailCommand: []string{"true"}, Deadline: time.Second}
	if o := set.withDefaults(); o.Concurrency != 3 || len(o.FailCommand) != 1 || o.Deadline != time.Second {
		t.Fatalf("given options changed: %+v", o)
	}
}

// TestOutageSpansTheFailure: the outage is the longest gap between two
// consecutive acknowledgements (in time, not in the order they were
// recorded) that spans the failure; longer gaps elsewhere do not count.
func TestOutageSpansTheFailure(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) ack { return ack{at: t0.Add(time.Duration(ms) * time.Millisecond)} }
	failAt, failDone := t0.Add(1000*time.Millisecond), t0.Add(1500*time.Millisecond)
	acks := []ack{at(0), at(2300), at(900), at(600), at(1700), at(5000)}
	if got := outage(acks, failAt, failDone); got != 800 {
		t.Fatalf("outage %v ms, want 800", got)
	}
	if got := outage(nil, failAt, failDone); got != 0 {
		t.Fatalf("no acknowledgements: outage %v", got)
	}
}

// TestRunWithoutFailover runs the whole scenario on one PostgreSQL
// database with a fail command that loses nothing: every create is
// acknowledged once and present, and the load recovers at once. A fail
// command that fails stops the run with its output.
func TestRunWithoutFailover(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx := context.Background()
	res, err := Run(ctx, Options{DatabaseURL: url, FailCommand: []string{"true"}, Concurrency: 2,
		Before: 200 * time.Millisecond, After: 100 * time.Millisecond, Deadline: time.Minute})
	t.Logf("%+v", res)
	if err != nil {
		t.Fatal(err)
	}
	if res.Scenario != "dbfailover" || !res.Recovered || res.Lost != 0 || res.Doubled != 0 || res.Acknowledged == 0 {
		t.Fatalf("result: %+v", res)
	}
	res, err = Run(ctx, Options{DatabaseURL: storetest.PostgresURL(t), FailCommand: []string{"sh", "-c", "echo lost; exit 3"},
		Concurrency: 1, Deadline: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "[sh -c echo lost; exit 3]: exit status 3\nlost") || res.Recovered {
		t.Fatalf("failing fail command: %+v, %v", res, err)
	}
}
