package bench

import (
	"os"
	"runtime"
	"testing"
	"time"
)

// TestPidCPUReadsAProcess: PidCPU of this very process agrees with
// ProcessCPU (both read the kernel's count), and an unknown pid reads 0.
func TestPidCPUReadsAProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("PidCPU reads Linux's /proc")
	}
	x := 0
	for ProcessCPU() < 50*time.Millisecond {
		for i := range 1_000_000 {
			x += i
		}
	}
	_ = x
	a := ProcessCPU()
	p, err := PidCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	b := ProcessCPU()
	// /proc/PID/stat counts sampled 10 ms ticks, getrusage exact time:
	// they agree within a fifth and two ticks (a wrong field would read
	// 0, a process start time or a page count).
	if p < a*4/5-20*time.Millisecond || p > b*6/5+20*time.Millisecond {
		t.Fatalf("PidCPU %v, ProcessCPU %v..%v", p, a, b)
	}
	if got, err := PidCPU(1 << 30); err == nil {
		t.Fatalf("PidCPU of no process: %v, no error", got)
	}
}
