package cli

import "github.com/soberana/soberana/internal/i18n"

// The messages of `soberana workload migrate` (migrate.go).
func init() {
	i18n.Add(map[string]i18n.Text{
		"cli.migrate.plan":       {ES: "plan de migración de %s: %d réplicas, %s GiB de datos", PT: "plano de migração de %s: %d réplicas, %s GiB de dados", EN: "migration plan for %s: %d replicas, %s GiB of data"},
		"cli.migrate.cost":       {ES: "costo mensual: %s → %s (%s %s)", PT: "custo mensal: %s → %s (%s %s)", EN: "monthly cost: %s → %s (%s %s)"},
		"cli.migrate.commitment": {ES: "compromiso presupuestario al cambiar: %s %s", PT: "empenho orçamentário na troca: %s %s", EN: "budget commitment at the switch: %s %s"},
		"cli.migrate.step":       {ES: "  %d. %s", PT: "  %d. %s", EN: "  %d. %s"},
		"cli.migrate.infeasible": {ES: "no se puede migrar %s: %s", PT: "não é possível migrar %s: %s", EN: "cannot migrate %s: %s"},
		"cli.migrate.confirm":    {ES: "¿Migrar? [s/N] ", PT: "Migrar? [s/N] ", EN: "Migrate? [y/N] "},
		"cli.migrate.aborted":    {ES: "migración cancelada", PT: "migração cancelada", EN: "migration cancelled"},
		"cli.migrate.started":    {ES: "migración %s iniciada (%s)", PT: "migração %s iniciada (%s)", EN: "migration %s started (%s)"},
		"cli.migrate.progress":   {ES: "%s  réplicas nuevas en ejecución: %d/%d  (carga: %s)", PT: "%s  réplicas novas em execução: %d/%d  (carga: %s)", EN: "%s  new replicas running: %d/%d  (workload: %s)"},
		"cli.migrate.done":       {ES: "migración %s completa: %s", PT: "migração %s concluída: %s", EN: "migration %s done: %s"},
		"cli.migrate.rolledback": {ES: "migración %s revertida: %s", PT: "migração %s revertida: %s", EN: "migration %s rolled back: %s"},
		"cli.migrate.target":     {ES: "indique --to-provider o --exclude-provider", PT: "informe --to-provider ou --exclude-provider", EN: "name --to-provider or --exclude-provider"},
	})
}
