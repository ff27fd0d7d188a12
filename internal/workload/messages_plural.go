package workload

import "github.com/soberana/soberana/internal/i18n"

// Reasons that embed a replica count, with their CLDR plural forms
// (i18n.AddPlural): "1 replica is running", not "all 1 replicas are running".
// The keys are those stored in existing rows, so old reasons render with the
// right form too.
func init() {
	i18n.AddPlural(map[string]i18n.Plural{
		"workload.reason.created": i18n.Choose(0,
			"{solicitada %s réplica|solicitadas %s réplicas} de %s; previsión mensual %s",
			"{solicitada %s réplica|solicitadas %s réplicas} de %s; previsão mensal %s",
			"requested %s {replica|replicas} of %s; monthly forecast %s"),
		"workload.reason.running": i18n.Choose(0,
			"{%s réplica está|las %s réplicas están} en ejecución",
			"{%s réplica está|as %s réplicas estão} em execução",
			"{%s replica is|all %s replicas are} running"),
		"workload.reason.provisioning": i18n.Choose(0,
			"aprovisionando %s {réplica|réplicas} en los proveedores",
			"provisionando %s {réplica|réplicas} nos provedores",
			"provisioning %s {replica|replicas} at the providers"),
		"workload.reason.reprovisioning": i18n.Choose(1,
			"%s de %s {réplica|réplicas} en ejecución; aprovisionando el resto",
			"%s de %s {réplica|réplicas} em execução; provisionando o restante",
			"%s of %s {replica|replicas} running; provisioning the rest"),
	})
}
