package buildinfo

import (
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	t.Parallel()
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.9.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	got := from(bi, "", "", "")
	if got.Version != "v0.9.0" || got.Commit != "0123456789abcdef0123" || got.Date != "2026-12-01T10:00:00Z" || !got.Modified {
		t.Fatalf("build info not used: %+v", got)
	}
	if s := got.String(); s != "v0.9.0 (commit 0123456789ab+dirty, built 2026-12-01T10:00:00Z, go1.26.8)" {
		t.Fatalf("String() = %q", s)
	}
	// -ldflags values win over the build info.
	got = from(bi, "v1.0.0", "feedface", "2026-12-04")
	if got.Version != "v1.0.0" || got.Commit != "feedface" || got.Date != "2026-12-04" {
		t.Fatalf("ldflags values lost: %+v", got)
	}
	// A devel build with no VCS stamp says so instead of inventing a version.
	got = from(&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "", "", "")
	if got.Version != "dev" || got.Commit != "unknown" || got.Date != "unknown" {
		t.Fatalf("devel build: %+v", got)
	}
}

// TestLdflags builds a real binary with -ldflags -X and runs it: the
// values a release build stamps are the ones the binary reports.
func TestLdflags(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "v")
	pkg := "github.com/soberana/soberana/internal/buildinfo"
	cmd := exec.Command("go", "build", "-o", bin, "-ldflags",
		"-X "+pkg+".version=v7.7.7 -X "+pkg+".commit=c0ffee -X "+pkg+".date=2026-12-04T21:00:00Z", "./testdata/printversion")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(out), "v7.7.7 (commit c0ffee, built 2026-12-04T21:00:00Z") {
		t.Fatalf("binary says %q", out)
	}
}
