package migrate

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"migrate.reason.not_running":    {ES: "solo se migra una carga en ejecución (estado %s)", PT: "só se migra uma carga em execução (estado %s)", EN: "only a running workload can migrate (state %s)"},
		"migrate.reason.new_replica":    {ES: "nueva réplica de la migración en el sitio %s del proveedor %s", PT: "nova réplica da migração no site %s do provedor %s", EN: "new replica of the migration on site %s of provider %s"},
		"migrate.reason.old_replica":    {ES: "la migración terminó: la réplica antigua se elimina", PT: "a migração terminou: a réplica antiga está sendo removida", EN: "the migration finished: the old replica is being deleted"},
		"migrate.reason.new_failed":     {ES: "una réplica nueva falló; se revierte la migración", PT: "uma réplica nova falhou; a migração é revertida", EN: "a new replica failed; the migration is rolled back"},
		"migrate.reason.timeout":        {ES: "las réplicas nuevas no estuvieron listas en %s; se revierte", PT: "as réplicas novas não ficaram prontas em %s; revertendo", EN: "the new replicas were not ready within %s; rolling back"},
		"migrate.reason.interrupted":    {ES: "la carga dejó de migrar (estado %s)", PT: "a carga deixou de migrar (estado %s)", EN: "the workload stopped migrating (state %s)"},
		"migrate.reason.budget":         {ES: "los sitios nuevos aumentan el compromiso presupuestario de la carga: %s", PT: "os sites novos aumentam o empenho orçamentário da carga: %s", EN: "the new sites raise the workload's budget commitment: %s"},
		"migrate.reason.budget_switch":  {ES: "la línea presupuestaria %s ya no admite el compromiso de los sitios nuevos (aumenta %s, faltan %s); se revierte la migración", PT: "a linha orçamentária %s já não comporta o empenho dos sites novos (aumenta %s, faltam %s); a migração é revertida", EN: "budget line %s can no longer take the new sites' commitment (up by %s, short by %s); the migration is rolled back"},
		"migrate.step.create":           {ES: "crear %s réplicas en los sitios de destino, sin detener las actuales", PT: "criar %s réplicas nos sites de destino, sem parar as atuais", EN: "create %s replicas on the target sites, keeping the current ones running"},
		"migrate.step.data_snapshot":    {ES: "mover %s GiB de datos por instantánea (exportar e importar)", PT: "mover %s GiB de dados por snapshot (exportar e importar)", EN: "move %s GiB of data by snapshot (export and import)"},
		"migrate.step.data_application": {ES: "la aplicación debe mover sus datos (%s GiB): los controladores no exportan instantáneas", PT: "a aplicação deve mover seus dados (%s GiB): os drivers não exportam snapshots", EN: "the application must move its data (%s GiB): the drivers cannot export snapshots"},
		"migrate.step.switch":           {ES: "cambiar a las réplicas nuevas cuando todas estén en ejecución", PT: "mudar para as réplicas novas quando todas estiverem em execução", EN: "switch to the new replicas once all of them run"},
		"migrate.step.delete":           {ES: "eliminar las %s réplicas antiguas (si algo falla, se eliminan las nuevas y nada cambia)", PT: "remover as %s réplicas antigas (se algo falhar, removem-se as novas e nada muda)", EN: "delete the %s old replicas (if anything fails, the new ones are deleted and nothing changes)"},

		"workload.reason.migrating": {ES: "migrando %s réplicas (%s)", PT: "migrando %s réplicas (%s)", EN: "migrating %s replicas (%s)"},
		"workload.reason.migrated":  {ES: "migración completa: %s réplicas en ejecución; previsión mensual de %s a %s (%s, unidades menores)", PT: "migração concluída: %s réplicas em execução; previsão mensal de %s para %s (%s, unidades menores)", EN: "migration complete: %s replicas running; monthly forecast from %s to %s (%s, minor units)"},
	})
}
