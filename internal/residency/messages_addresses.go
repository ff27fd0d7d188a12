package residency

import "github.com/soberana/soberana/internal/i18n"

// The addresses column of the printable report: an address is data
// location too (where the machine answers), so the HTML view shows what
// the JSON and CSV carry.
func init() {
	i18n.Add(map[string]i18n.Text{
		"residency.html.addresses":    {ES: "Direcciones", PT: "Endereços", EN: "Addresses"},
		"residency.html.no_addresses": {ES: "ninguna informada", PT: "nenhum informado", EN: "none reported"},
	})
}
