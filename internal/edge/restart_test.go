package edge_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/soberana/soberana/internal/edge"
	"github.com/soberana/soberana/internal/opstest"
	"github.com/soberana/soberana/internal/store/storetest"
)

// natsServer runs nats-server on port until stopped.
type natsServer struct {
	t    *testing.T
	exe  string
	port int
	cmd  *exec.Cmd
}

func (n *natsServer) start() {
	n.t.Helper()
	n.cmd = exec.Command(n.exe, "-a", "127.0.0.1", "-p", fmt.Sprint(n.port))
	n.cmd.Stdout, n.cmd.Stderr = os.Stderr, os.Stderr
	if err := n.cmd.Start(); err != nil {
		n.t.Fatalf("starting nats-server: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", n.port))
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("nats-server did not listen on %d: %v", n.port, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (n *natsServer) stop() {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	_ = n.cmd.Process.Kill()
	_ = n.cmd.Wait()
	n.cmd = nil
}

// TestAgentBuffersAcrossBrokerRestart stops the broker between two
// heartbeats of an agent: the agent keeps publishing (buffered, no
// error), both sides reconnect when the broker is back, heartbeats reach
// the tracker again and the site never misses three intervals in a row,
// so it is never marked down. It runs its own nats-server on a free port.
func TestAgentBuffersAcrossBrokerRestart(t *testing.T) {
	t.Parallel()
	exe, err := exec.LookPath("nats-server")
	if err != nil {
		t.Skip("broker restart test skipped: no nats-server on PATH (apt-get install nats-server)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	srv := &natsServer{t: t, exe: exe, port: port}
	srv.start()
	t.Cleanup(srv.stop)
	url := fmt.Sprintf("nats://127.0.0.1:%d", port)

	s := storetest.SQLite(t)
	ctx := context.Background()
	res := imported(t, s, 1)
	sc := res.Subclouds[0]
	tr, sk := tracker(t, s)
	server := connect(t, url, "soberana-test-tracker")
	if _, err := server.Subscribe(edge.SubjectAll, func(m *nats.Msg) { _ = tr.Handle(m.Subject, m.Data) }); err != nil {
		t.Fatal(err)
	}
	if err := server.Flush(); err != nil {
		t.Fatal(err)
	}
	agentConn := connect(t, url, "soberana-test-agent")
	agent := &edge.Agent{Cred: edge.Credential{ID: sc.ID, PrivateKey: sc.PrivateKey}}
	accepted := func() int64 { n, _ := tr.Counts(); return n }

	// Interval 1: heard.
	if err := agent.Beat(agentConn, time.Now()); err != nil {
		t.Fatal(err)
	}
	opstest.Eventually(t, time.Minute, "the first heartbeat reaches the tracker", func() (bool, string) { return accepted() == 1, "" })
	tr.Tick(ctx)

	// The broker goes away; the agent's next beat is buffered, not lost
	// to an error.
	srv.stop()
	opstest.Eventually(t, time.Minute, "the agent notices the broker is gone", func() (bool, string) { return !agentConn.IsConnected(), "" })
	if err := agent.Beat(agentConn, time.Now()); err != nil {
		t.Fatalf("a beat while the broker is away: %v (want it buffered)", err)
	}
	if b, err := agentConn.Buffered(); err != nil || b <= 0 {
		t.Errorf("nothing buffered while the broker is away (%d bytes, %v)", b, err)
	}
	tr.Tick(ctx) // interval 2: missed

	// The broker is back (same port): both reconnect on their own.
	srv.start()
	opstest.Eventually(t, time.Minute, "tracker and agent reconnect", func() (bool, string) { return server.IsConnected() && agentConn.IsConnected(), "" })
	if err := server.Flush(); err != nil { // the subscription is back on the server
		t.Fatal(err)
	}
	if err := agent.Beat(agentConn, time.Now()); err != nil {
		t.Fatal(err)
	}
	opstest.Eventually(t, time.Minute, "heartbeats reach the tracker after the restart", func() (bool, string) { return accepted() >= 2, "" })
	n, rej := tr.Counts()
	t.Logf("after the restart the tracker accepted %d heartbeats in all (3 when the buffered one arrived: core NATS delivers it only if the tracker resubscribed before the agent flushed), rejected %v", n, rej)
	if len(rej) != 0 {
		t.Errorf("rejected heartbeats across the restart: %v", rej)
	}
	tr.Tick(ctx) // interval 3: heard again

	obs := sk.obs[sc.SiteID]
	if len(obs) != 3 || !obs[0] || obs[1] || !obs[2] {
		t.Fatalf("observations %v, want heard, missed, heard", obs)
	}
	missed := 0
	for _, ok := range obs {
		if ok {
			missed = 0
		} else if missed++; missed >= 3 {
			t.Fatalf("the site missed 3 intervals in a row across a short broker restart: %v", obs)
		}
	}
}
