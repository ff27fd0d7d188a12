package console

import "github.com/soberana/soberana/internal/i18n"

// Messages of the console's issue-18 parts: simulated-site consent on the
// request form, the apps pages, names on hover.
func init() {
	i18n.Add(map[string]i18n.Text{
		"console.request.allow-simulated": {ES: "Admitir sitios simulados", PT: "Admitir sites simulados", EN: "Allow simulated sites"},
		"console.request.allow-simulated.help": {
			ES: "Sin esto, todas las réplicas van a proveedores reales o todas a simulados, y una réplica en un proveedor real nunca pasa a uno simulado. Márquelo para una demostración o una prueba que mezcle ambos.",
			PT: "Sem isso, todas as réplicas vão para provedores reais ou todas para simulados, e uma réplica em um provedor real nunca passa para um simulado. Marque para uma demonstração ou um teste que misture ambos.",
			EN: "Without it, all replicas go on real providers or all on simulated ones, and a replica on a real provider is never moved to a simulated one. Tick it for a demonstration or a test that mixes both."},
		"console.nav.apps":             {ES: "Aplicaciones", PT: "Aplicações", EN: "Apps"},
		"console.apps.intro":           {ES: "Cada aplicación con su última versión publicada: estado, dónde se sirve y por qué falló, si falló.", PT: "Cada aplicação com sua última versão publicada: estado, onde é servida e por que falhou, se falhou.", EN: "Each app with its latest release: its state, where it is served and, if it failed, why."},
		"console.apps.none":            {ES: "Aún no hay versiones publicadas.", PT: "Ainda não há versões publicadas.", EN: "No releases yet."},
		"console.app.title":            {ES: "%s · %s", PT: "%s · %s", EN: "%s · %s"},
		"console.app.port":             {ES: "puerto %s", PT: "porta %s", EN: "port %s"},
		"console.app.history":          {ES: "Historial de despliegues", PT: "Histórico de implantações", EN: "Deploy history"},
		"console.app.commit":           {ES: "commit", PT: "commit", EN: "commit"},
		"console.app.rollback":         {ES: "reversión a una versión anterior", PT: "reversão para uma versão anterior", EN: "rollback to an earlier release"},
		"console.app.steps":            {ES: "Despliegue de la versión %s, sitio por sitio", PT: "Implantação da versão %s, site por site", EN: "Rollout of release %s, site by site"},
		"console.app.workload":         {ES: "su carga de trabajo", PT: "sua carga de trabalho", EN: "its workload"},
		"console.col.app":              {ES: "Aplicación", PT: "Aplicação", EN: "App"},
		"console.col.image":            {ES: "Imagen", PT: "Imagem", EN: "Image"},
		"console.col.release":          {ES: "Versión", PT: "Versão", EN: "Release"},
		"console.col.url":              {ES: "URL", PT: "URL", EN: "URL"},
		"console.col.done":             {ES: "Terminado", PT: "Concluído", EN: "Done"},
		"console.release.queued":       {ES: "en cola", PT: "na fila", EN: "queued"},
		"console.release.rolling_out":  {ES: "desplegándose", PT: "implantando", EN: "rolling out"},
		"console.release.rolling_back": {ES: "revirtiéndose", PT: "revertendo", EN: "rolling back"},
		"console.release.succeeded":    {ES: "publicada", PT: "publicada", EN: "succeeded"},
		"console.release.failed":       {ES: "fallida", PT: "falhou", EN: "failed"},
		"console.step.pending":         {ES: "pendiente", PT: "pendente", EN: "pending"},
		"console.step.waiting":         {ES: "esperando que esté lista", PT: "aguardando ficar pronta", EN: "waiting for readiness"},
		"console.step.available":       {ES: "disponible", PT: "disponível", EN: "available"},
		"console.step.failed":          {ES: "fallido", PT: "falhou", EN: "failed"},
		"console.step.rolled_back":     {ES: "revertido", PT: "revertido", EN: "rolled back"},
		"console.source.api":           {ES: "publicada por la API", PT: "publicada pela API", EN: "released through the API"},
		"console.source.webhook":       {ES: "publicada por un webhook de la forja", PT: "publicada por um webhook da forja", EN: "released by a forge webhook"},
		"console.source.apply":         {ES: "publicada por apply", PT: "publicada por apply", EN: "released by apply"},
	})
}
