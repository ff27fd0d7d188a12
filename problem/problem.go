// Package problem is the RFC 9457 problem detail of the soberana API: the
// one type the server encodes (internal/api), the public Go SDK decodes
// (package client, which names it client.Problem) and the console reads.
// It is public so that the SDK, importable from outside the module, and
// the server share it; it has no dependencies beyond the standard library.
//
// On the wire a problem is a JSON object with the standard members (type,
// title, status, detail, instance), the API's request_id and
// invalid_params, and any members a problem type adds (e.g. shortfall on
// budget-exceeded), which travel in Extensions.
package problem

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Base prefixes every problem type URI. The URIs are stable identifiers
// that clients may switch on; docs/api.md lists them.
const Base = "https://soberana.dev/problems/"

// Problem is an RFC 9457 problem detail: every error the API answers.
type Problem struct {
	Type          string         `json:"type"`
	Title         string         `json:"title"`
	Status        int            `json:"status"`
	Detail        string         `json:"detail,omitempty"`
	Instance      string         `json:"instance,omitempty"`
	RequestID     string         `json:"request_id,omitempty"`
	InvalidParams []InvalidParam `json:"invalid_params,omitempty"`
	// Extensions carries the members a problem type adds (e.g. shortfall
	// on budget-exceeded): encoding flattens them into the object, and
	// decoding collects there every member that is not one of the fields
	// above (numbers decode as float64, as into any map).
	Extensions map[string]any `json:"-"`
	// RetryAfter is the answer's Retry-After header, when the problem was
	// read from an answer that had one (Parse); it is not a JSON member.
	RetryAfter time.Duration `json:"-"`
}

// InvalidParam names one invalid input field and why.
type InvalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// standard are the members the fields of Problem hold.
var standard = map[string]bool{"type": true, "title": true, "status": true, "detail": true,
	"instance": true, "request_id": true, "invalid_params": true}

// plain is Problem without its JSON methods.
type plain Problem

// MarshalJSON flattens Extensions into the object, as RFC 9457 asks. An
// extension never replaces a standard member.
func (p Problem) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(plain(p))
	if err != nil || len(p.Extensions) == 0 {
		return b, err
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range p.Extensions {
		if !standard[k] {
			m[k] = v
		}
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads the standard members into the fields and the others
// into Extensions.
func (p *Problem) UnmarshalJSON(b []byte) error {
	var q plain
	if err := json.Unmarshal(b, &q); err != nil {
		return err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	q.Extensions, q.RetryAfter = nil, p.RetryAfter
	for k, v := range m {
		if standard[k] {
			continue
		}
		if q.Extensions == nil {
			q.Extensions = map[string]any{}
		}
		q.Extensions[k] = v
	}
	*p = Problem(q)
	return nil
}

// Error is the title, status and detail, and one line per invalid field.
func (p *Problem) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%d): %s", p.Title, p.Status, p.Detail)
	for _, ip := range p.InvalidParams {
		fmt.Fprintf(&b, "\n  - %s: %s", ip.Name, ip.Reason)
	}
	return b.String()
}

// Message is the problem on one line, for a person: title, detail and each
// invalid field ("Invalid input: 1 field(s)… · replicas: must be …").
func (p *Problem) Message() string {
	var b strings.Builder
	b.WriteString(p.Title)
	if p.Detail != "" {
		b.WriteString(": ")
		b.WriteString(p.Detail)
	}
	for _, ip := range p.InvalidParams {
		b.WriteString(" · ")
		b.WriteString(ip.Name)
		b.WriteString(": ")
		b.WriteString(ip.Reason)
	}
	return b.String()
}

// Parse reads a non-2xx answer as a problem. A body that is not a problem
// (a proxy's HTML page, say) gives the status text as title and the body
// as detail. Status is always the answer's; RetryAfter is read from
// header (delta-seconds or an HTTP date) against now.
func Parse(status int, header http.Header, body []byte, now time.Time) *Problem {
	p := &Problem{}
	if json.Unmarshal(body, p) != nil || p.Title == "" {
		p.Title, p.Detail = http.StatusText(status), strings.TrimSpace(string(body))
	}
	p.Status = status
	p.RetryAfter = parseRetryAfter(header.Get("Retry-After"), now)
	return p
}

// parseRetryAfter reads delta-seconds or an HTTP date (RFC 9110 §10.2.3).
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// StatusOf returns the HTTP status of a *Problem in err's chain, or 0.
func StatusOf(err error) int {
	var p *Problem
	if errors.As(err, &p) {
		return p.Status
	}
	return 0
}
