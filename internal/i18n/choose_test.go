package i18n

import "testing"

func TestChooseForms(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Forms
	}{
		{"no group %d", Forms{One: "no group %d", Other: "no group %d"}},
		{"{%d carga está|las %d cargas están} en %s", Forms{One: "%d carga está en %s", Other: "las %d cargas están en %s"}},
		{"%d {réplica|réplicas} de %s, {numerada|numeradas}", Forms{One: "%d réplica de %s, numerada", Other: "%d réplicas de %s, numeradas"}},
		{"%d {millón|millones|millones} de", Forms{One: "%d millón de", Many: "%d millones de", Other: "%d millones de"}},
	} {
		if got := chooseForms(c.in); got != c.want {
			t.Errorf("chooseForms(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"a {b", "a } b", "a {b} c", "{a|b|c|d}", "x}{a|b}"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("chooseForms(%q) did not panic", bad)
				}
			}()
			chooseForms(bad)
		}()
	}
}
