package cli

import "github.com/soberana/soberana/internal/i18n"

// The messages of `soberana provider` (provider.go).
func init() {
	i18n.Add(map[string]i18n.Text{
		"cli.provider.added":    {ES: "proveedor %s (%s) registrado con %d sitios", PT: "provedor %s (%s) registrado com %d sites", EN: "provider %s (%s) registered with %d sites"},
		"cli.provider.site":     {ES: "  sitio %s = zona %s de %s: %s, %d vCPU, %d MiB, %d GiB (%s)", PT: "  site %s = zona %s de %s: %s, %d vCPU, %d MiB, %d GiB (%s)", EN: "  site %s = zone %s of %s: %s, %d vCPU, %d MiB, %d GiB (%s)"},
		"cli.provider.flavor":   {ES: "  oferta %s → flavor %s (por %s)", PT: "  oferta %s → flavor %s (por %s)", EN: "  offering %s → flavor %s (by %s)"},
		"cli.provider.sealed":   {ES: "  credenciales cifradas con la clave de secretos", PT: "  credenciais cifradas com a chave de segredos", EN: "  credentials sealed with the secrets key"},
		"cli.provider.clear":    {ES: "  AVISO: sin clave de secretos (SOBERANA_SECRETS_KEY_FILE) las credenciales quedan en claro en la base", PT: "  AVISO: sem chave de segredos (SOBERANA_SECRETS_KEY_FILE) as credenciais ficam em claro no banco", EN: "  WARNING: no secrets key (SOBERANA_SECRETS_KEY_FILE): the credentials are stored in clear text"},
		"cli.provider.unmapped": {ES: "  zona sin sitio (no se usa): %s", PT: "  zona sem site (não é usada): %s", EN: "  zone with no site (not used): %s"},
	})
}
