package workload

import "github.com/soberana/soberana/internal/i18n"

// Reasons that embed a replica count, with their CLDR plural forms
// (i18n.AddPlural): "1 replica is running", not "all 1 replicas are running".
// The keys are those stored in existing rows, so old reasons render with the
// right form too.
func init() {
	i18n.AddPlural(map[string]i18n.Plural{
		"workload.reason.created": {Arg: 0,
			ES: i18n.Forms{One: "solicitada %s réplica de %s; previsión mensual %s", Other: "solicitadas %s réplicas de %s; previsión mensual %s"},
			PT: i18n.Forms{One: "solicitada %s réplica de %s; previsão mensal %s", Other: "solicitadas %s réplicas de %s; previsão mensal %s"},
			EN: i18n.Forms{One: "requested %s replica of %s; monthly forecast %s", Other: "requested %s replicas of %s; monthly forecast %s"},
		},
		"workload.reason.running": {Arg: 0,
			ES: i18n.Forms{One: "%s réplica está en ejecución", Other: "las %s réplicas están en ejecución"},
			PT: i18n.Forms{One: "%s réplica está em execução", Other: "as %s réplicas estão em execução"},
			EN: i18n.Forms{One: "%s replica is running", Other: "all %s replicas are running"},
		},
		"workload.reason.provisioning": {Arg: 0,
			ES: i18n.Forms{One: "aprovisionando %s réplica en los proveedores", Other: "aprovisionando %s réplicas en los proveedores"},
			PT: i18n.Forms{One: "provisionando %s réplica nos provedores", Other: "provisionando %s réplicas nos provedores"},
			EN: i18n.Forms{One: "provisioning %s replica at the providers", Other: "provisioning %s replicas at the providers"},
		},
		"workload.reason.reprovisioning": {Arg: 1,
			ES: i18n.Forms{One: "%s de %s réplica en ejecución; aprovisionando el resto", Other: "%s de %s réplicas en ejecución; aprovisionando el resto"},
			PT: i18n.Forms{One: "%s de %s réplica em execução; provisionando o restante", Other: "%s de %s réplicas em execução; provisionando o restante"},
			EN: i18n.Forms{One: "%s of %s replica running; provisioning the rest", Other: "%s of %s replicas running; provisioning the rest"},
		},
	})
}
