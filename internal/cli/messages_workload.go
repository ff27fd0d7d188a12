package cli

import "github.com/soberana/soberana/internal/i18n"

// The messages of `soberana workload` (workload.go).
func init() {
	i18n.Add(map[string]i18n.Text{
		"cli.workload.progress":  {ES: "%s  %s → %s  %s", PT: "%s  %s → %s  %s", EN: "%s  %s → %s  %s"},
		"cli.workload.note":      {ES: "%s  %s", PT: "%s  %s", EN: "%s  %s"},
		"cli.workload.ended":     {ES: "la carga %s terminó en el estado %s: %s", PT: "a carga %s terminou no estado %s: %s", EN: "workload %s ended in state %s: %s"},
		"cli.workload.simulated": {ES: "(SIMULADA: réplicas en proveedores simulados)", PT: "(SIMULADA: réplicas em provedores simulados)", EN: "(SIMULATED: replicas on simulated providers)"},
	})
}
