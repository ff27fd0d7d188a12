package placement

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"placement.nofit": {
			ES: "%d de %d sitios cumplen",
			PT: "%d de %d sites atendem",
			EN: "%d of %d sites fit",
		},

		// Per-site constraints: a count of sites, then details.
		"placement.reason.excluded": {
			ES: "%d excluidos por la solicitud",
			PT: "%d excluídos pela solicitação",
			EN: "%d excluded by the request",
		},
		"placement.reason.residency": {
			ES: "%d fuera de la residencia %s",
			PT: "%d fora da residência %s",
			EN: "%d outside residency %s",
		},
		"placement.reason.substrate.simulated": {
			ES: "%d de proveedores simulados (la solicitud no admite sitios simulados: allow_simulated)",
			PT: "%d de provedores simulados (a solicitação não admite sites simulados: allow_simulated)",
			EN: "%d on simulated providers (the request does not allow simulated sites: allow_simulated)",
		},
		"placement.reason.substrate.real": {
			ES: "%d de proveedores reales (las réplicas de esta carga de trabajo son simuladas)",
			PT: "%d de provedores reais (as réplicas desta carga de trabalho são simuladas)",
			EN: "%d on real providers (this workload's replicas are simulated)",
		},
		"placement.reason.sovereignty.national": {
			ES: "%d con proveedor de jurisdicción no nacional",
			PT: "%d com provedor de jurisdição não nacional",
			EN: "%d provider jurisdiction not national",
		},
		"placement.reason.sovereignty.regional": {
			ES: "%d con proveedor de jurisdicción fuera de %s",
			PT: "%d com provedor de jurisdição fora de %s",
			EN: "%d provider jurisdiction outside %s",
		},
		"placement.reason.provider_certification": {
			ES: "%d proveedor no certificado para %s",
			PT: "%d provedor não certificado para %s",
			EN: "%d provider not certified for %s",
		},
		"placement.reason.site_certification": {
			ES: "%d sitio no certificado para %s",
			PT: "%d site não certificado para %s",
			EN: "%d site not certified for %s",
		},
		"placement.reason.tier": {
			ES: "%d fuera del nivel %s",
			PT: "%d fora da camada %s",
			EN: "%d not in the %s tier",
		},
		"placement.reason.unhealthy": {
			ES: "%d fuera de servicio",
			PT: "%d fora de serviço",
			EN: "%d unhealthy",
		},
		"placement.reason.too_far": {
			ES: "%d a más de %.0f km del punto",
			PT: "%d a mais de %.0f km do ponto",
			EN: "%d farther than %.0f km from the point",
		},
		"placement.reason.no_price": {
			ES: "%d sin precio para %s",
			PT: "%d sem preço para %s",
			EN: "%d without a price for %s",
		},
		"placement.reason.vcpu": {
			ES: "%d vCPU insuficientes",
			PT: "%d vCPU insuficientes",
			EN: "%d insufficient vCPU",
		},
		"placement.reason.memory": {
			ES: "%d memoria insuficiente",
			PT: "%d memória insuficiente",
			EN: "%d insufficient memory",
		},
		"placement.reason.disk": {
			ES: "%d disco insuficiente",
			PT: "%d disco insuficiente",
			EN: "%d insufficient disk",
		},

		"placement.class.public":       {ES: "datos públicos", PT: "dados públicos", EN: "public"},
		"placement.class.internal":     {ES: "datos internos", PT: "dados internos", EN: "internal"},
		"placement.class.confidential": {ES: "datos confidenciales", PT: "dados confidenciais", EN: "confidential"},
		"placement.class.restricted":   {ES: "datos restringidos", PT: "dados restritos", EN: "restricted"},
		"placement.tier.core":          {ES: "núcleo", PT: "núcleo", EN: "core"},
		"placement.tier.edge":          {ES: "borde", PT: "borda", EN: "edge"},

		// Why the fitting sites form no set.
		"placement.set.too_few_sites.one": {
			ES: "solo queda %d sitio, se requieren %d réplicas",
			PT: "resta só %d site, %d réplicas exigidas",
			EN: "only %d site left, %d replicas required",
		},
		"placement.set.too_few_sites.other": {
			ES: "solo quedan %d sitios, se requieren %d réplicas",
			PT: "restam só %d sites, %d réplicas exigidas",
			EN: "only %d sites left, %d replicas required",
		},
		"placement.set.providers.one": {
			ES: "redundancia: solo queda %d proveedor, se requieren %d",
			PT: "redundância: resta só %d provedor, %d exigidos",
			EN: "redundancy: only %d provider left, %d required",
		},
		"placement.set.providers.other": {
			ES: "redundancia: solo quedan %d proveedores, se requieren %d",
			PT: "redundância: restam só %d provedores, %d exigidos",
			EN: "redundancy: only %d providers left, %d required",
		},
		"placement.set.failure_domains.one": {
			ES: "redundancia: solo queda %d dominio de falla, se requieren %d",
			PT: "redundância: resta só %d domínio de falha, %d exigidos",
			EN: "redundancy: only %d failure domain left, %d required",
		},
		"placement.set.failure_domains.other": {
			ES: "redundancia: solo quedan %d dominios de falla, se requieren %d",
			PT: "redundância: restam só %d domínios de falha, %d exigidos",
			EN: "redundancy: only %d failure domains left, %d required",
		},
		"placement.set.failure_domain_cap": {
			ES: "redundancia: con a lo sumo %d por dominio de falla, solo %d de %d réplicas tienen cabida",
			PT: "redundância: com no máximo %d por domínio de falha, só %d de %d réplicas cabem",
			EN: "redundancy: with at most %d per failure domain, only %d of %d replicas have room",
		},
		"placement.set.combination": {
			ES: "redundancia: ningún conjunto de %d de los %d sitios restantes cumple a la vez %d proveedores, %d dominios de falla y %.0f km de separación",
			PT: "redundância: nenhum conjunto de %d dos %d sites restantes cumpre ao mesmo tempo %d provedores, %d domínios de falha e %.0f km de distância",
			EN: "redundancy: no %d of the %d remaining sites meet %d providers, %d failure domains and %.0f km apart together",
		},
		"placement.set.heuristic": {
			ES: "redundancia: la heurística de dispersión no halló %d de los %d sitios restantes que cumplan a la vez %d proveedores, %d dominios de falla y %.0f km de separación",
			PT: "redundância: a heurística de dispersão não achou %d dos %d sites restantes que cumpram ao mesmo tempo %d provedores, %d domínios de falha e %.0f km de distância",
			EN: "redundancy: the spread heuristic found no %d of the %d remaining sites that meet %d providers, %d failure domains and %.0f km apart together",
		},
		"placement.set.search_limit": {
			ES: "la búsqueda llegó a su límite sin hallar un conjunto entre los %d sitios restantes",
			PT: "a busca atingiu o limite sem achar um conjunto entre os %d sites restantes",
			EN: "the search reached its limit before finding a set among the %d remaining sites",
		},

		"placement.ceiling": {
			ES: "el conjunto más barato que cabe cuesta %s al mes, por encima del tope de %s",
			PT: "o conjunto mais barato que cabe custa %s por mês, acima do teto de %s",
			EN: "the cheapest set that fits costs %s per month, above the ceiling of %s",
		},

		// Why these sites.
		"placement.placed.one": {
			ES: "%d réplica ubicada por %s al mes",
			PT: "%d réplica alocada por %s por mês",
			EN: "%d replica placed for %s per month",
		},
		"placement.placed.other": {
			ES: "%d réplicas ubicadas por %s al mes",
			PT: "%d réplicas alocadas por %s por mês",
			EN: "%d replicas placed for %s per month",
		},
		"placement.why.cheapest": {
			ES: "el conjunto más barato que cumple todas las restricciones",
			PT: "o conjunto mais barato que cumpre todas as restrições",
			EN: "the cheapest set that meets every constraint",
		},
		"placement.why.heuristic": {
			ES: "el conjunto más barato que halló la heurística de dispersión entre los que cumplen todas las restricciones",
			PT: "o conjunto mais barato que a heurística de dispersão achou entre os que cumprem todas as restrições",
			EN: "the cheapest set the spread heuristic found that meets every constraint",
		},
		"placement.why.balanced": {
			ES: "el conjunto más barato entre sitios que conservan holgura",
			PT: "o conjunto mais barato entre sites que mantêm folga",
			EN: "the cheapest set among sites that keep headroom",
		},
		"placement.why.balanced_fallback": {
			ES: "ningún conjunto conservaba holgura: el más barato que cumple todas las restricciones",
			PT: "nenhum conjunto mantinha folga: o mais barato que cumpre todas as restrições",
			EN: "no set kept headroom: the cheapest that meets every constraint",
		},
		"placement.why.nearest": {
			ES: "el conjunto más cercano al punto que cumple todas las restricciones",
			PT: "o conjunto mais próximo do ponto que cumpre todas as restrições",
			EN: "the set nearest to the point that meets every constraint",
		},
		"placement.why.inexact": {
			ES: "el mejor hallado antes del límite de búsqueda, sin prueba de que sea óptimo",
			PT: "o melhor achado antes do limite de busca, sem prova de que seja ótimo",
			EN: "the best found before the search limit, not proven optimal",
		},
		"placement.spread": {
			ES: "%d proveedores (se requieren %d), %d dominios de falla (se requieren %d)",
			PT: "%d provedores (%d exigidos), %d domínios de falha (%d exigidos)",
			EN: "%d providers (%d required), %d failure domains (%d required)",
		},
		"placement.distance": {
			ES: "réplicas a %.0f km o más entre sí (se requieren %.0f)",
			PT: "réplicas a %.0f km ou mais entre si (%.0f exigidos)",
			EN: "replicas at least %.0f km apart (%.0f required)",
		},
		"placement.choice": {
			ES: "%s (proveedor %s, dominio de falla %s, %s): %s al mes",
			PT: "%s (provedor %s, domínio de falha %s, %s): %s por mês",
			EN: "%s (provider %s, failure domain %s, %s): %s per month",
		},
		"placement.choice.near": {
			ES: "a %.0f km del punto",
			PT: "a %.0f km do ponto",
			EN: "%.0f km from the point",
		},

		// Request validation.
		"placement.invalid.required": {
			ES: "%s: obligatorio",
			PT: "%s: obrigatório",
			EN: "%s: required",
		},
		"placement.invalid.out_of_range": {
			ES: "%s: fuera de rango",
			PT: "%s: fora do intervalo",
			EN: "%s: out of range",
		},
		"placement.invalid.unknown_value": {
			ES: "%s: valor desconocido",
			PT: "%s: valor desconhecido",
			EN: "%s: unknown value",
		},
		"placement.invalid.invalid_code": {
			ES: "%s: no es un código ISO 3166 válido",
			PT: "%s: não é um código ISO 3166 válido",
			EN: "%s: not a valid ISO 3166 code",
		},
		"placement.invalid.outside_countries": {
			ES: "%s: subdivisión de un país que no está en residency.countries",
			PT: "%s: subdivisão de um país fora de residency.countries",
			EN: "%s: subdivision of a country not in residency.countries",
		},
	})
}
