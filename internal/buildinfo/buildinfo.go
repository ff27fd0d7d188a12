// Package buildinfo says which soberana this is: the version, the commit
// and the build date. Release builds set them with
//
//	-ldflags "-X github.com/soberana/soberana/internal/buildinfo.version=v1.2.3
//	          -X github.com/soberana/soberana/internal/buildinfo.commit=abc123
//	          -X github.com/soberana/soberana/internal/buildinfo.date=2026-12-04T21:00:00Z"
//
// (scripts/package-deb.sh does); any value left unset is taken from the
// build information the Go toolchain embeds (the module version for
// `go install …@v1.2.3`, vcs.revision and vcs.time for a build inside a
// git checkout).
package buildinfo

import (
	"runtime/debug"
	"strings"
)

// Set with -ldflags -X; empty means "from the embedded build info".
var (
	version string
	commit  string
	date    string
)

// Info is what `soberana version` prints.
type Info struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
	// Modified is true when the binary was built from a work tree with
	// uncommitted changes.
	Modified  bool   `json:"modified"`
	GoVersion string `json:"go_version"`
}

// Get returns the build's identity.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return from(bi, version, commit, date)
}

// from combines the -ldflags values (which win) with the build info.
func from(bi *debug.BuildInfo, version, commit, date string) Info {
	in := Info{Version: version, Commit: commit, Date: date}
	if bi != nil {
		in.GoVersion = bi.GoVersion
		if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			in.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if in.Commit == "" {
					in.Commit = s.Value
				}
			case "vcs.time":
				if in.Date == "" {
					in.Date = s.Value
				}
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if in.Version == "" {
		in.Version = "dev"
	}
	if in.Commit == "" {
		in.Commit = "unknown"
	}
	if in.Date == "" {
		in.Date = "unknown"
	}
	return in
}

// String is the one-line form: "v1.2.3 (commit abc123def456, built
// 2026-12-04T21:00:00Z, go1.26.8)"; a dirty tree adds "+dirty" to the
// commit.
func (in Info) String() string {
	c := in.Commit
	if len(c) > 12 && !strings.Contains(c, " ") {
		c = c[:12]
	}
	if in.Modified {
		c += "+dirty"
	}
	s := in.Version + " (commit " + c + ", built " + in.Date
	if in.GoVersion != "" {
		s += ", " + in.GoVersion
	}
	return s + ")"
}
