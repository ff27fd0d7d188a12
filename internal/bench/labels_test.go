package bench

import (
	"bytes"
	"context"
	"runtime/pprof"
	"testing"
	"time"
)

// TestLabelledCPU: a profile over a labelled busy loop and an unlabelled
// one attributes the labelled loop's time to its label, and none to a
// label nobody set.
func TestLabelledCPU(t *testing.T) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Skipf("a CPU profile is already running: %v", err)
	}
	spin := func(d time.Duration) {
		x := 0
		for end := time.Now().Add(d); time.Now().Before(end); {
			x++
		}
		_ = x
	}
	done := make(chan struct{})
	go func() {
		pprof.Do(context.Background(), pprof.Labels("loop", "busy"), func(context.Context) { spin(400 * time.Millisecond) })
		close(done)
	}()
	spin(200 * time.Millisecond)
	<-done
	pprof.StopCPUProfile()
	busy, err := LabelledCPU(buf.Bytes(), "loop", "busy")
	if err != nil {
		t.Fatal(err)
	}
	none, err := LabelledCPU(buf.Bytes(), "loop", "absent")
	if err != nil {
		t.Fatal(err)
	}
	// The profiler samples at 100 Hz: a 400 ms loop leaves samples
	// (this bounds nothing about speed, only attribution).
	if busy <= 0 || none != 0 {
		t.Fatalf("labelled busy loop: %v, absent label: %v", busy, none)
	}
	if _, err := LabelledCPU([]byte("not a profile"), "loop", "busy"); err == nil {
		t.Fatal("a broken profile read without error")
	}
}
