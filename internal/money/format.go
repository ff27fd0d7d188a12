package money

import (
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/soberana/soberana/internal/i18n"
)

// Formatting works on the integer minor units with string operations, never
// through a float: the currency symbol comes from x/text (CLDR), the
// separators and the symbol's place from the table below, which follows CLDR
// for the locales of the platform's users. CLDR's no-break spaces are
// written as ASCII spaces, so text survives CSV, e-mail and PDF tooling.

// style is how one locale writes money.
type style struct {
	group, decimal string
	spaced         bool // "¤ 1.234,56" rather than "¤1.234,56"
	suffix         bool // "1.234,56 ¤"
	signInside     bool // "¤-1.234" rather than "-¤1.234"
	groupFrom      int  // fewest integer digits that get grouped; 0 means 4
}

var (
	styleEN   = style{group: ",", decimal: "."}
	style419  = style{group: ",", decimal: "."}
	stylePTBR = style{group: ".", decimal: ",", spaced: true}
	stylePTPT = style{group: " ", decimal: ",", suffix: true, groupFrom: 5}
)

// stylesES holds Spanish by region (CLDR es-XX); regions not listed write
// like Latin American Spanish (es-419).
var stylesES = map[string]style{
	"419": style419,
	"AR":  {group: ".", decimal: ",", spaced: true},
	"BO":  {group: ".", decimal: ","},
	"CL":  {group: ".", decimal: ",", signInside: true},
	"CO":  {group: ".", decimal: ",", spaced: true},
	"CR":  {group: " ", decimal: ","},
	"EC":  {group: ".", decimal: ",", signInside: true},
	"ES":  {group: ".", decimal: ",", suffix: true, groupFrom: 5},
	"PE":  {group: ",", decimal: ".", spaced: true},
	"PY":  {group: ".", decimal: ",", spaced: true, signInside: true},
	"UY":  {group: ".", decimal: ",", spaced: true, signInside: true},
	"VE":  {group: ".", decimal: ",", signInside: true},
}

// homeES is the Spanish-speaking country of a currency. Spanish without a
// region ("es", the i18n.ES language) formats a currency the way its home
// country does, so CLP reads "$1.235" as in Chile; other currencies use
// es-419. USD has no single home among Spanish speakers.
var homeES = map[string]string{
	"ARS": "AR", "BOB": "BO", "CLP": "CL", "COP": "CO", "CRC": "CR",
	"CUP": "CU", "DOP": "DO", "EUR": "ES", "GTQ": "GT", "HNL": "HN",
	"MXN": "MX", "NIO": "NI", "PAB": "PA", "PEN": "PE", "PYG": "PY",
	"UYU": "UY", "VES": "VE",
}

// ambiguousSymbols are signs shared by several currencies; FormatWithCode
// appends the ISO code after them.
var ambiguousSymbols = map[string]bool{"$": true, "¥": true, "£": true, "kr": true, "Rs": true}

// Format writes a for people in one of the product languages: pt-BR
// "R$ 1.234,56"; en "$1,234.56" (USD), "R$1,234.56", "CLP 1,235"; es
// follows the currency's home country ("$1.235" CLP, "$1,234.56" MXN,
// "$ 1.234,56" COP) and es-419 otherwise.
func Format(a Amount, lang i18n.Lang) string {
	return FormatLocale(a, lang.Tag())
}

// FormatLocale writes a for the locale of tag, typically the institution's
// country: es-CL "$1.235", es-MX "$1,234.56", es-CO and es-AR "$ 1.234,56",
// pt-BR "R$ 1.234,56", en "$1,234.56". Languages other than es, pt and en
// fall back the way i18n.Parse picks the message language.
func FormatLocale(a Amount, tag language.Tag) string {
	s, _ := format(a, tag)
	return s
}

// FormatWithCode is FormatLocale followed by the ISO code when the symbol
// alone is ambiguous ("$", "¥", "£", "kr"): es-MX "$1,234.56 MXN", but
// pt-BR "R$ 1.234,56" and en "CLP 1,235" unchanged.
func FormatWithCode(a Amount, tag language.Tag) string {
	s, sym := format(a, tag)
	if ambiguousSymbols[sym] {
		s += " " + a.Currency.code
	}
	return s
}

func format(a Amount, tag language.Tag) (string, string) {
	st, symTag := resolve(tag, a.Currency)
	sym := symbol(symTag, a.Currency)
	num := formatNumber(absU64(a.Minor), a.Currency.Digits(), st)
	neg := a.Minor < 0

	b := make([]byte, 0, len(num)+len(sym)+4)
	if st.suffix {
		if neg {
			b = append(b, '-')
		}
		b = append(b, num...)
		if sym != "" {
			b = append(b, ' ')
			b = append(b, sym...)
		}
		return string(b), sym
	}
	if neg && !st.signInside {
		b = append(b, '-')
	}
	b = append(b, sym...)
	if sym != "" && (st.spaced || endsInLetter(sym)) {
		// CLDR currency spacing: "CLP 1,235", never "CLP1,235".
		b = append(b, ' ')
	}
	if neg && st.signInside {
		b = append(b, '-')
	}
	b = append(b, num...)
	return string(b), sym
}

// resolve picks the writing style for tag and the tag to look symbols up in.
func resolve(tag language.Tag, cur Currency) (style, language.Tag) {
	base, _ := tag.Base()
	region, conf := tag.Region()
	explicit := conf == language.Exact
	switch base.String() {
	case "es":
		code := "419"
		if explicit {
			code = region.String()
		} else if home, ok := homeES[cur.code]; ok {
			code = home
		}
		st, ok := stylesES[code]
		if !ok {
			st = style419
		}
		if r, err := language.ParseRegion(code); err == nil {
			if t, err := language.Compose(base, r); err == nil {
				return st, t
			}
		}
		return st, tag
	case "pt":
		if explicit && region.String() != "BR" {
			return stylePTPT, tag
		}
		return stylePTBR, language.BrazilianPortuguese
	case "en":
		return styleEN, tag
	}
	// i18n.Parse yields es, pt-BR or en, so this recurses once.
	return resolve(i18n.Parse(tag.String()).Tag(), cur)
}

// formatNumber writes n minor units with digits decimals and st's
// separators.
func formatNumber(n uint64, digits int, st style) string {
	var buf [24]byte
	s := strconv.AppendUint(buf[:0], n, 10)
	for len(s) <= digits {
		s = append([]byte{'0'}, s...)
	}
	ip, fp := s[:len(s)-digits], s[len(s)-digits:]
	from := st.groupFrom
	if from == 0 {
		from = 4
	}
	out := make([]byte, 0, len(s)+len(s)/3*len(st.group)+len(st.decimal))
	if len(ip) < from {
		out = append(out, ip...)
	} else {
		lead := len(ip) % 3
		if lead == 0 {
			lead = 3
		}
		out = append(out, ip[:lead]...)
		for i := lead; i < len(ip); i += 3 {
			out = append(out, st.group...)
			out = append(out, ip[i:i+3]...)
		}
	}
	if digits > 0 {
		out = append(out, st.decimal...)
		out = append(out, fp...)
	}
	return string(out)
}

func endsInLetter(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsLetter(r)
}

type symbolKey struct {
	tag  string
	code string
}

var symbols sync.Map // symbolKey → string

// symbol returns the CLDR symbol of cur in the locale tag ("R$", "$",
// "US$"), or the ISO code where CLDR has none.
func symbol(tag language.Tag, cur Currency) string {
	if cur.IsZero() {
		return ""
	}
	if cur.unit == (currency.Unit{}) {
		return cur.code // newer than the CLDR tables
	}
	k := symbolKey{tag.String(), cur.code}
	if s, ok := symbols.Load(k); ok {
		return s.(string)
	}
	s := message.NewPrinter(tag).Sprint(currency.Symbol(cur.unit))
	symbols.Store(k, s)
	return s
}
