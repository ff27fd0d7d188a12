package cli

import "github.com/soberana/soberana/internal/i18n"

// CLI lines that embed a workload count, with CLDR plural forms
// (i18n.AddPlural): "1 workload is running", not "all 1 workloads are running".
func init() {
	i18n.AddPlural(map[string]i18n.Plural{
		"cli.wait.done": {Arg: 0,
			ES: i18n.Forms{One: "%d carga está en %s tras %.2fs", Other: "las %d cargas están en %s tras %.2fs"},
			PT: i18n.Forms{One: "%d carga está em %s após %.2fs", Other: "as %d cargas estão em %s após %.2fs"},
			EN: i18n.Forms{One: "%d workload is %s after %.2fs", Other: "all %d workloads are %s after %.2fs"},
		},
		"cli.wait.timeout": {Arg: 2,
			ES: i18n.Forms{One: "se agotó el tiempo de espera (%s): %d de %d carga en %s; faltan %s", Other: "se agotó el tiempo de espera (%s): %d de %d cargas en %s; faltan %s"},
			PT: i18n.Forms{One: "tempo de espera esgotado (%s): %d de %d carga em %s; faltam %s", Other: "tempo de espera esgotado (%s): %d de %d cargas em %s; faltam %s"},
			EN: i18n.Forms{One: "timed out after %s: %d of %d workload is %s; still waiting for %s", Other: "timed out after %s: %d of %d workloads are %s; still waiting for %s"},
		},
		"cli.evacuate.partial": {Arg: 0,
			ES: i18n.Forms{One: "%d carga no salió del proveedor", Other: "%d cargas no salieron del proveedor"},
			PT: i18n.Forms{One: "%d carga não saiu do provedor", Other: "%d cargas não saíram do provedor"},
			EN: i18n.Forms{One: "%d workload did not leave the provider", Other: "%d workloads did not leave the provider"},
		},
	})
}
