package bench

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// ProcessCPU is the CPU time this process has used (user + system, all
// threads); 0 where the platform does not say.
func ProcessCPU() time.Duration { return cpuTime() }

// RSS is this process's resident memory in bytes (Linux /proc; 0
// elsewhere).
func RSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
