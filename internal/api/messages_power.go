package api

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"problem.unsupported": {
			ES: "Operación no soportada por el proveedor",
			PT: "Operação não suportada pelo provedor",
			EN: "Operation not supported by the provider"},
		"problem.provider-failed": {
			ES: "El proveedor falló",
			PT: "O provedor falhou",
			EN: "The provider failed"},
		"problem.unsupported.power": {
			ES: "el proveedor %s no puede hacer «%s» en una réplica; elija otra acción o mueva la carga de trabajo a un proveedor que pueda",
			PT: "o provedor %s não pode fazer «%s» numa réplica; escolha outra ação ou mova a carga de trabalho para um provedor que possa",
			EN: "provider %s cannot %s a replica; choose another action or migrate the workload to a provider that can"},
		"problem.provider-failed.power": {
			ES: "el proveedor no pudo hacer «%s» en la réplica %d: %s; el estado anterior se mantiene, vuelva a intentarlo",
			PT: "o provedor não conseguiu fazer «%s» na réplica %d: %s; o estado anterior se mantém, tente de novo",
			EN: "the provider could not %s replica %d: %s; the previous state stays, try again"},
	})
}
