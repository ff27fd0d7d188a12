package model

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxNameLen bounds names (bytes, after NFC normalisation).
const MaxNameLen = 200

// CleanName returns s in Unicode NFC and, when s is not an acceptable
// name, the message key that says why: invalid UTF-8, a control character
// (NUL included), a bidirectional override or isolate (U+202A–U+202E,
// U+2066–U+2069, which make a name read differently than it sorts), or
// nothing visible at all. An empty key means the name is acceptable;
// emptiness and length are the caller's (Validator.Name) to check.
func CleanName(s string) (string, string) {
	// U+FFFD is what a decoder makes of broken bytes or a lone
	// surrogate: a name carrying it was not valid text.
	if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
		return s, "field.utf8"
	}
	s = norm.NFC.String(s)
	visible := false
	for _, r := range s {
		switch {
		case isBidiControl(r):
			return s, "field.bidi"
		case unicode.IsControl(r):
			return s, "field.control"
		case !invisible(r):
			visible = true
		}
	}
	if !visible && s != "" {
		return s, "field.invisible"
	}
	return s, ""
}

// isBidiControl: the embedding/override controls U+202A–U+202E and the
// isolates U+2066–U+2069 (and the marks U+200E, U+200F, U+061C).
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// invisible: white space, format characters (zero-width space and
// joiners, BOM, soft hyphen), default-ignorable code points, variation
// selectors and the Hangul fillers — none of them shows a glyph.
func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.In(r, unicode.Cf, unicode.Zs, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector) ||
		r == 0x3164 || r == 0xFFA0 || r == 0x115F || r == 0x1160 || r == 0x2800
}

// Name normalises *s to NFC and checks it is a usable name: present, at
// most MaxNameLen bytes, valid UTF-8, no control or bidi-override
// characters, something visible.
func (v *Validator) Name(field string, s *string) bool {
	clean, key := CleanName(*s)
	*s = clean
	if key != "" {
		v.Add(field, key)
		return false
	}
	return v.Required(field, clean)
}

// NormalizeCurrency returns an ISO 4217 code in upper case (as stored);
// anything else is returned as is for validation to refuse.
func NormalizeCurrency(c string) string {
	if len(c) == 3 {
		return strings.ToUpper(c)
	}
	return c
}

// Defaults upper-cases the currency before references are checked and
// fills in the data policy (national unless set).
func (i *Institution) Defaults() {
	i.Currency = NormalizeCurrency(i.Currency)
	i.DataPolicy.defaults()
}

// Defaults upper-cases the currency before it is compared with the
// institution's.
func (b *BudgetLine) Defaults() { b.Currency = NormalizeCurrency(b.Currency) }

// Defaults upper-cases the currency.
func (p *Price) Defaults() { p.Currency = NormalizeCurrency(p.Currency) }

// Defaults upper-cases the currencies.
func (f *FXRate) Defaults() { f.From, f.To = NormalizeCurrency(f.From), NormalizeCurrency(f.To) }
