package i18n_test

import (
	"testing"

	"github.com/soberana/soberana/internal/i18n"
)

func TestParse(t *testing.T) {
	t.Parallel()
	cases := map[string]i18n.Lang{
		"":                   i18n.ES,
		"pt-BR,pt;q=0.9":     i18n.PTBR,
		"pt":                 i18n.PTBR,
		"en-US,en;q=0.8":     i18n.EN,
		"es-MX":              i18n.ES,
		"fr-FR":              i18n.ES,
		"de;q=0.9, en;q=0.5": i18n.EN,
		"garbage;;;":         i18n.ES,
	}
	for in, want := range cases {
		if got := i18n.Parse(in); got != want {
			t.Errorf("Parse(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestTLocalizesNumbers(t *testing.T) {
	t.Parallel()
	i18n.Add(map[string]i18n.Text{"test.count": {
		ES: "%d sitios", PT: "%d sites", EN: "%d sites",
	}})
	if got := i18n.T(i18n.ES, "test.count", 10000); got != "10.000 sitios" {
		t.Errorf("es: %q", got)
	}
	if got := i18n.T(i18n.EN, "test.count", 10000); got != "10,000 sites" {
		t.Errorf("en: %q", got)
	}
	if got := i18n.T(i18n.EN, "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key: %q", got)
	}
}
