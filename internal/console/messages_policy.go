package console

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"console.request.sovereignty":        {ES: "De qué ley dependen los datos", PT: "A que lei os dados se sujeitam", EN: "Whose law may reach the data"},
		"console.col.sovereignty":            {ES: "Soberanía", PT: "Soberania", EN: "Sovereignty"},
		"console.col.data-policy":            {ES: "Política de datos", PT: "Política de dados", EN: "Data policy"},
		"console.request.sovereignty.policy": {ES: "La de la política de datos", PT: "A da política de dados", EN: "The data policy's"},
		"console.request.sovereignty.help": {
			ES: "Nacional: solo proveedores bajo la ley del país donde está el sitio. Regional: proveedores de las jurisdicciones indicadas. Cualquiera: también proveedores extranjeros. Puede restringir la política de su institución, nunca ampliarla.",
			PT: "Nacional: só provedores sob a lei do país onde está o site. Regional: provedores das jurisdições indicadas. Qualquer: também provedores estrangeiros. Pode restringir a política da sua instituição, nunca ampliá-la.",
			EN: "National: only providers under the law of the site's country. Regional: providers of the jurisdictions given. Any: foreign providers too. You may narrow your institution's policy, never widen it."},
		"console.request.jurisdictions": {ES: "Jurisdicciones (soberanía regional)", PT: "Jurisdições (soberania regional)", EN: "Jurisdictions (regional sovereignty)"},
		"console.request.jurisdictions.help": {
			ES: "Códigos ISO 3166-1 separados por comas, p. ej. BR, AR, UY", PT: "Códigos ISO 3166-1 separados por vírgulas, ex.: BR, AR, UY", EN: "ISO 3166-1 codes separated by commas, e.g. BR, AR, UY"},
		"console.request.policy":           {ES: "Política de datos de %s:", PT: "Política de dados de %s:", EN: "Data policy of %s:"},
		"console.request.policy.default":   {ES: "por defecto, soberanía %s", PT: "por padrão, soberania %s", EN: "by default, %s sovereignty"},
		"console.request.policy.countries": {ES: "países: %s", PT: "países: %s", EN: "countries: %s"},
		"console.request.policy.help": {
			ES: "Lo mínimo que cada clasificación exige. Una solicitud más amplia que la política se rechaza.",
			PT: "O mínimo que cada classificação exige. Uma requisição mais ampla que a política é recusada.",
			EN: "The least each classification requires. A request wider than the policy is refused."},
		"console.sovereignty.national": {ES: "nacional", PT: "nacional", EN: "national"},
		"console.sovereignty.regional": {ES: "regional", PT: "regional", EN: "regional"},
		"console.sovereignty.any":      {ES: "cualquiera (incluso extranjera)", PT: "qualquer (inclusive estrangeira)", EN: "any (foreign too)"},
	})
}
