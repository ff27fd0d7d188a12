package workload

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"replica.reason.power_recovered": {
			ES: "la acción «%s» quedó interrumpida en %s (el proceso se detuvo); el reconciliador la terminó: %s",
			PT: "a ação «%s» ficou interrompida em %s (o processo parou); o reconciliador a concluiu: %s",
			EN: "the %s action was interrupted in %s (the process stopped); the reconciler finished it: %s"},
		"replica.reason.power_recovered_back": {
			ES: "la acción «%s» quedó interrumpida en %s (el proceso se detuvo); el proveedor la mantiene en %s",
			PT: "a ação «%s» ficou interrompida em %s (o processo parou); o provedor a mantém em %s",
			EN: "the %s action was interrupted in %s (the process stopped); the provider holds it %s"},
		"replica.reason.power_recovered_failed": {
			ES: "la acción «%s» quedó interrumpida en %s (el proceso se detuvo); el proveedor no pudo terminarla y la mantiene en %s: %s",
			PT: "a ação «%s» ficou interrompida em %s (o processo parou); o provedor não conseguiu concluí-la e a mantém em %s: %s",
			EN: "the %s action was interrupted in %s (the process stopped); the provider could not finish it and holds it %s: %s"},
	})
}
