package api

import "github.com/soberana/soberana/internal/i18n"

// API reasons that embed a replica count, with CLDR plural forms
// (i18n.AddPlural).
func init() {
	i18n.AddPlural(map[string]i18n.Plural{
		"field.ssh_replica": i18n.Choose(1,
			"la réplica %d no existe; la carga tiene %d {réplica, numerada|réplicas, numeradas} desde 0",
			"a réplica %d não existe; a carga tem %d {réplica, numerada|réplicas, numeradas} a partir de 0",
			"replica %d does not exist; the workload has %d {replica,|replicas,} numbered from 0"),
	})
}
