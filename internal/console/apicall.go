package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/i18n"

	"github.com/soberana/soberana/problem"
)

// The console reads and writes through the API's handlers, in-process:
// the request carries the signed-in person's credential and language, so
// authorization, validation and error messages are the API's own. An
// answer of 300 or more is the API's *problem.Problem.

// recorder is a minimal in-memory ResponseWriter.
type recorder struct {
	h    http.Header
	code int
	body bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.h }
func (r *recorder) WriteHeader(c int) {
	if r.code == 0 {
		r.code = c
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.body.Write(b)
}

// apiResponse is a raw answer of the API.
type apiResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// do calls the API as the person of v. body is encoded as JSON unless it is
// nil; out (if not nil) receives a 2xx JSON answer.
// A GET is answered once per page view (pages ask for the same lists
// several times); an answer of 429 is retried after the API's Retry-After
// when that is short, so a burst of page loads slows down instead of
// failing.
func (c *Console) do(ctx context.Context, v *view, method, target string, body any, out any) (*apiResponse, error) {
	var cr credential
	lang, remote := i18n.Default, ""
	if v != nil {
		lang, remote = v.Lang, v.remote
		if v.sess != nil {
			cr = v.sess.cred
		}
		if method == http.MethodGet {
			if resp, ok := v.memo[target]; ok {
				return resp, decodeInto(resp, method, target, out)
			}
		}
	}
	var resp *apiResponse
	var err error
	for attempt := 0; ; attempt++ {
		resp, err = c.doAs(ctx, cr, lang, remote, method, target, body)
		if resp == nil || resp.Status != http.StatusTooManyRequests || attempt >= 3 {
			break
		}
		wait, perr := strconv.Atoi(resp.Header.Get("Retry-After"))
		if perr != nil || wait > 2 {
			break
		}
		select {
		case <-ctx.Done():
			return resp, err
		case <-time.After(time.Duration(max(wait, 1)) * time.Second):
		}
	}
	if err != nil {
		return resp, err
	}
	if v != nil && method == http.MethodGet {
		if v.memo == nil {
			v.memo = map[string]*apiResponse{}
		}
		v.memo[target] = resp
	}
	return resp, decodeInto(resp, method, target, out)
}

func decodeInto(resp *apiResponse, method, target string, out any) error {
	if out != nil && len(resp.Body) > 0 {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return fmt.Errorf("decoding %s %s: %w", method, target, err)
		}
	}
	return nil
}

// credential is how the console acts for a person at the API: an API
// token (Authorization: Bearer) or an API session (its cookie, and its
// CSRF token on changes). It never reaches the browser.
type credential struct {
	Token   string
	Session string
	CSRF    string
}

// doAs calls the API in-process with a credential, a language and the
// browser's address (so per-address limits apply per person).
func (c *Console) doAs(ctx context.Context, cr credential, lang i18n.Lang, remote, method, target string, body any) (*apiResponse, error) {
	var rd io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return nil, err
	}
	req.RequestURI = target
	req.RemoteAddr = remote
	if req.RemoteAddr == "" {
		req.RemoteAddr = "127.0.0.1:0"
	}
	req.Host = "console"
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Accept-Language", string(lang))
	switch {
	case cr.Token != "":
		req.Header.Set("Authorization", "Bearer "+cr.Token)
	case cr.Session != "":
		req.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: cr.Session})
		req.AddCookie(&http.Cookie{Name: api.CSRFCookie, Value: cr.CSRF})
		if method != http.MethodGet && method != http.MethodHead {
			req.Header.Set(api.CSRFHeader, cr.CSRF)
		}
	}
	rec := &recorder{h: http.Header{}}
	c.api.ServeHTTP(rec, req)
	if rec.code == 0 {
		rec.code = http.StatusOK
	}
	resp := &apiResponse{Status: rec.code, Header: rec.h, Body: rec.body.Bytes()}
	if rec.code >= 300 {
		// The API's own problem type: pages read its status, title,
		// detail, invalid_params and extensions (such as the numbered
		// reasons why nothing fits).
		return resp, problem.Parse(rec.code, rec.h, resp.Body, time.Now())
	}
	return resp, nil
}

// get reads one JSON resource.
func (c *Console) get(ctx context.Context, v *view, target string, out any) error {
	_, err := c.do(ctx, v, http.MethodGet, target, nil, out)
	return err
}

// listAll reads every page of a list endpoint.
func listAll[T any](ctx context.Context, c *Console, v *view, base string, filters url.Values) ([]T, error) {
	var all []T
	q := url.Values{}
	for k, vs := range filters {
		q[k] = vs
	}
	q.Set("limit", "1000")
	for range 100 {
		var page struct {
			Items      []T    `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		if err := c.get(ctx, v, base+"?"+q.Encode(), &page); err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			break
		}
		q.Set("cursor", page.NextCursor)
	}
	return all, nil
}

// lists reads several list endpoints for one view and keeps the first
// error, so a view reads what it joins and checks once (the errWriter
// pattern): after an error no further call is made.
type lists struct {
	ctx context.Context
	c   *Console
	v   *view
	err error
}

func (c *Console) lists(ctx context.Context, v *view) *lists {
	return &lists{ctx: ctx, c: c, v: v}
}

// list reads every page of base into l, unless an earlier read failed.
func list[T any](l *lists, base string, filters url.Values) []T {
	if l.err != nil {
		return nil
	}
	xs, err := listAll[T](l.ctx, l.c, l.v, base, filters)
	l.err = err
	return xs
}

// namesBy maps each x's id to the text name gives for it: the names a row
// shows for the ids it holds.
func namesBy[T any](xs []T, name func(T) (id, text string)) map[string]string {
	m := make(map[string]string, len(xs))
	for _, x := range xs {
		id, text := name(x)
		m[id] = text
	}
	return m
}
