package i18n_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
)

func TestCategoryCLDR(t *testing.T) {
	t.Parallel()
	want := map[i18n.Lang][3]string{ // counts 0, 1, 2
		i18n.ES:   {"other", "one", "other"},
		i18n.PTBR: {"one", "one", "other"}, // CLDR pt: i = 0..1 is one
		i18n.EN:   {"other", "one", "other"},
	}
	for l, w := range want {
		for n := 0; n < 3; n++ {
			if got := i18n.Category(l, n); got != w[n] {
				t.Errorf("Category(%s, %d) = %s, want %s", l, n, got, w[n])
			}
		}
	}
}

func TestTPlural(t *testing.T) {
	t.Parallel()
	i18n.AddPlural(map[string]i18n.Plural{"test.plural.replicas": {
		Arg: 1,
		ES:  i18n.Forms{One: "%s: %d réplica", Other: "%s: %d réplicas"},
		PT:  i18n.Forms{One: "%s: %d réplica", Other: "%s: %d réplicas"},
		EN:  i18n.Forms{One: "%s: %d replica", Other: "%s: %d replicas"},
	}})
	want := map[i18n.Lang][3]string{
		i18n.ES:   {"w: 0 réplicas", "w: 1 réplica", "w: 2 réplicas"},
		i18n.PTBR: {"w: 0 réplica", "w: 1 réplica", "w: 2 réplicas"},
		i18n.EN:   {"w: 0 replicas", "w: 1 replica", "w: 2 replicas"},
	}
	for l, w := range want {
		for n := 0; n < 3; n++ {
			if got := i18n.T(l, "test.plural.replicas", "w", n); got != w[n] {
				t.Errorf("T(%s, %d) = %q, want %q", l, n, got, w[n])
			}
		}
	}
	// Counts stored as strings (workload.Msg) select the same forms.
	i18n.AddPlural(map[string]i18n.Plural{"test.plural.str": {
		ES: i18n.Forms{One: "%s sitio", Other: "%s sitios"},
		PT: i18n.Forms{One: "%s site", Other: "%s sites"},
		EN: i18n.Forms{One: "%s site", Other: "%s sites"},
	}})
	if got := i18n.T(i18n.PTBR, "test.plural.str", "0"); got != "0 site" {
		t.Errorf("pt-BR string 0: %q", got)
	}
	if got := i18n.T(i18n.EN, "test.plural.str", "1"); got != "1 site" {
		t.Errorf("en string 1: %q", got)
	}
	if got := i18n.T(i18n.ES, "test.plural.str", "x"); got != "x sitios" {
		t.Errorf("non-number falls back to other: %q", got)
	}
}

// A key is one message: registering it with Add after AddPlural panics,
// as the other way round does.
func TestAddAfterAddPluralPanics(t *testing.T) {
	f := i18n.Forms{One: "one", Other: "other"}
	i18n.AddPlural(map[string]i18n.Plural{"test.plural.taken": {ES: f, PT: f, EN: f}})
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "duplicate message key test.plural.taken") {
			t.Fatalf("recovered %v, want the duplicate key panic", r)
		}
	}()
	i18n.Add(map[string]i18n.Text{"test.plural.taken": {ES: "a", PT: "b", EN: "c"}})
}
