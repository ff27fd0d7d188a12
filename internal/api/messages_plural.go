package api

import "github.com/soberana/soberana/internal/i18n"

// API reasons that embed a replica count, with CLDR plural forms
// (i18n.AddPlural).
func init() {
	i18n.AddPlural(map[string]i18n.Plural{
		"field.ssh_replica": {Arg: 1,
			ES: i18n.Forms{One: "la réplica %d no existe; la carga tiene %d réplica, numerada desde 0", Other: "la réplica %d no existe; la carga tiene %d réplicas, numeradas desde 0"},
			PT: i18n.Forms{One: "a réplica %d não existe; a carga tem %d réplica, numerada a partir de 0", Other: "a réplica %d não existe; a carga tem %d réplicas, numeradas a partir de 0"},
			EN: i18n.Forms{One: "replica %d does not exist; the workload has %d replica, numbered from 0", Other: "replica %d does not exist; the workload has %d replicas, numbered from 0"},
		},
	})
}
