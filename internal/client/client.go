// Package client is a small HTTP client for the soberana API, used by the
// CLI and by tests that drive a real server.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls one soberana server.
type Client struct {
	Base  string
	Token string
	Lang  string
	HTTP  *http.Client
}

// New returns a client for base (e.g. http://127.0.0.1:8080).
func New(base, token string) *Client {
	return &Client{Base: strings.TrimRight(base, "/"), Token: token, HTTP: &http.Client{Timeout: 60 * time.Second}}
}

// Problem is an RFC 9457 error returned by the server.
type Problem struct {
	Type          string `json:"type"`
	Title         string `json:"title"`
	Status        int    `json:"status"`
	Detail        string `json:"detail"`
	RequestID     string `json:"request_id"`
	InvalidParams []struct {
		Name   string `json:"name"`
		Reason string `json:"reason"`
	} `json:"invalid_params"`
	Raw map[string]any `json:"-"`
}

func (p *Problem) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%d): %s", p.Title, p.Status, p.Detail)
	for _, ip := range p.InvalidParams {
		fmt.Fprintf(&b, "\n  - %s: %s", ip.Name, ip.Reason)
	}
	return b.String()
}

// Do sends a request with an optional JSON body and decodes a JSON answer
// into out (if non-nil). Non-2xx answers become *Problem.
func (c *Client) Do(ctx context.Context, method, path string, body, out any, hdr ...string) (http.Header, error) {
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case []byte:
			rd = bytes.NewReader(b)
		default:
			buf, err := json.Marshal(body)
			if err != nil {
				return nil, err
			}
			rd = bytes.NewReader(buf)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("calling %s: %w", c.Base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.Header, err
	}
	if resp.StatusCode >= 300 {
		p := &Problem{Status: resp.StatusCode}
		if json.Unmarshal(data, p) != nil || p.Title == "" {
			p.Title = http.StatusText(resp.StatusCode)
			p.Detail = strings.TrimSpace(string(data))
		}
		_ = json.Unmarshal(data, &p.Raw)
		return resp.Header, p
	}
	if out != nil && len(data) > 0 {
		if raw, ok := out.(*json.RawMessage); ok {
			*raw = append((*raw)[:0], data...)
			return resp.Header, nil
		}
		if err := json.Unmarshal(data, out); err != nil {
			return resp.Header, fmt.Errorf("decoding answer: %w", err)
		}
	}
	return resp.Header, nil
}

// Query encodes query parameters.
func Query(kv map[string]string) string {
	if len(kv) == 0 {
		return ""
	}
	v := url.Values{}
	for k, s := range kv {
		v.Set(k, s)
	}
	return "?" + v.Encode()
}
