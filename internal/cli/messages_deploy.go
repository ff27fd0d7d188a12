package cli

import "github.com/soberana/soberana/internal/i18n"

// The messages of `soberana deploy` (deploy.go).
func init() {
	i18n.Add(map[string]i18n.Text{
		"cli.deploy.queued":   {ES: "versión %s (#%s) de %s: %s", PT: "versão %s (#%s) de %s: %s", EN: "release %s (#%s) of %s: %s"},
		"cli.deploy.step":     {ES: "  sitio %s: %s %s", PT: "  site %s: %s %s", EN: "  site %s: %s %s"},
		"cli.deploy.ended":    {ES: "la versión %s terminó en el estado %s: %s", PT: "a versão %s terminou no estado %s: %s", EN: "release %s ended in state %s: %s"},
		"cli.deploy.no_app":   {ES: "no hay ninguna aplicación «%s» visible con este token", PT: "não há nenhuma aplicação «%s» visível com este token", EN: "no app %q is visible with this token"},
		"cli.deploy.many_app": {ES: "hay varias aplicaciones «%s»; use su id (app_…)", PT: "há várias aplicações «%s»; use o id (app_…)", EN: "several apps are named %q; use its id (app_…)"},
	})
}
