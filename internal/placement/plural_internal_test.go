package placement

import (
	"testing"

	"github.com/soberana/soberana/internal/i18n"
)

func TestPluralCLDR(t *testing.T) {
	t.Parallel()
	cases := []struct {
		lang i18n.Lang
		n    int
		want string
	}{
		{i18n.EN, 0, "only 0 sites left, 2 replicas required"},
		{i18n.EN, 1, "only 1 site left, 2 replicas required"},
		{i18n.ES, 0, "solo quedan 0 sitios, se requieren 2 réplicas"},
		{i18n.PTBR, 0, "resta só 0 site, 2 réplicas exigidas"}, // CLDR pt: 0 is "one"
		{i18n.PTBR, 2, "restam só 2 sites, 2 réplicas exigidas"},
	}
	for _, c := range cases {
		if got := plural(c.lang, "placement.set.too_few_sites", c.n, c.n, 2); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}
