package bench

import (
	"context"
	"testing"
)

// TestRatingScenario runs the rating scenario small: every interval is
// rated, split at the price and rate changes, and released.
func TestRatingScenario(t *testing.T) {
	r, err := Rating(context.Background(), RatingOptions{Workloads: 300, Days: 30, Batch: 128})
	if err != nil {
		t.Fatal(err)
	}
	if r.IntervalsRated != 300 || r.ChargeLines != 900 || r.ReleaseLines != 300 || r.StatementTotal == "" {
		t.Fatalf("%+v", r)
	}
}
