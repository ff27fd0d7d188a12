package cli

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"cli.deploy.url":     {ES: "  sitio %s: %s", PT: "  site %s: %s", EN: "  site %s: %s"},
		"cli.deploy.url_sim": {ES: "  sitio %s: %s (simulado)", PT: "  site %s: %s (simulado)", EN: "  site %s: %s (simulated)"},
	})
}
