package reconcile

import (
	"fmt"
	"testing"
	"time"
)

// TestPollBudget: a few building resources are polled every Poll; many
// share PollBudget polls per second; the count follows the outcomes.
func TestPollBudget(t *testing.T) {
	t.Parallel()
	r := New(Options{Holder: "t"}, nil, nil, nil, nil, nil, nil)
	if got := r.poll(); got != 100*time.Millisecond {
		t.Fatalf("idle poll %s", got)
	}
	for i := range 1000 {
		r.noteBuilding(fmt.Sprint("pl", i), true)
		r.noteBuilding(fmt.Sprint("pl", i), true) // twice: counted once
	}
	if got := r.poll(); got != 5*time.Second {
		t.Fatalf("poll with 1000 building = %s, want 5s (200 polls/s)", got)
	}
	for i := range 990 {
		r.noteBuilding(fmt.Sprint("pl", i), false)
	}
	r.noteBuilding("never-seen", false)
	if got := r.poll(); got != 100*time.Millisecond {
		t.Fatalf("poll with 10 building = %s, want Poll", got)
	}
}
