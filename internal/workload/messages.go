package workload

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"workload.field.replicas":            {ES: "debe estar entre 1 y %s (recibido %s)", PT: "deve estar entre 1 e %s (recebido %s)", EN: "must be between 1 and %s (got %s)"},
		"workload.field.subdivision_outside": {ES: "la subdivisión %s no está en ninguno de los países de residencia", PT: "a subdivisão %s não está em nenhum dos países de residência", EN: "subdivision %s is not in any of the residency countries"},
		"workload.field.jurisdictions":       {ES: "la soberanía regional necesita al menos una jurisdicción", PT: "a soberania regional precisa de pelo menos uma jurisdição", EN: "regional sovereignty needs at least one jurisdiction"},
		"workload.field.distance":            {ES: "«%s» no es una distancia válida en km (0–20000)", PT: "«%s» não é uma distância válida em km (0–20000)", EN: "%q is not a valid distance in km (0–20000)"},
		"workload.field.nearness_required":   {ES: "la preferencia nearest necesita nearness", PT: "a preferência nearest precisa de nearness", EN: "the nearest preference needs nearness"},
		"workload.field.error_rate":          {ES: "«%s» no es una tasa entre 0 y 1 (p. ej. 0.2)", PT: "«%s» não é uma taxa entre 0 e 1 (ex.: 0.2)", EN: "%q is not a rate between 0 and 1 (e.g. 0.2)"},

		"workload.reason.auto_approved":    {ES: "aprobada automáticamente: la previsión mensual %s no supera el umbral de la institución %s", PT: "aprovada automaticamente: a previsão mensal %s não excede o limite da instituição %s", EN: "approved automatically: the monthly forecast %s is within the institution's threshold %s"},
		"workload.reason.needs_approval":   {ES: "espera aprobación: la previsión mensual %s supera el umbral de aprobación automática %s", PT: "aguarda aprovação: a previsão mensal %s excede o limite de aprovação automática %s", EN: "awaits approval: the monthly forecast %s exceeds the auto-approval threshold %s"},
		"workload.reason.approval_no_fit":  {ES: "al aprobar ya no cabía y no se pudo volver a ubicar: %s", PT: "ao aprovar já não cabia e não foi possível realocar: %s", EN: "no longer fitted when approved and could not be placed again: %s"},
		"workload.reason.approved":         {ES: "aprobada", PT: "aprovada", EN: "approved"},
		"workload.reason.delete_requested": {ES: "eliminación solicitada", PT: "remoção solicitada", EN: "deletion requested"},
		"workload.reason.deleted":          {ES: "todas las réplicas fueron eliminadas y su capacidad liberada", PT: "todas as réplicas foram removidas e sua capacidade liberada", EN: "every replica was deleted and its capacity freed"},
		"workload.reason.replica_moved":    {ES: "la réplica %s se movió del sitio %s al sitio %s", PT: "a réplica %s foi movida do site %s para o site %s", EN: "replica %s moved from site %s to site %s"},
		"workload.reason.failover_failed":  {ES: "la réplica %s en el sitio %s no se pudo volver a ubicar dentro de la política: %s", PT: "a réplica %s no site %s não pôde ser realocada dentro da política: %s", EN: "replica %s on site %s could not be placed again within policy: %s"},

		"replica.reason.placed":               {ES: "ubicada en el sitio %s del proveedor %s", PT: "alocada no site %s do provedor %s", EN: "placed on site %s of provider %s"},
		"replica.reason.replaced_on_approval": {ES: "el sitio %s ya no estaba disponible al aprobar; ubicada de nuevo", PT: "o site %s não estava mais disponível ao aprovar; realocada", EN: "site %s was no longer available at approval; placed again"},
		"replica.reason.workload_rejected":    {ES: "la carga fue rechazada", PT: "a carga foi rejeitada", EN: "the workload was rejected"},
		"replica.reason.workload_deleted":     {ES: "la carga se está eliminando", PT: "a carga está sendo removida", EN: "the workload is being deleted"},
		"replica.reason.moved":                {ES: "reemplazada por una réplica en el sitio %s; se elimina", PT: "substituída por uma réplica no site %s; sendo removida", EN: "replaced by a replica on site %s; being deleted"},
		"replica.reason.site_down":            {ES: "el sitio %s está caído", PT: "o site %s está fora do ar", EN: "site %s is down"},
		"replica.reason.provider_error":       {ES: "el proveedor respondió con error (intento %s): %s", PT: "o provedor respondeu com erro (tentativa %s): %s", EN: "the provider answered with an error (attempt %s): %s"},
		"replica.reason.gave_up":              {ES: "el proveedor falló %s veces seguidas: %s", PT: "o provedor falhou %s vezes seguidas: %s", EN: "the provider failed %s times in a row: %s"},
		"replica.reason.adopted":              {ES: "la réplica %s adoptó el recurso %s que ya existía en el sitio %s (creado antes de un reinicio)", PT: "a réplica %s adotou o recurso %s que já existia no site %s (criado antes de um reinício)", EN: "replica %s adopted resource %s that already existed on site %s (created before a restart)"},
		"replica.reason.building":             {ES: "el proveedor está creando el recurso %s", PT: "o provedor está criando o recurso %s", EN: "the provider is building resource %s"},
		"replica.reason.running":              {ES: "el recurso %s está activo", PT: "o recurso %s está ativo", EN: "resource %s is active"},
		"replica.reason.resource_error":       {ES: "el recurso quedó en error en el proveedor: %s", PT: "o recurso ficou em erro no provedor: %s", EN: "the resource is in error at the provider: %s"},
		"replica.reason.vanished":             {ES: "el recurso %s desapareció del proveedor; se vuelve a crear", PT: "o recurso %s desapareceu do provedor; sendo recriado", EN: "resource %s vanished from the provider; creating it again"},
		"replica.reason.deleted":              {ES: "el recurso fue eliminado del proveedor", PT: "o recurso foi removido do provedor", EN: "the resource was deleted from the provider"},
		"replica.reason.deleting":             {ES: "eliminando el recurso %s", PT: "removendo o recurso %s", EN: "deleting resource %s"},
	})
}
