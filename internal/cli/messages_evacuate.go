package cli

import "github.com/soberana/soberana/internal/i18n"

// The messages of `soberana provider evacuate` (evacuate.go).
func init() {
	i18n.Add(map[string]i18n.Text{
		"cli.evacuate.mode":     {ES: "indique --plan o --execute", PT: "informe --plan ou --execute", EN: "pass --plan or --execute"},
		"cli.evacuate.summary":  {ES: "proveedor %s: %d cargas, %d con destino, %d sin destino; %d GiB de datos a mover (%d cargas mueven sus datos por la aplicación)", PT: "provedor %s: %d cargas, %d com destino, %d sem destino; %d GiB de dados a mover (%d cargas movem seus dados pela aplicação)", EN: "provider %s: %d workloads, %d with a target, %d without; %d GiB of data to move (%d workloads move their data by application)"},
		"cli.evacuate.delta":    {ES: "cambio de costo mensual: %s %s", PT: "mudança de custo mensal: %s %s", EN: "monthly cost change: %s %s"},
		"cli.evacuate.started":  {ES: "evacuación %s iniciada: %d cargas, %d a la vez", PT: "evacuação %s iniciada: %d cargas, %d por vez", EN: "evacuation %s started: %d workloads, %d at a time"},
		"cli.evacuate.progress": {ES: "%s  en cola %d  migrando %d  hechas %d  revertidas %d  omitidas %d  (%d/%d)", PT: "%s  na fila %d  migrando %d  feitas %d  revertidas %d  puladas %d  (%d/%d)", EN: "%s  queued %d  migrating %d  done %d  rolled back %d  skipped %d  (%d/%d)"},
		"cli.evacuate.done":     {ES: "evacuación %s terminada: %d movidas, %d revertidas, %d omitidas", PT: "evacuação %s terminada: %d movidas, %d revertidas, %d puladas", EN: "evacuation %s finished: %d moved, %d rolled back, %d skipped"},
	})
}
