package model

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"policy.field.jurisdictions": {
			ES: "una política con soberanía regional necesita al menos una jurisdicción",
			PT: "uma política com soberania regional precisa de pelo menos uma jurisdição",
			EN: "a policy with regional sovereignty needs at least one jurisdiction"},
		"policy.country": {
			ES: "el país %s está fuera de los que permite la política de datos (%s)",
			PT: "o país %s está fora dos permitidos pela política de dados (%s)",
			EN: "country %s is outside those the data policy allows (%s)"},
		"policy.sovereignty": {
			ES: "la soberanía «%s» es más amplia que la «%s» que la política de datos exige para datos %s; pida «%s» u omita la soberanía para heredarla",
			PT: "a soberania «%s» é mais ampla que a «%s» que a política de dados exige para dados %s; peça «%s» ou omita a soberania para herdá-la",
			EN: "sovereignty %q is wider than the %q the data policy requires for %s data; ask for %q or leave sovereignty out to inherit it"},
		"policy.jurisdiction": {
			ES: "la jurisdicción %s está fuera de las que permite la política de datos (%s)",
			PT: "a jurisdição %s está fora das permitidas pela política de dados (%s)",
			EN: "jurisdiction %s is outside those the data policy allows (%s)"},
		"policy.national_outside": {
			ES: "soberanía nacional en %s admitiría proveedores de %[1]s, fuera de las jurisdicciones que permite la política de datos (%s)",
			PT: "soberania nacional em %s admitiria provedores de %[1]s, fora das jurisdições permitidas pela política de dados (%s)",
			EN: "national sovereignty in %s would admit providers of %[1]s, outside the jurisdictions the data policy allows (%s)"},
		"policy.judge.country": {
			ES: "política de datos: el sitio está en %s, fuera de los países permitidos (%s)",
			PT: "política de dados: o site está em %s, fora dos países permitidos (%s)",
			EN: "data policy: the site is in %s, outside the allowed countries (%s)"},
		"policy.judge.national": {
			ES: "política de datos: exposición a jurisdicción extranjera — el proveedor está bajo la ley de %s y el sitio está en %s; la política exige soberanía nacional para datos %s",
			PT: "política de dados: exposição a jurisdição estrangeira — o provedor está sob a lei de %s e o site está em %s; a política exige soberania nacional para dados %s",
			EN: "data policy: foreign-jurisdiction exposure — the provider is under the law of %s and the site is in %s; the policy requires national sovereignty for %s data"},
		"policy.judge.regional": {
			ES: "política de datos: exposición a jurisdicción extranjera — el proveedor está bajo la ley de %s, fuera de %s que la política permite para datos %s",
			PT: "política de dados: exposição a jurisdição estrangeira — o provedor está sob a lei de %s, fora de %s que a política permite para dados %s",
			EN: "data policy: foreign-jurisdiction exposure — the provider is under the law of %s, outside %s that the policy allows for %s data"},
	})
}
