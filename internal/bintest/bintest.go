// Package bintest builds the real soberana binary and runs `soberana up` as a
// child process, for tests that kill the server with SIGKILL and start it
// again on the same data directory.
package bintest

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Build compiles cmd/soberana into a temporary directory and returns the
// binary's path.
func Build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "soberana")
	build := exec.Command("go", "build", "-o", bin, "github.com/soberana/soberana/cmd/soberana")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatal(err)
	}
	return bin
}

// Server is one run of the binary.
type Server struct {
	URL  string
	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs `bin up` on a loopback port with dir as its data directory
// (made if missing), the bootstrap token and the extra environment
// variables (NAME=value), and waits up to startWithin for the line that
// says where it listens. Its stderr is appended to dir/stderr.log, shown
// if it exits at start. The test's cleanup kills it.
func Start(t *testing.T, bin, dir, token string, startWithin time.Duration, env ...string) *Server {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "up", "--addr", "127.0.0.1:0", "--data-dir", dir, "--log-level", "warn")
	cmd.Env = append(append(os.Environ(), "SOBERANA_BOOTSTRAP_TOKEN="+token), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logf, err := os.OpenFile(filepath.Join(dir, "stderr.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatal(err)
	}
	s := &Server{cmd: cmd, done: make(chan struct{})}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if _, after, ok := strings.Cut(sc.Text(), " is up at "); ok {
				urlc <- strings.TrimSpace(after)
			}
		}
	}()
	go func() { _ = cmd.Wait(); logf.Close(); close(s.done) }()
	t.Cleanup(s.Kill)
	select {
	case s.URL = <-urlc:
	case <-s.done:
		b, _ := os.ReadFile(filepath.Join(dir, "stderr.log"))
		t.Fatalf("server exited at start: %s", b)
	case <-time.After(startWithin):
		t.Fatal("server did not start")
	}
	return s
}

// Kill sends SIGKILL and waits for the process to end; calling it again
// is harmless.
func (s *Server) Kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}
