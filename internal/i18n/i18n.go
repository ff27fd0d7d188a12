// Package i18n holds the message catalogs of soberana in the three languages
// the product speaks (es, pt-BR, en) and picks the caller's language.
//
// Packages keep their messages in an embedded <pkg>/messages.json catalog and
// register it at init with MustLoad (load.go); plurals register with
// AddPlural. Every key must carry a text in all three languages (MustLoad and
// TestCatalogComplete enforce it). Templates use
// fmt verbs; numbers in arguments are formatted per locale by
// golang.org/x/text/message.
package i18n

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Lang is one of the supported languages, as a BCP 47 tag string.
type Lang string

// The supported languages.
const (
	ES   Lang = "es"
	PTBR Lang = "pt-BR"
	EN   Lang = "en"
)

// Default is the language used when the caller expresses no preference we
// support. Spanish is the majority language of the platform's users.
const Default = ES

// All lists the supported languages in catalog order.
var All = []Lang{ES, PTBR, EN}

// Text is one message in the three languages.
type Text struct {
	ES, PT, EN string
}

func (t Text) get(l Lang) string { return pick(l, t.ES, t.PT, t.EN) }

// pick is the one of es, pt and en that is in l (es for any other).
func pick[T any](l Lang, es, pt, en T) T {
	switch l {
	case PTBR:
		return pt
	case EN:
		return en
	default:
		return es
	}
}

var (
	mu      sync.RWMutex
	catalog = map[string]Text{}
	matcher = language.NewMatcher([]language.Tag{
		language.Spanish, language.BrazilianPortuguese, language.English,
	})
)

// Add registers messages. A key registered twice panics: two packages must
// not silently fight over one message.
func Add(msgs map[string]Text) { register(catalog, msgs) }

// register adds msgs to into (catalog or plurals), panicking on a key
// registered already with Add or AddPlural.
func register[M any](into, msgs map[string]M) {
	mu.Lock()
	defer mu.Unlock()
	for k, v := range msgs {
		_, text := catalog[k]
		_, plural := plurals[k]
		if text || plural {
			panic("i18n: duplicate message key " + k)
		}
		into[k] = v
	}
}

// T renders the message key in lang with args. An unknown key renders as the
// key itself so that a missing message is visible, never empty.
func T(l Lang, key string, args ...any) string {
	mu.RLock()
	t, ok := catalog[key]
	pl, isPlural := plurals[key]
	mu.RUnlock()
	if isPlural {
		return Printer(l).Sprintf(pl.pick(l, args), args...)
	}
	if !ok {
		if len(args) == 0 {
			return key
		}
		return key + " " + fmt.Sprint(args...)
	}
	return Printer(l).Sprintf(t.get(l), args...)
}

// printers are one printer per supported language (es, pt-BR, en):
// building one (the locale's number formats) cost about 4 % of a
// GET /v1/workloads/{id}'s allocations when every message built its own.
// A Printer is never changed after NewPrinter (each Sprintf copies it
// into formatting state of its own), so goroutines share them.
var printers = sync.OnceValue(func() [3]*message.Printer {
	return [3]*message.Printer{message.NewPrinter(ES.Tag()), message.NewPrinter(PTBR.Tag()), message.NewPrinter(EN.Tag())}
})

// Printer returns a locale-aware printer (thousands separators etc.),
// shared: callers must not change it.
func Printer(l Lang) *message.Printer {
	ps := printers()
	return pick(l, ps[0], ps[1], ps[2])
}

// Tag returns the language tag of l.
func (l Lang) Tag() language.Tag {
	switch l {
	case PTBR:
		return language.BrazilianPortuguese
	case EN:
		return language.English
	default:
		return language.Spanish
	}
}

// Parse maps any BCP 47 tag or Accept-Language header value to the closest
// supported language; anything unknown yields Default.
func Parse(s string) Lang {
	s = strings.TrimSpace(s)
	if s == "" {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(s)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return All[idx]
}

// Keys returns all registered keys, sorted.
func Keys() []string {
	mu.RLock()
	defer mu.RUnlock()
	keys := make([]string, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	for k := range plurals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Missing returns "key/lang" for every message lacking a translation, or a
// translation whose fmt verbs differ from the English one.
func Missing() []string {
	mu.RLock()
	defer mu.RUnlock()
	var out []string
	for k, t := range catalog {
		ref := verbs(t.EN)
		for _, l := range All {
			s := t.get(l)
			if strings.TrimSpace(s) == "" {
				out = append(out, k+"/"+string(l))
				continue
			}
			if verbs(s) != ref {
				out = append(out, k+"/"+string(l)+" (verbs differ)")
			}
		}
	}
	for k, p := range plurals {
		ref := verbs(p.EN.Other)
		for _, l := range All {
			f := p.get(l)
			for _, form := range []struct{ name, s string }{{"one", f.One}, {"other", f.Other}, {"many", f.Many}} {
				if form.s == "" && form.name == "many" {
					continue // optional: falls back to other
				}
				if strings.TrimSpace(form.s) == "" {
					out = append(out, k+"/"+string(l)+"/"+form.name)
					continue
				}
				if verbs(form.s) != ref {
					out = append(out, k+"/"+string(l)+"/"+form.name+" (verbs differ)")
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// verbs returns the sequence of fmt verbs in s, used to check translations
// take the same arguments.
func verbs(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(s) && strings.ContainsRune("+-# 0123456789.[]", rune(s[j])) {
			j++
		}
		if j < len(s) {
			switch s[j] {
			case '%':
			case 'q', 'v':
				b.WriteByte('s') // %q, %v and %s are interchangeable for strings
			default:
				b.WriteByte(s[j])
			}
			i = j
		}
	}
	return b.String()
}
