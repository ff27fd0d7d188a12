package cli

import (
	"os"
	"path/filepath"
	"runtime/pprof"
	"runtime/trace"
	"sync"
)

// startCPUProfile writes this process's CPU profile to path until the
// returned func is called (once; later calls do nothing); with no path it
// does nothing. The benches' --profile-dir and SOBERANA_CPU_PROFILE use it.
func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	var once sync.Once
	return func() { once.Do(func() { pprof.StopCPUProfile(); _ = f.Close() }) }, nil
}

// startProfile is startCPUProfile of dir/name, creating dir; with no dir
// it does nothing.
func startProfile(dir, name string) (func(), error) {
	if dir == "" {
		return func() {}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return startCPUProfile(filepath.Join(dir, name))
}

// writeHeapProfile writes this process's heap profile (as of the last GC).
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// startTrace writes this process's execution trace to dir/name until the
// returned func is called; with no dir it does nothing. The trace shows
// what a slow request waited for: a core (scheduler latency, `go tool
// trace -pprof=sched`), the collector, a lock or the network.
func startTrace(dir, name string) (func(), error) {
	if dir == "" {
		return func() {}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	if err := trace.Start(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() { trace.Stop(); _ = f.Close() }, nil
}
