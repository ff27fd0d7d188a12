package residency_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/residency"
)

// TestHTMLShowsAddresses: the printable report has an addresses column,
// labelled in the reader's language, with each of a replica's addresses
// (escaped) and a translated "none reported" for a replica without any.
func TestHTMLShowsAddresses(t *testing.T) {
	t.Parallel()
	rep := residency.Report{GeneratedAt: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC), Placements: 2, Rows: []residency.Row{
		{Institution: "Ministerio", WorkloadID: "wl_1", Site: "sp-1", Verdict: residency.Compliant,
			Addresses: []string{"10.1.2.3", "203.0.113.7", "<b>x</b>"}},
		{Institution: "Ministerio", WorkloadID: "wl_2", Site: "sp-1", Verdict: residency.Compliant},
	}}
	for _, c := range []struct {
		lang        i18n.Lang
		label, none string
	}{
		{i18n.ES, "<th>Direcciones</th>", "ninguna informada"},
		{i18n.PTBR, "<th>Endereços</th>", "nenhum informado"},
		{i18n.EN, "<th>Addresses</th>", "none reported"},
	} {
		var b bytes.Buffer
		if err := rep.WriteHTML(&b, c.lang); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		for _, want := range []string{c.label, "<td>10.1.2.3<br>203.0.113.7<br>&lt;b&gt;x&lt;/b&gt;</td>", "<td>" + c.none + "</td>"} {
			if !strings.Contains(html, want) {
				t.Errorf("%s: HTML lacks %q:\n%s", c.lang, want, html)
			}
		}
	}
}
