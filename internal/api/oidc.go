package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// OIDCCookie carries the sign-in flow's state, nonce and PKCE verifier
// between the redirect to the provider and the callback.
const OIDCCookie = "soberana_oidc"

// Redirect answers 302 Found to URL.
type Redirect struct{ URL string }

// flowCodec signs flow cookies with a per-process key.
type flowCodec struct{ key []byte }

func newFlowCodec() flowCodec {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return flowCodec{key: k}
}

func (c flowCodec) encode(fs auth.FlowState) string {
	b, _ := json.Marshal(fs)
	body := base64.RawURLEncoding.EncodeToString(b)
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(body))
	return body + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// DecodeFlowCookie checks and decodes a flow cookie (exported for fuzzing).
func (c flowCodec) decode(v string) (auth.FlowState, bool) {
	var fs auth.FlowState
	body, sig, ok := strings.Cut(v, ".")
	if !ok || len(v) > 4096 {
		return fs, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return fs, false
	}
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(body))
	if !hmac.Equal(got, m.Sum(nil)) {
		return fs, false
	}
	b, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || json.Unmarshal(b, &fs) != nil {
		return fs, false
	}
	return fs, true
}

// safeReturn keeps return_to a local path (no open redirect).
func safeReturn(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") || strings.ContainsAny(s, "\r\n") {
		return "/"
	}
	return s
}

func (a *API) oidcRoutes() []*Route {
	return []*Route{
		{Method: "GET", Path: "/v1/auth/oidc/login", Summary: "Start single sign-on with the configured OpenID provider (redirects there); return_to is a local path",
			Tag: "auth", Auth: Public(), Query: []string{"return_to"}, Status: http.StatusFound, Errors: []int{http.StatusNotFound},
			Handle: func(r *http.Request) (any, error) {
				if a.oidc == nil {
					return nil, Errorf(http.StatusNotFound, "not-found", "problem.oidc.disabled")
				}
				url, fs := a.oidc.Start(safeReturn(r.URL.Query().Get("return_to")), a.auth.Now())
				if w := responseWriterOf(r.Context()); w != nil {
					c := cookie(r, OIDCCookie, a.flow.encode(fs), true, 600)
					c.Path, c.SameSite = "/v1/auth/oidc", http.SameSiteLaxMode // sent back on the provider's redirect
					http.SetCookie(w, c)
				}
				return Redirect{URL: url}, nil
			}},
		{Method: "GET", Path: "/v1/auth/oidc/callback", Summary: "The OpenID provider's redirect back: verifies the ID token (signature, issuer, audience, expiry, nonce), maps claims to a user and starts a console session",
			Tag: "auth", Auth: Public(), Query: []string{"code", "state"}, Status: http.StatusFound, Errors: []int{http.StatusNotFound},
			Handle: a.oidcCallback},
	}
}

func (a *API) oidcCallback(r *http.Request) (any, error) {
	if a.oidc == nil {
		return nil, Errorf(http.StatusNotFound, "not-found", "problem.oidc.disabled")
	}
	// A sign-in is audited even though the callback is a GET.
	ctx := r.Context()
	pending := &store.PendingAudit{Event: model.AuditEvent{ActorKind: auth.KindUser, Action: "GET /v1/auth/oidc/callback",
		TargetKind: "sessions", RequestID: requestID(ctx), SourceIP: SourceIP(r), Outcome: OutcomeSuccess, Status: http.StatusFound,
		Via: "oidc:" + a.oidc.Issuer()}}
	r = r.WithContext(store.WithAudit(ctx, pending))
	fail := func(err error) (any, error) {
		pending.Update(func(e *model.AuditEvent) { e.Outcome, e.Status = OutcomeUnauthenticated, http.StatusUnauthorized })
		a.finishAudit(r, pending, http.StatusUnauthorized)
		a.log.InfoContext(ctx, "OpenID sign-in refused", "err", err)
		return nil, Errorf(http.StatusUnauthorized, "unauthorized", "problem.oidc.failed")
	}
	ck, err := r.Cookie(OIDCCookie)
	if err != nil {
		return fail(errors.New("no flow cookie"))
	}
	fs, ok := a.flow.decode(ck.Value)
	if !ok {
		return fail(errors.New("bad flow cookie"))
	}
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return fail(errors.New("provider error: " + e))
	}
	xctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	claims, err := a.oidc.Finish(xctx, fs, q.Get("state"), q.Get("code"), a.auth.Now())
	if err != nil {
		return fail(err)
	}
	pending.Update(func(e *model.AuditEvent) { e.ActorName = claims.Email })
	w := responseWriterOf(r.Context())
	err = a.store.InTx(r.Context(), func(tx *store.Tx) error {
		u, err := a.auth.SignInOIDC(r.Context(), tx, a.oidc, claims)
		if err != nil {
			return err
		}
		secret, csrf, ses, err := a.auth.StartSession(r.Context(), tx, u.ID, SourceIP(r))
		if err != nil {
			return err
		}
		pending.Update(func(e *model.AuditEvent) { e.ActorID, e.ActorName, e.TargetID = u.ID, u.Email, ses.ID })
		if w != nil {
			age := int(a.auth.SessionTTL().Seconds())
			http.SetCookie(w, cookie(r, SessionCookie, secret, true, age))
			http.SetCookie(w, cookie(r, CSRFCookie, csrf, false, age))
			gone := cookie(r, OIDCCookie, "", true, -1)
			gone.Path = "/v1/auth/oidc"
			http.SetCookie(w, gone)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, auth.ErrOIDC) || errors.Is(err, auth.ErrUnauthenticated) {
			return fail(err)
		}
		return nil, err
	}
	return Redirect{URL: fs.ReturnTo}, nil
}
