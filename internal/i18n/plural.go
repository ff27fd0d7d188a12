package i18n

import (
	"reflect"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
)

// Plural support uses the CLDR cardinal rules shipped in
// golang.org/x/text/feature/plural (already in the module graph through
// golang.org/x/text/message) rather than a hand-written "n == 1" test: the
// rules differ between our languages — pt-BR puts 0 in "one" ("0 réplica"),
// es and en only 1 — and CLDR also defines "many" for es (1 millón de…).

// Forms is the wording of a plural message in one language, one text per
// CLDR cardinal category. Many is optional and falls back to Other; one and
// other are the only categories es, pt-BR and en use for whole numbers
// below a million.
type Forms struct {
	One, Many, Other string
}

// Plural is a message whose wording depends on a count. Arg is the index,
// among the arguments given to T, of the count that selects the form; the
// count may be any integer type or a decimal string (workload.Msg stores
// arguments as strings).
type Plural struct {
	Arg        int
	ES, PT, EN Forms
}

func (p Plural) get(l Lang) Forms { return pick(l, p.ES, p.PT, p.EN) }

var plurals = map[string]Plural{}

// AddPlural registers plural messages. They render through T like any other
// key; a key may not be registered both with Add and AddPlural.
func AddPlural(msgs map[string]Plural) { register(plurals, msgs) }

// Category returns the CLDR cardinal plural category of the whole number n
// in l: "one", "many" or "other" for the languages we speak.
func Category(l Lang, n int) string {
	if n < 0 {
		n = -n
	}
	switch plural.Cardinal.MatchPlural(l.Tag(), n, 0, 0, 0, 0) {
	case plural.One:
		return "one"
	case plural.Many:
		return "many"
	case plural.Zero:
		return "zero"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	default:
		return "other"
	}
}

// pick returns the template of p in l for args; a count that is missing or
// not a whole number selects Other.
func (p Plural) pick(l Lang, args []any) string {
	f := p.get(l)
	if p.Arg < 0 || p.Arg >= len(args) {
		return f.Other
	}
	n, ok := count(args[p.Arg])
	if !ok {
		return f.Other
	}
	switch Category(l, n) {
	case "one":
		if f.One != "" {
			return f.One
		}
	case "many":
		if f.Many != "" {
			return f.Many
		}
	}
	return f.Other
}

func count(a any) (int, bool) {
	if v, ok := a.(string); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		return n, err == nil
	}
	switch rv := reflect.ValueOf(a); rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return int(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int(rv.Uint()), true
	}
	return 0, false
}
