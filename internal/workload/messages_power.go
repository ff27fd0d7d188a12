package workload

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"replica.reason.power": {
			ES: "réplica %s: %s → %s",
			PT: "réplica %s: %s → %s",
			EN: "replica %s: %s → %s"},
		"replica.reason.power_because": {
			ES: "réplica %s: %s → %s (%s)",
			PT: "réplica %s: %s → %s (%s)",
			EN: "replica %s: %s → %s (%s)"},
		"replica.reason.power_failed": {
			ES: "el proveedor no pudo hacer «%s»: %s",
			PT: "o provedor não conseguiu fazer «%s»: %s",
			EN: "the provider could not %s it: %s"},
		"replica.reason.resized": {
			ES: "redimensionada a la oferta %s",
			PT: "redimensionada para a oferta %s",
			EN: "resized to offering %s"},
		"replica.reason.resize_failed": {
			ES: "réplica %s: el proveedor no pudo redimensionarla (%s); la resincronización lo reintenta",
			PT: "réplica %s: o provedor não conseguiu redimensioná-la (%s); a ressincronização tenta de novo",
			EN: "replica %s: the provider could not resize it (%s); the resync retries"},
		"workload.reason.resized": {
			ES: "redimensionada de %s a %s: previsión mensual %s → %s, compromiso presupuestario movido",
			PT: "redimensionada de %s para %s: previsão mensal %s → %s, compromisso orçamentário movido",
			EN: "resized from %s to %s: monthly forecast %s → %s, budget commitment moved"},
		"workload.field.replica": {
			ES: "la réplica %s no está en ejecución en esta carga de trabajo",
			PT: "a réplica %s não está em execução nesta carga de trabalho",
			EN: "replica %s is not running in this workload"},
		"workload.field.same_offering": {
			ES: "la carga de trabajo ya usa la oferta %s: elija otra",
			PT: "a carga de trabalho já usa a oferta %s: escolha outra",
			EN: "the workload already uses offering %s: choose another"},
		"workload.field.resize_ceiling": {
			ES: "con la oferta %s la previsión mensual sería %s, por encima del techo de costo %s de la carga de trabajo",
			PT: "com a oferta %s a previsão mensal seria %s, acima do teto de custo %s da carga de trabalho",
			EN: "with offering %s the monthly forecast would be %s, above the workload's cost ceiling of %s"},
	})
}
