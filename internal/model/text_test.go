package model_test

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/soberana/soberana/internal/model"
)

func TestCleanName(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, out, why string
	}{
		{"Secretaría de Salud", "Secretaría de Salud", ""},
		{"Sa\u0303o Paulo", "S\u00e3o Paulo", ""},
		{"保健局", "保健局", ""},
		{"a\x00b", "", "field.control"},
		{"a\tb", "", "field.control"},
		{"a\u0085b", "", "field.control"},
		{"x\u202Eexe.txt", "", "field.bidi"},
		{"\u2067x", "", "field.bidi"},
		{"\u200B\u200D\uFEFF", "", "field.invisible"},
		{"\u3164\u3164", "", "field.invisible"},
		{"\u00a0\u2003", "", "field.invisible"},
		{"bad \xff byte", "", "field.utf8"},
		{"sub\uFFFDstitute", "", "field.utf8"},
		{"", "", ""},
	}
	for _, c := range cases {
		out, why := model.CleanName(c.in)
		if why != c.why || (why == "" && out != c.out) {
			t.Errorf("CleanName(%q) = %q, %q; want %q, %q", c.in, out, why, c.out, c.why)
		}
	}
}

// FuzzCleanName: an accepted name is NFC, valid, free of control and
// bidi characters and shows something; cleaning is idempotent.
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"Ministerio", "a\u202Eb", "\u200B", "Sa\u0303o", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, why := model.CleanName(s)
		if why != "" || out == "" {
			return
		}
		if !norm.NFC.IsNormalString(out) {
			t.Fatalf("%q is not NFC", out)
		}
		if strings.IndexFunc(out, func(r rune) bool {
			return unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
		}) >= 0 {
			t.Fatalf("%q kept a control or bidi character", out)
		}
		if again, why := model.CleanName(out); again != out || why != "" {
			t.Fatalf("not idempotent: %q → %q (%s)", out, again, why)
		}
	})
}
