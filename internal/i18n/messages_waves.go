package i18n

// Wave rollouts (issue 21, docs/edge.md "Wave rollouts"): validation of a
// release's strategy, the rollout's reasons, and the CLI's and console's
// progress.
func init() {
	Add(map[string]Text{
		"deploy.field.max_parallel":      {ES: "debe ser al menos 1 (sitios por ola)", PT: "deve ser pelo menos 1 (sites por onda)", EN: "must be at least 1 (sites per wave)"},
		"deploy.field.canary":            {ES: "no puede ser negativo", PT: "não pode ser negativo", EN: "must not be negative"},
		"deploy.field.failure_threshold": {ES: "debe ser una proporción entre 0 y 1 (p. ej. 0.2)", PT: "deve ser uma proporção entre 0 e 1 (p. ex. 0.2)", EN: "must be a share between 0 and 1 (e.g. 0.2)"},
		"deploy.field.group_or_sites":    {ES: "indique un grupo o sitios, no ambos", PT: "informe um grupo ou sites, não ambos", EN: "give a group or sites, not both"},
		"deploy.field.group":             {ES: "no existe el grupo de borde «%s»", PT: "o grupo de borda «%s» não existe", EN: "there is no edge group %q"},
		"deploy.field.group_ambiguous":   {ES: "hay varios grupos de borde llamados «%s»; indique su id", PT: "há vários grupos de borda chamados «%s»; informe o id", EN: "several edge groups are called %q; give its id"},
		"deploy.field.site":              {ES: "no existe el sitio «%s»", PT: "o site «%s» não existe", EN: "there is no site %q"},

		"release.reason.wave":              {ES: "ola %s de %s: desplegando en %s sitios", PT: "onda %s de %s: implantando em %s sites", EN: "wave %s of %s: rolling out to %s sites"},
		"release.reason.wave_failed":       {ES: "ola %s de %s: fallaron %s de %s sitios (más que el umbral %s); revirtiendo", PT: "onda %s de %s: falharam %s de %s sites (mais que o limite %s); revertendo", EN: "wave %s of %s: %s of %s sites failed (more than the threshold %s); rolling back"},
		"release.reason.waves_partial":     {ES: "disponible en %s de %s sitios; %s fallaron dentro del umbral", PT: "disponível em %s de %s sites; %s falharam dentro do limite", EN: "available on %s of %s sites; %s failed within the threshold"},
		"release.reason.waves_rolled_back": {ES: "detenida en la ola %s de %s: fallaron %s sitios (umbral %s); %s sitios revertidos a la versión anterior", PT: "interrompida na onda %s de %s: falharam %s sites (limite %s); %s sites revertidos para a versão anterior", EN: "stopped at wave %s of %s: %s sites failed (threshold %s); %s sites rolled back to the previous release"},

		"cli.deploy.progress":    {ES: "ola %d/%d · %d de %d sitios listos · %d fallidos · %d pendientes", PT: "onda %d/%d · %d de %d sites prontos · %d falhos · %d pendentes", EN: "wave %d/%d · %d of %d sites ready · %d failed · %d pending"},
		"cli.deploy.progress_rb": {ES: "%d sitios revertidos", PT: "%d sites revertidos", EN: "%d sites rolled back"},

		"console.waves.title":    {ES: "Olas", PT: "Ondas", EN: "Waves"},
		"console.waves.progress": {ES: "%s de %s olas completadas", PT: "%s de %s ondas concluídas", EN: "%s of %s waves done"},
		"console.waves.sites":    {ES: "%s de %s sitios listos, %s fallidos, %s pendientes, %s revertidos", PT: "%s de %s sites prontos, %s falhos, %s pendentes, %s revertidos", EN: "%s of %s sites ready, %s failed, %s pending, %s rolled back"},
		"console.waves.group":    {ES: "grupo de borde %s", PT: "grupo de borda %s", EN: "edge group %s"},
		"console.waves.strategy": {ES: "%s sitios por ola · ola canaria de %s · umbral de fallos %s", PT: "%s sites por onda · onda canário de %s · limite de falhas %s", EN: "%s sites per wave · canary wave of %s · failure threshold %s"},
	})
}
