package api

import (
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/auth"
)

// FuzzParseBearer: any Authorization header value either yields a token
// of the documented shape or is refused; never a panic.
func FuzzParseBearer(f *testing.F) {
	for _, s := range []string{"Bearer sbr_0123456789abcdefghij", "bearer  sbr_x", "Basic abc", "Bearer sbr_\x00\xff", "", "Bearer " + strings.Repeat("a", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		tok, ok := auth.ParseBearer(h)
		if !ok {
			return
		}
		if !strings.HasPrefix(tok, auth.TokenPrefix) || len(tok) > 200 || len(tok) < len(auth.TokenPrefix)+16 {
			t.Fatalf("accepted %q", tok)
		}
		for _, c := range tok[len(auth.TokenPrefix):] {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
				t.Fatalf("accepted %q", tok)
			}
		}
	})
}

// FuzzSessionCookie: session cookie values are parsed strictly.
func FuzzSessionCookie(f *testing.F) {
	f.Add("sbs_0123456789abcdefghijABCDEFGHIJ")
	f.Add("sbs_")
	f.Add("sbr_0123456789abcdefghij")
	f.Fuzz(func(t *testing.T, v string) {
		s, ok := auth.ParseSecret(v, auth.SessionPrefix)
		if ok && (s != v || !strings.HasPrefix(v, auth.SessionPrefix)) {
			t.Fatalf("accepted %q as %q", v, s)
		}
		if ok != auth.CheckCSRF(auth.CSRFToken(v), auth.HashSecret(auth.CSRFToken(v))) && ok {
			t.Fatal("CSRF token of a valid session does not check")
		}
	})
}

// FuzzFlowCookie: the OpenID flow cookie decodes only what this process
// signed; tampered values are refused without panicking.
func FuzzFlowCookie(f *testing.F) {
	c := newFlowCodec()
	good := c.encode(auth.FlowState{State: "s", Nonce: "n", Verifier: "v", ReturnTo: "/", Expires: 1})
	f.Add(good)
	f.Add(good[:len(good)-2])
	f.Add("e30.")
	f.Fuzz(func(t *testing.T, v string) {
		fs, ok := c.decode(v)
		if ok && c.encode(fs) != v && v != good {
			// A different encoding of the same state must not verify.
			t.Fatalf("accepted a value this process did not sign: %q", v)
		}
	})
}
