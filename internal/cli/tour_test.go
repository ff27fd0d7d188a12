package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/soberana/soberana/internal/cli"
)

// TestMain lets the test binary stand in for the soberana command: the
// README tour runs `soberana …` through a shim that re-executes this
// binary with SOBERANA_TOUR_CLI=1, so the tour exercises this very code
// without building the command first.
func TestMain(m *testing.M) {
	if os.Getenv("SOBERANA_TOUR_CLI") == "1" {
		os.Exit(cli.RunEnv(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
	}
	os.Exit(m.Run())
}

// tourLines reads the README's quick tour: the logical lines (backslash
// continuations joined) of every ```sh tour block, in order.
func tourLines(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	in, cont := false, ""
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case !in && strings.TrimSpace(l) == "```sh tour":
			in = true
		case in && strings.TrimSpace(l) == "```":
			in = false
		case in:
			if strings.HasSuffix(l, "\\") {
				cont += strings.TrimSuffix(l, "\\") + " "
				continue
			}
			if line := strings.TrimSpace(cont + l); line != "" && !strings.HasPrefix(line, "#") {
				lines = append(lines, line)
			}
			cont = ""
		}
	}
	if in {
		t.Fatal("README.md: a ```sh tour block is not closed")
	}
	return lines
}

// tourChecks are what each step of the tour must show, by the start of
// its command. Every one must be a step of the README's tour, so that a
// step dropped from the README fails here rather than going untested.
var tourChecks = []struct {
	cmd  string
	want []string
}{
	{"soberana image list", []string{`ubuntu-24\.04`}},
	{"soberana ssh-key add laptop", []string{`laptop`, `ssh-ed25519`}},
	{"soberana workload wait --for running $WL", []string{`is running`}},
	{"soberana workload describe $WL", []string{`Project:\s+prontuario-eletronico`, `Offering:\s+SCS-1V-2-20s`,
		`(?m)^\s+0\s+.+\s+running\s+running\s+\d+\.\d+\.\d+\.\d+`}},
	{"soberana workload stop $WL", []string{`(?m)^\s+0\s+.+\s+stopped\s+\d+\.\d+\.\d+\.\d+`}},
	{"soberana workload start $WL", []string{`(?m)^\s+0\s+.+\s+running\s+running\s+\d+\.\d+\.\d+\.\d+`}},
	{"soberana workload resize $WL --offering SCS-2V-4-20s", []string{`Offering:\s+SCS-2V-4-20s`,
		`(?m)^\s+0\s+.+\s+running\s+running\s`}},
	{"soberana grant create", []string{`developer`}},
	{"SOBERANA_TOKEN=$VENDOR_TOKEN soberana ssh $WL --print", []string{`(?m)^ssh-ed25519-cert-v01@openssh\.com `,
		`serial \d+, principal \S+, key SHA256:\S+, valid until `}},
	{"soberana workload wait --for running $NSWL", []string{`is running`}},
	{"soberana deploy --app citas --image v1.1 --wait", []string{`succeeded`}},
	{"soberana deploy --app citas --image fail --wait", []string{`rolled back \(exit 1\)`}},
	{"curl -sf -H \"Authorization: Bearer $SOBERANA_TOKEN\" $API/v1/workloads/$WL/utilization", []string{`"replica": 0,`, `"site_name": "[^"]+"`}},
}

var stepRE = regexp.MustCompile(`(?m)^::tour-step (\d+)::$`)

// TestReadmeQuickTour is issue #18's "done when": the README's quick
// tour, run as written, in order, by bash, against a server started as
// `up` starts it (embedded SQLite, demo fleet). Each step's output is
// checked; the tour waits with the CLI's own `workload wait` and
// `deploy --wait`, never with sleeps.
func TestReadmeQuickTour(t *testing.T) {
	for _, bin := range []string{"bash", "jq", "curl", "ssh-keygen", "sed"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("the README tour needs %s on PATH: %v", bin, err)
		}
	}
	lines := tourLines(t)
	if len(lines) < len(tourChecks) {
		t.Fatalf("README.md has %d tour lines, fewer than the %d checked steps", len(lines), len(tourChecks))
	}
	for _, c := range tourChecks {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, c.cmd)
		}
		if !found {
			t.Errorf("the README tour has no step %q", c.cmd)
		}
	}
	if t.Failed() {
		return
	}

	url, out, stop := startUp(t, t.TempDir(), nil)
	defer stop()
	m := tokenRE.FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("up printed no token: %s", out.String())
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	home, bin := t.TempDir(), t.TempDir()
	shim := fmt.Sprintf("#!/bin/sh\nSOBERANA_TOUR_CLI=1 exec %q \"$@\"\n", self)
	if err := os.WriteFile(filepath.Join(bin, "soberana"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	var script strings.Builder
	script.WriteString("set -euo pipefail\n")
	for i, l := range lines {
		fmt.Fprintf(&script, "echo '::tour-step %d::'\n%s\n", i, l)
	}
	script.WriteString("echo '::tour-step end::'\necho \"WL=$WL\"\n")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script.String())
	cmd.Dir = home
	cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + home,
		"SOBERANA_SERVER=" + url, "SOBERANA_TOKEN=" + m[1], "LANG=en", "TZ=UTC"}
	var combined bytes.Buffer
	cmd.Stdout, cmd.Stderr = &combined, &combined
	runErr := cmd.Run()
	text := combined.String()

	// Split the output by step; the last step that started is the one
	// that failed when bash stopped early.
	outputs := map[int]string{}
	locs := stepRE.FindAllStringSubmatchIndex(text, -1)
	for i, loc := range locs {
		var n int
		fmt.Sscan(text[loc[2]:loc[3]], &n)
		end := len(text)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		outputs[n] = text[loc[1]:end]
	}
	if runErr != nil || !strings.Contains(text, "::tour-step end::") {
		last := len(locs) - 1
		step := "(none)"
		if last >= 0 {
			step = lines[last]
		}
		t.Fatalf("the README tour stopped at step %q: %v\n%s", step, runErr, text)
	}
	for _, c := range tourChecks {
		for i, l := range lines {
			if !strings.HasPrefix(l, c.cmd) {
				continue
			}
			for _, w := range c.want {
				if !regexp.MustCompile(w).MatchString(outputs[i]) {
					t.Errorf("tour step %q: output lacks %s:\n%s", l, w, outputs[i])
				}
			}
		}
	}

	// The certificate is for the key the tour made, issued to the vendor.
	for i, l := range lines {
		if !strings.Contains(l, "soberana ssh $WL --print") {
			continue
		}
		certLine := regexp.MustCompile(`(?m)^ssh-ed25519-cert-v01@openssh\.com \S+`).FindString(outputs[i])
		pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(certLine))
		if err != nil {
			t.Fatalf("the printed certificate does not parse: %v\n%s", err, outputs[i])
		}
		cert, ok := pk.(*ssh.Certificate)
		if !ok {
			t.Fatalf("not a certificate: %T", pk)
		}
		pub, err := os.ReadFile(filepath.Join(home, ".ssh", "id_ed25519.pub"))
		if err != nil {
			t.Fatal(err)
		}
		mine, _, _, _, err := ssh.ParseAuthorizedKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(cert.Key.Marshal(), mine.Marshal()) || !strings.Contains(cert.KeyId, "dev@vendor.example") ||
			len(cert.ValidPrincipals) != 1 {
			t.Errorf("certificate: key %s, key id %q, principals %v", ssh.FingerprintSHA256(cert.Key), cert.KeyId, cert.ValidPrincipals)
		}
		if life := time.Until(time.Unix(int64(cert.ValidBefore), 0)); life > time.Hour+time.Minute {
			t.Errorf("certificate valid for %s, more than an hour", life)
		}
	}

	// After the tour, the machine runs at its new size.
	wl := regexp.MustCompile(`(?m)^WL=(\S+)$`).FindStringSubmatch(text)
	if wl == nil {
		t.Fatalf("no workload id: %s", text)
	}
	_, w := get(t, url+"/v1/workloads/"+wl[1], m[1])
	_, off := get(t, url+"/v1/offerings/"+fmt.Sprint(w["offering_id"]), m[1])
	if w["state"] != "running" || off["name"] != "SCS-2V-4-20s" {
		t.Errorf("after the tour: state %v, offering %v", w["state"], off["name"])
	}
}
