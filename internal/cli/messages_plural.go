package cli

import "github.com/soberana/soberana/internal/i18n"

// CLI lines that embed a workload count, with CLDR plural forms
// (i18n.AddPlural): "1 workload is running", not "all 1 workloads are running".
func init() {
	i18n.AddPlural(map[string]i18n.Plural{
		"cli.wait.done": i18n.Choose(0,
			"{%d carga está|las %d cargas están} en %s tras %.2fs",
			"{%d carga está|as %d cargas estão} em %s após %.2fs",
			"{%d workload is|all %d workloads are} %s after %.2fs"),
		"cli.wait.timeout": i18n.Choose(2,
			"se agotó el tiempo de espera (%s): %d de %d {carga|cargas} en %s; faltan %s",
			"tempo de espera esgotado (%s): %d de %d {carga|cargas} em %s; faltam %s",
			"timed out after %s: %d of %d {workload is|workloads are} %s; still waiting for %s"),
		"cli.evacuate.partial": i18n.Choose(0,
			"%d {carga no salió|cargas no salieron} del proveedor",
			"%d {carga não saiu|cargas não saíram} do provedor",
			"%d {workload|workloads} did not leave the provider"),
	})
}
