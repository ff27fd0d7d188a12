package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/server/servertest"
)

// syncBuf is a goroutine-safe output buffer.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var urlRE = regexp.MustCompile(`is up at (http://[0-9.:]+)`)

// startUp runs `soberana up` in-process and returns its URL and a stop func.
func startUp(t *testing.T, dataDir string, env map[string]string, extra ...string) (string, *syncBuf, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuf{}
	errOut := &syncBuf{}
	done := make(chan int, 1)
	args := append([]string{"up", "--data-dir", dataDir, "--addr", "127.0.0.1:0", "--log-level", "warn"}, extra...)
	go func() {
		done <- cli.RunEnv(ctx, args, out, errOut, func(k string) string { return env[k] })
	}()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := urlRE.FindStringSubmatch(out.String()); m != nil {
			return m[1], out, func() {
				cancel()
				if code := <-done; code != 0 {
					t.Errorf("up exited %d: %s", code, errOut.String())
				}
			}
		}
		select {
		case code := <-done:
			t.Fatalf("up exited %d early: %s %s", code, out.String(), errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("up did not start: %s %s", out.String(), errOut.String())
	return "", nil, nil
}

func get(t *testing.T, url, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, m := servertest.Send(t, req)
	return resp.StatusCode, m
}

var tokenRE = regexp.MustCompile(`admin token: (sbr_\S+)`)

// TestUpRestartKeepsData: up seeds, prints a token; a second up on the
// same directory keeps the data and the token; --reset starts over.
func TestUpRestartKeepsData(t *testing.T) {
	dir := t.TempDir()
	url, out, stop := startUp(t, dir, nil)
	m := tokenRE.FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(out.String(), "SIMULATED") {
		t.Fatalf("banner lacks token or simulated label: %s", out.String())
	}
	token := m[1]
	code, page := get(t, url+"/v1/sites?limit=1000", token)
	if code != 200 {
		t.Fatalf("sites: %d", code)
	}
	n := len(page["items"].([]any))
	if n < 12 {
		t.Fatalf("%d demo sites", n)
	}
	// Add something of our own to prove it survives.
	req, _ := http.NewRequest("POST", url+"/v1/institutions", strings.NewReader(`{"name":"Prefeitura de Recife","country":"BR","currency":"BRL"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("create: %v %v", resp, err)
	}
	stop()

	url, out, stop = startUp(t, dir, nil)
	if !strings.Contains(out.String(), "existing data") || !strings.Contains(out.String(), token) {
		t.Fatalf("second start banner: %s", out.String())
	}
	code, page = get(t, url+"/v1/sites?limit=1000", token)
	if code != 200 || len(page["items"].([]any)) != n {
		t.Fatalf("after restart: %d, %v sites (want %d)", code, len(page["items"].([]any)), n)
	}
	_, ins := get(t, url+"/v1/institutions?name=Prefeitura+de+Recife", token)
	if len(ins["items"].([]any)) != 1 {
		t.Fatalf("our institution was lost: %v", ins)
	}
	stop()

	url, out, stop = startUp(t, dir, nil, "--reset")
	defer stop()
	if !strings.Contains(out.String(), "demo fleet created") {
		t.Fatalf("reset did not reseed: %s", out.String())
	}
	if code, _ := get(t, url+"/v1/sites", token); code != 401 {
		t.Fatalf("old token survived --reset: %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "soberana.db")); err != nil {
		t.Fatal(err)
	}
}

func TestBootstrapToken(t *testing.T) {
	const tok = "sbr_bootstrap_for_scripts_123456"
	url, out, stop := startUp(t, t.TempDir(), map[string]string{"SOBERANA_BOOTSTRAP_TOKEN": tok})
	defer stop()
	if strings.Contains(out.String(), tok) {
		t.Fatalf("bootstrap token echoed: %s", out.String())
	}
	if code, _ := get(t, url+"/v1/providers", tok); code != 200 {
		t.Fatalf("bootstrap token refused: %d", code)
	}
	if code, p := get(t, url+"/v1/providers", ""); code != 401 || p["type"] == nil {
		t.Fatalf("no token: %d %v", code, p)
	}
}

// TestClientCommands drives get/create/delete against a running up.
func TestClientCommands(t *testing.T) {
	const tok = "sbr_client_commands_test_123456"
	url, _, stop := startUp(t, t.TempDir(), map[string]string{"SOBERANA_BOOTSTRAP_TOKEN": tok})
	defer stop()
	env := map[string]string{"SOBERANA_SERVER": url, "SOBERANA_TOKEN": tok, "LANG": "en_US.UTF-8"}
	run := func(args ...string) (int, string, string) { return runCLI(env, args...) }
	code, out, _ := run("get", "sites", "--filter", "country=CL")
	if code != 0 || !strings.Contains(out, "Santiago") || !strings.Contains(out, "SIMULATED") || strings.Contains(out, "São Paulo") {
		t.Fatalf("get sites: %d %s", code, out)
	}
	code, out, _ = run("get", "providers", "-o", "json")
	var page map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &page) != nil {
		t.Fatalf("json output: %d %s", code, out)
	}
	code, out, _ = run("get", "offerings", "-o", "yaml")
	if code != 0 || !strings.Contains(out, "name: SCS-2V-4-20s") {
		t.Fatalf("yaml output: %d %s", code, out)
	}
	f := filepath.Join(t.TempDir(), "ins.yaml")
	if err := os.WriteFile(f, []byte("name: Municipalidad de Valparaíso\ncountry: CL\ncurrency: CLP\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run("create", "institution", "-f", f, "-o", "json")
	var ins map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &ins) != nil || ins["currency"] != "CLP" {
		t.Fatalf("create: %d %s", code, out)
	}
	code, _, errOut := run("--lang", "es", "create", "institution", "--data", `{"name":"x","country":"ZZ","currency":"CLP"}`)
	if code != cli.ExitConflict || !strings.Contains(errOut, "country") || !strings.Contains(errOut, "no es un código de país") {
		t.Fatalf("localized CLI error: %d %s", code, errOut)
	}
	code, out, _ = run("delete", "institution", ins["id"].(string))
	if code != 0 || !strings.Contains(out, "deleted") {
		t.Fatalf("delete: %d %s", code, out)
	}
	code, _, errOut = run("get", "gizmos")
	if code != cli.ExitUsage || !strings.Contains(errOut, "unknown noun") {
		t.Fatalf("unknown noun: %d %s", code, errOut)
	}
	env["SOBERANA_TOKEN"] = ""
	code, _, errOut = run("get", "sites")
	if code != cli.ExitAuth || !strings.Contains(errOut, "SOBERANA_TOKEN") {
		t.Fatalf("missing token: %d %s", code, errOut)
	}
}

func TestVersionAndServeConfigErrors(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := cli.RunEnv(context.Background(), []string{"version"}, &out, &errOut, func(string) string { return "" }); code != 0 || !strings.HasPrefix(out.String(), "soberana ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	out.Reset()
	errOut.Reset()
	code := cli.RunEnv(context.Background(), []string{"serve", "--addr", "0.0.0.0:8080", "--data-dir", t.TempDir()}, &out, &errOut, func(string) string { return "" })
	if code == 0 || !strings.Contains(errOut.String(), "tls.cert_file") {
		t.Fatalf("serve on a public address without TLS: %d %s", code, errOut.String())
	}
	errOut.Reset()
	code = cli.RunEnv(context.Background(), []string{"serve", "--data-dir", t.TempDir()}, &out, &errOut, func(k string) string {
		if k == "SOBERANA_LOG_LEVEL" {
			return "loud"
		}
		return ""
	})
	if code == 0 || !strings.Contains(errOut.String(), "log_level") {
		t.Fatalf("bad env: %d %s", code, errOut.String())
	}
}
