package placement

import (
	"errors"
	"strings"
	"testing"
)

// TestEnumsRoundTrip: every classification and tier marshals to its name
// and parses back from it in any case; a value outside the names is
// written kind(n) and refused by MarshalText; an unknown name is an
// ErrInvalidRequest and leaves the value as it was.
func TestEnumsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []Classification{Public, Internal, Confidential, Restricted} {
		b, err := c.MarshalText()
		if err != nil || !c.Valid() {
			t.Fatalf("%d: %v", c, err)
		}
		var got Classification
		if err := got.UnmarshalText([]byte(strings.ToUpper(string(b)))); err != nil || got != c {
			t.Errorf("%q: got %v, %v", b, got, err)
		}
	}
	for _, tr := range []Tier{Core, Edge} {
		b, err := tr.MarshalText()
		if err != nil || !tr.Valid() {
			t.Fatalf("%d: %v", tr, err)
		}
		var got Tier
		if err := got.UnmarshalText(b); err != nil || got != tr {
			t.Errorf("%q: got %v, %v", b, got, err)
		}
	}
	if s := Classification(9).String(); s != "classification(9)" {
		t.Errorf("Classification(9) = %q", s)
	}
	if _, err := Tier(7).MarshalText(); err == nil || Tier(7).Valid() || Tier(7).String() != "tier(7)" {
		t.Errorf("Tier(7) marshalled: %v", err)
	}
	c := Confidential
	if err := c.UnmarshalText([]byte("secret")); !errors.Is(err, ErrInvalidRequest) || c != Confidential {
		t.Errorf("unknown classification: %v, now %v", err, c)
	}
	if _, err := ParseTier("fog"); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("unknown tier: %v", err)
	}
}

// TestHealthNames: the health states print and parse by name; an unknown
// one is refused (but is no invalid request: it comes from a probe).
func TestHealthNames(t *testing.T) {
	t.Parallel()
	for _, h := range []Health{Healthy, Degraded, Down} {
		got, err := ParseHealth(strings.ToUpper(h.String()))
		if err != nil || got != h || !h.Valid() {
			t.Errorf("%v: got %v, %v", h, got, err)
		}
	}
	if _, err := ParseHealth("sick"); err == nil || errors.Is(err, ErrInvalidRequest) {
		t.Errorf("unknown health: %v", err)
	}
	if s := Health(5).String(); s != "health(5)" || Health(5).Valid() {
		t.Errorf("Health(5) = %q", s)
	}
}
