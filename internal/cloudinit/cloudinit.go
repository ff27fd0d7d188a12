// Package cloudinit validates the user-data a workload request carries and
// renders the one cloud-init document each replica boots with: the SSH keys
// it authorizes, the files and commands soberana adds (such as the SSH
// certificate trust of the workload's institution, through a FirstBootTrust
// hook of the workload service) and the requester's own user-data.
//
// A #cloud-config user-data is merged into a single #cloud-config document
// (lists are appended to: soberana's entries first, then the user's); a
// #! script becomes the second part of a MIME multipart document whose
// first part is soberana's #cloud-config. Rendering is deterministic: the
// same Input gives the same bytes, so a replica's document can be rendered
// again and compared.
package cloudinit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// MaxUserData bounds a request's user-data, in bytes.
const MaxUserData = 16 << 10

// Headers that mark the kinds of user-data accepted.
const (
	CloudConfigHeader = "#cloud-config"
	ScriptHeader      = "#!"
)

// File is a file cloud-init writes at first boot.
type File struct {
	Path    string `json:"path" yaml:"path"`
	Content string `json:"content" yaml:"content"`
	// Permissions in octal, e.g. "0644" (empty: cloud-init's default).
	Permissions string `json:"permissions,omitempty" yaml:"permissions,omitempty"`
}

// Input is what one replica's document is made of.
type Input struct {
	// AuthorizedKeys are public keys in authorized_keys form, for the
	// image's default user.
	AuthorizedKeys []string
	// UserData is the requester's user-data (validated with Validate).
	UserData string
	// Files and RunCmd are soberana's own additions, written and run
	// before the user's.
	Files  []File
	RunCmd []string
}

// Problem is why user-data is refused.
type Problem string

// The problems Validate reports.
const (
	TooLarge       Problem = "too_large"        // more than MaxUserData bytes
	NotUTF8        Problem = "not_utf8"         // not UTF-8 text
	NotCloudInit   Problem = "not_cloud_init"   // neither #cloud-config nor a #! script
	BadYAML        Problem = "bad_yaml"         // #cloud-config that is not YAML
	NotMapping     Problem = "not_mapping"      // #cloud-config whose document is not a mapping
	BadMergedField Problem = "bad_merged_field" // ssh_authorized_keys, write_files or runcmd not a list
)

// Error is a refused user-data: the problem, and a detail (the YAML
// parser's message, the field, the size) in English.
type Error struct {
	Problem Problem
	Detail  string
}

func (e *Error) Error() string { return "cloudinit: " + string(e.Problem) + ": " + e.Detail }

// ErrInvalid is wrapped by every *Error.
var ErrInvalid = errors.New("cloudinit: invalid user-data")

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *Error) Unwrap() error { return ErrInvalid }

// merged are the top-level keys soberana appends to.
var merged = []string{"ssh_authorized_keys", "write_files", "runcmd"}

// Validate checks user-data: empty, a #cloud-config YAML mapping (whose
// ssh_authorized_keys, write_files and runcmd, when present, are lists),
// or a #! script, of at most MaxUserData bytes.
func Validate(userData string) error {
	_, err := parse(userData)
	return err
}

// kind of user-data, parsed.
type parsed struct {
	script string         // a #! script
	config map[string]any // a #cloud-config mapping (nil: none)
}

func parse(ud string) (parsed, error) {
	if ud == "" {
		return parsed{}, nil
	}
	if len(ud) > MaxUserData {
		return parsed{}, &Error{Problem: TooLarge, Detail: fmt.Sprintf("%d bytes, at most %d", len(ud), MaxUserData)}
	}
	if !utf8.ValidString(ud) {
		return parsed{}, &Error{Problem: NotUTF8}
	}
	first, _, _ := strings.Cut(ud, "\n")
	first = strings.TrimRight(first, "\r \t")
	switch {
	case strings.HasPrefix(first, ScriptHeader):
		return parsed{script: ud}, nil
	case first == CloudConfigHeader:
		var doc any
		if err := yaml.Unmarshal([]byte(ud), &doc); err != nil {
			return parsed{}, &Error{Problem: BadYAML, Detail: err.Error()}
		}
		if doc == nil {
			return parsed{config: map[string]any{}}, nil
		}
		m, ok := doc.(map[string]any)
		if !ok {
			return parsed{}, &Error{Problem: NotMapping, Detail: fmt.Sprintf("%T", doc)}
		}
		for _, k := range merged {
			if v, ok := m[k]; ok && v != nil {
				if _, ok := v.([]any); !ok {
					return parsed{}, &Error{Problem: BadMergedField, Detail: k}
				}
			}
		}
		return parsed{config: m}, nil
	}
	return parsed{}, &Error{Problem: NotCloudInit, Detail: first}
}

// Render makes the replica's document. It fails only on user-data that
// Validate refuses.
func Render(in Input) (string, error) {
	p, err := parse(in.UserData)
	if err != nil {
		return "", err
	}
	ours := map[string]any{}
	if len(in.AuthorizedKeys) > 0 {
		keys := make([]any, 0, len(in.AuthorizedKeys))
		for _, k := range in.AuthorizedKeys {
			keys = append(keys, strings.TrimSpace(k))
		}
		ours["ssh_authorized_keys"] = keys
	}
	if len(in.Files) > 0 {
		fs := make([]any, 0, len(in.Files))
		for _, f := range in.Files {
			m := map[string]any{"path": f.Path, "content": f.Content}
			if f.Permissions != "" {
				m["permissions"] = f.Permissions
			}
			fs = append(fs, m)
		}
		ours["write_files"] = fs
	}
	if len(in.RunCmd) > 0 {
		cmds := make([]any, 0, len(in.RunCmd))
		for _, c := range in.RunCmd {
			cmds = append(cmds, c)
		}
		ours["runcmd"] = cmds
	}
	if p.script == "" {
		doc := ours
		if p.config != nil {
			doc = p.config
			for _, k := range merged {
				if v, ok := ours[k]; ok {
					prev, _ := doc[k].([]any)
					doc[k] = appendUnique(v.([]any), prev)
				}
			}
		}
		return cloudConfig(doc)
	}
	cc, err := cloudConfig(ours)
	if err != nil {
		return "", err
	}
	return multipartDoc([]part{{"text/cloud-config", "soberana.cfg", cc}, {"text/x-shellscript", "user-data.sh", p.script}})
}

// appendUnique is a followed by the items of b not already in a (keys
// the user also listed appear once).
func appendUnique(a, b []any) []any {
	out := append([]any{}, a...)
	for _, x := range b {
		dup := false
		for _, y := range a {
			if s, ok := x.(string); ok && s == y {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, x)
		}
	}
	return out
}

func cloudConfig(doc map[string]any) (string, error) {
	var b bytes.Buffer
	b.WriteString(CloudConfigHeader + "\n")
	if len(doc) == 0 {
		b.WriteString("{}\n")
		return b.String(), nil
	}
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return "", fmt.Errorf("cloudinit: rendering: %w", err)
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

type part struct{ contentType, filename, body string }

// multipartDoc renders a MIME multipart/mixed document as cloud-init reads
// it; the boundary derives from the content, so rendering is repeatable.
func multipartDoc(parts []part) (string, error) {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p.contentType + "\x00" + p.body + "\x00"))
	}
	boundary := "soberana-" + hex.EncodeToString(h.Sum(nil))[:24]
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.SetBoundary(boundary); err != nil {
		return "", err
	}
	for _, p := range parts {
		hdr := textproto.MIMEHeader{}
		hdr.Set("Content-Type", p.contentType+`; charset="utf-8"`)
		hdr.Set("Content-Disposition", `attachment; filename="`+p.filename+`"`)
		hdr.Set("MIME-Version", "1.0")
		pw, err := w.CreatePart(hdr)
		if err != nil {
			return "", err
		}
		if _, err := pw.Write([]byte(p.body)); err != nil {
			return "", err
		}
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\nMIME-Version: 1.0\n\n" + body.String(), nil
}

// Digest is the hex SHA-256 of a rendered document.
func Digest(doc string) string {
	s := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(s[:])
}
