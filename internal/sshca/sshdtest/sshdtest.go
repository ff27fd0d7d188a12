// Package sshdtest starts a real OpenSSH server (Debian's openssh-server)
// for tests, configured with exactly the files soberana's first boot
// writes on a machine (sshca.Machine) under a temporary root. It logs in
// the user running the test (non-root sshd with UsePAM no can log in only
// that user), whose principals file lists the machine's project
// principal. Tests skip with a clear message when /usr/sbin/sshd is
// absent (scripts/sshd-test-peer.sh installs it).
package sshdtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/soberana/soberana/internal/sshca"
)

// SSHD is the path of the server binary.
const SSHD = "/usr/sbin/sshd"

// Peer is a running sshd.
type Peer struct {
	// Addr is host:port on the loopback interface.
	Addr string
	Host string
	Port int
	// User is the login user (the user running the test).
	User string
	// HostKey is the server's host key.
	HostKey ssh.PublicKey
	// Dir is the server's root: the machine files are under it.
	Dir string
	// KnownHosts is a known_hosts file that trusts the server.
	KnownHosts string
	log        *syncBuffer
}

// Options tune the server.
type Options struct {
	// Extra is appended to the main sshd_config (e.g. RevokedKeys).
	Extra string
}

// Start runs sshd configured as a machine of projectID whose institution's
// CA is ca; it stops with the test.
func Start(t testing.TB, ca ssh.PublicKey, projectID string, o Options) *Peer {
	t.Helper()
	if _, err := os.Stat(SSHD); err != nil {
		t.Skipf("real OpenSSH test skipped: %s is absent (install Debian's openssh-server: scripts/sshd-test-peer.sh)", SSHD)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "soberana-sshd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	files, _ := sshca.Machine(sshca.Layout{Root: dir, LoginUser: u.Username, NoUser: true}, ca, projectID)
	for _, f := range files {
		mode, _ := strconv.ParseUint(f.Permissions, 8, 32)
		if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f.Path, []byte(f.Content), os.FileMode(mode)); err != nil {
			t.Fatal(err)
		}
	}
	hostKey := filepath.Join(dir, "host_ed25519")
	hostPub, _ := WriteKey(t, hostKey)
	if os.Geteuid() == 0 {
		// sshd started by root separates privileges into this directory.
		_ = os.MkdirAll("/run/sshd", 0o755)
	}
	port := freePort(t)
	// The main config is the test's (a machine's is its image's); the
	// Include comes first, as in Debian's, so soberana's settings win.
	// StrictModes is off because the files live under /tmp, which is
	// world-writable; on a machine they are root's under /etc/ssh.
	cfg := fmt.Sprintf(`Include %s/etc/ssh/sshd_config.d/*.conf
Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s/sshd.pid
UsePAM no
StrictModes no
AuthorizedKeysFile none
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel VERBOSE
%s
`, dir, port, hostKey, dir, o.Extra)
	cfgPath := filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(SSHD, "-t", "-f", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("sshd -t rejects the configuration: %v\n%s\n%s", err, out, cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, SSHD, "-D", "-e", "-f", cfgPath)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("sshd log:\n%s", logs.String())
		}
	})
	sp, err := ssh.NewPublicKey(hostPub)
	if err != nil {
		t.Fatal(err)
	}
	p := &Peer{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Host: "127.0.0.1", Port: port, User: u.Username,
		HostKey: sp, Dir: dir, log: logs}
	p.KnownHosts = filepath.Join(dir, "known_hosts")
	line := fmt.Sprintf("[127.0.0.1]:%d %s", port, ssh.MarshalAuthorizedKey(sp))
	if err := os.WriteFile(p.KnownHosts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	// Wait until it accepts connections (poll with a deadline).
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", p.Addr, time.Second)
		if err == nil {
			_ = c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not listen on %s: %v\n%s", p.Addr, err, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return p
}

// WaitLog reports whether sshd logs s within a few seconds (its log
// reaches us through a pipe, a little after the client sees the answer).
func (p *Peer) WaitLog(s string) bool {
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(p.log.String(), s) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// Log returns what sshd logged so far.
func (p *Peer) Log() string { return p.log.String() }

// Run logs in with the certificate for key and runs command; it returns
// the command's output or the refusal.
func (p *Peer) Run(cert *ssh.Certificate, key ed25519.PrivateKey, command string) (string, error) {
	sg, err := ssh.NewSignerFromKey(key)
	if err != nil {
		return "", err
	}
	cs, err := ssh.NewCertSigner(cert, sg)
	if err != nil {
		return "", err
	}
	c, err := ssh.Dial("tcp", p.Addr, &ssh.ClientConfig{User: p.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(cs)},
		HostKeyCallback: ssh.FixedHostKey(p.HostKey), Timeout: 10 * time.Second})
	if err != nil {
		return "", err
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		return "", err
	}
	defer s.Close()
	out, err := s.CombinedOutput(command)
	return string(out), err
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WriteKey writes a new Ed25519 private key to path in OpenSSH's format,
// readable only by its owner, and returns the pair.
func WriteKey(t testing.TB, path string) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
