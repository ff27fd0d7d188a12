package deploy

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"release.reason.rollback_failed": {
			ES: "falló en el sitio %s: %s; la reversión falló en el sitio %s: %s (estado final: revise qué versión ejecuta ese sitio y despliegue de nuevo)",
			PT: "falhou no site %s: %s; a reversão falhou no site %s: %s (estado final: verifique qual versão esse site executa e implante de novo)",
			EN: "failed on site %s: %s; the rollback failed on site %s: %s (final: check which release that site runs and deploy again)",
		},
	})
}
