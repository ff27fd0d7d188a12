package cli

import (
	"time"

	"github.com/soberana/soberana/internal/bench"
)

// selfCPU is this process's user and system CPU time (the in-process
// server and the bench's clients).
func selfCPU() (time.Duration, error) { return bench.ProcessCPU(), nil }
