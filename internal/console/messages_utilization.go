package console

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"console.workload.utilization":      {ES: "Uso", PT: "Uso", EN: "Utilization"},
		"console.workload.utilization.help": {ES: "CPU y memoria en uso por réplica, según su proveedor, en las últimas 6 horas.", PT: "CPU e memória em uso por réplica, segundo o provedor, nas últimas 6 horas.", EN: "CPU and memory in use per replica, as its provider reports it, over the last 6 hours."},
		"console.col.cpu":                   {ES: "CPU", PT: "CPU", EN: "CPU"},
		"console.col.memory":                {ES: "Memoria", PT: "Memória", EN: "Memory"},
		"console.workload.cpu.label":        {ES: "uso de CPU en las últimas 6 horas", PT: "uso de CPU nas últimas 6 horas", EN: "CPU use over the last 6 hours"},
		"console.workload.memory.label":     {ES: "uso de memoria en las últimas 6 horas", PT: "uso de memória nas últimas 6 horas", EN: "memory use over the last 6 hours"},
	})
}
