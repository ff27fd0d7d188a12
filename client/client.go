// Package client is the public Go SDK of the soberana API.
//
// It is versioned with the server (module github.com/soberana/soberana):
// the types here mirror the JSON the API answers, money travels as exact
// minor units (int64, never float), every error the API answers is a
// *Problem (RFC 9457), lists are iterated with Go 1.23 iterators over the
// API's cursor pagination, answers 429 (and 503 with Retry-After) are
// retried honouring Retry-After, and creates carry an Idempotency-Key.
// Collections that take the same operations are values of one generic
// type (Collection, UpdatableCollection, ListedCollection) named by an
// accessor, c.Projects().Get(ctx, id); the others have their own methods.
//
//	c := client.New("https://soberana.gob.example", os.Getenv("SOBERANA_TOKEN"))
//	ins, err := c.Institutions().Create(ctx, client.InstitutionSpec{Name: "Ministério", Country: "BR", Currency: "BRL"})
//	for w, err := range c.Workloads(ctx, client.ListOptions{Filters: map[string]string{"state": "running"}}) { … }
package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/soberana/soberana/problem"
)

// Client calls one soberana server. The zero value is not usable: use New.
type Client struct {
	// Base is the server's URL (e.g. http://127.0.0.1:8080), without /v1.
	Base string
	// Token is the bearer token (sbr_…).
	Token string
	// Lang is sent as Accept-Language: problems come back in it (es, pt-BR, en).
	Lang string
	// HTTP is the transport (New sets a 60 s timeout).
	HTTP *http.Client
	// MaxRetries bounds the retries of an answer 429 or 503-with-Retry-After
	// (New sets 3; 0 disables them).
	MaxRetries int
	// MaxRetryWait caps one Retry-After wait (New sets 30 s).
	MaxRetryWait time.Duration
	// UserAgent is sent as User-Agent when set.
	UserAgent string
	// sleep waits between retries (tests replace it).
	sleep func(context.Context, time.Duration) error
}

// New returns a client for base with a token.
func New(base, token string) *Client {
	return &Client{Base: strings.TrimRight(base, "/"), Token: token, HTTP: &http.Client{Timeout: 60 * time.Second},
		MaxRetries: 3, MaxRetryWait: 30 * time.Second}
}

// Problem is an RFC 9457 problem detail: every error the API answers.
// It is the server's own type (package problem), so the SDK decodes
// exactly what the API encodes; Extensions holds a problem type's extra
// members (e.g. shortfall), RetryAfter the answer's Retry-After.
type Problem = problem.Problem

// InvalidParam names a request field and why it was refused.
type InvalidParam = problem.InvalidParam

// StatusOf returns the HTTP status of a *Problem in err's chain, or 0.
func StatusOf(err error) int { return problem.StatusOf(err) }

// IsNotFound tells whether err is the API's 404.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// NewIdempotencyKey returns a random key for the Idempotency-Key header.
func NewIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Do sends a request with an optional JSON body ([]byte is sent as is)
// and decodes a JSON answer into out (if non-nil; *json.RawMessage gets
// the bytes). hdr are extra header name/value pairs. Non-2xx answers
// become *Problem. 429, and 503 with Retry-After, are retried up to
// MaxRetries times after the server's Retry-After (the body is resent, so
// creates must carry an Idempotency-Key: the typed methods do).
func (c *Client) Do(ctx context.Context, method, path string, body, out any, hdr ...string) (http.Header, error) {
	var buf []byte
	if body != nil {
		switch b := body.(type) {
		case []byte:
			buf = b
		default:
			var err error
			if buf, err = json.Marshal(body); err != nil {
				return nil, err
			}
		}
	}
	for attempt := 0; ; attempt++ {
		h, err := c.once(ctx, method, path, body != nil, buf, out, hdr)
		var p *Problem
		if err == nil || !errors.As(err, &p) || attempt >= c.MaxRetries || !retryable(p) {
			return h, err
		}
		wait := p.RetryAfter
		if wait <= 0 {
			wait = time.Second
		}
		if c.MaxRetryWait > 0 && wait > c.MaxRetryWait {
			wait = c.MaxRetryWait
		}
		sleep := c.sleep
		if sleep == nil {
			sleep = sleepCtx
		}
		if serr := sleep(ctx, wait); serr != nil {
			return h, err
		}
	}
}

func retryable(p *Problem) bool {
	return p.Status == http.StatusTooManyRequests || (p.Status == http.StatusServiceUnavailable && p.RetryAfter > 0)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (c *Client) once(ctx context.Context, method, path string, hasBody bool, buf []byte, out any, hdr []string) (http.Header, error) {
	var rd io.Reader
	if hasBody {
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return nil, err
	}
	if hasBody {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("calling %s: %w", c.Base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.Header, err
	}
	if resp.StatusCode >= 300 {
		return resp.Header, problem.Parse(resp.StatusCode, resp.Header, data, time.Now())
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

// Query encodes query parameters ("" when there are none).
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
