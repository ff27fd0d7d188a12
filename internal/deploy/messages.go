package deploy

import (
	"encoding/json"

	"github.com/soberana/soberana/internal/i18n"
)

// Msg is a reason stored as a message key and arguments, rendered in the
// reader's language.
type Msg struct {
	Key  string   `json:"key"`
	Args []string `json:"args,omitempty"`
}

// M makes a Msg.
func M(key string, args ...string) Msg { return Msg{Key: key, Args: args} }

func (m Msg) enc() string {
	b, _ := json.Marshal(m)
	return string(b)
}

// Render renders a stored reason in lang; text that is not an encoded
// message is returned as it is.
func Render(lang i18n.Lang, stored string) string {
	var m Msg
	if stored == "" || json.Unmarshal([]byte(stored), &m) != nil || m.Key == "" {
		return stored
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = a
	}
	return i18n.T(lang, m.Key, args...)
}

func init() {
	i18n.Add(map[string]i18n.Text{
		"deploy.field.required":      {ES: "es obligatorio", PT: "é obrigatório", EN: "is required"},
		"deploy.field.name":          {ES: "debe ser una etiqueta DNS de 1 a 40 caracteres (a-z, 0-9, -)", PT: "deve ser um rótulo DNS de 1 a 40 caracteres (a-z, 0-9, -)", EN: "must be a DNS label of 1 to 40 characters (a-z, 0-9, -)"},
		"deploy.field.image":         {ES: "no es una referencia de imagen válida", PT: "não é uma referência de imagem válida", EN: "is not a valid image reference"},
		"deploy.field.port":          {ES: "debe estar entre 1 y 65535", PT: "deve estar entre 1 e 65535", EN: "must be between 1 and 65535"},
		"deploy.field.replicas":      {ES: "debe estar entre 1 y 100", PT: "deve estar entre 1 e 100", EN: "must be between 1 and 100"},
		"deploy.field.env":           {ES: "el nombre de variable «%s» no es válido", PT: "o nome de variável «%s» não é válido", EN: "variable name %q is not valid"},
		"deploy.field.health_path":   {ES: "debe empezar por /", PT: "deve começar com /", EN: "must start with /"},
		"deploy.field.workload":      {ES: "el proyecto no tiene una carga de tipo namespace en ejecución (indique workload_id)", PT: "o projeto não tem uma carga do tipo namespace em execução (informe workload_id)", EN: "the project has no running namespace workload (give workload_id)"},
		"deploy.field.workload_kind": {ES: "la carga %s no es de tipo namespace o no es de este proyecto", PT: "a carga %s não é do tipo namespace ou não é deste projeto", EN: "workload %s is not a namespace workload of this project"},
		"deploy.field.commit":        {ES: "debe ser un hash de commit hexadecimal", PT: "deve ser um hash de commit hexadecimal", EN: "must be a hexadecimal commit hash"},
		"deploy.field.rollback":      {ES: "la versión %s no es de esta aplicación o nunca se desplegó", PT: "a versão %s não é desta aplicação ou nunca foi implantada", EN: "release %s is not of this app or never rolled out"},
		"deploy.field.exists":        {ES: "ya existe una aplicación con ese nombre en el proyecto", PT: "já existe uma aplicação com esse nome no projeto", EN: "the project already has an app of that name"},

		"release.reason.queued":       {ES: "en cola detrás de la versión en curso", PT: "na fila atrás da versão em andamento", EN: "queued behind the release in progress"},
		"release.reason.rolling":      {ES: "desplegando en el sitio %s (%s de %s)", PT: "implantando no site %s (%s de %s)", EN: "rolling out to site %s (%s of %s)"},
		"release.reason.no_sites":     {ES: "la carga %s no tiene réplicas en ejecución donde desplegar", PT: "a carga %s não tem réplicas em execução onde implantar", EN: "workload %s has no running replicas to roll out to"},
		"release.reason.succeeded":    {ES: "disponible en los %s sitios", PT: "disponível nos %s sites", EN: "available on all %s sites"},
		"release.reason.site_failed":  {ES: "falló en el sitio %s: %s; revertida", PT: "falhou no site %s: %s; revertida", EN: "failed on site %s: %s; rolled back"},
		"release.reason.rolling_back": {ES: "falló en el sitio %s: %s; revirtiendo", PT: "falhou no site %s: %s; revertendo", EN: "failed on site %s: %s; rolling back"},
		"release.reason.timeout":      {ES: "no estuvo disponible en %s", PT: "não ficou disponível em %s", EN: "not available within %s"},
		"release.reason.gate":         {ES: "la verificación de salud falló: %s", PT: "a verificação de saúde falhou: %s", EN: "the health gate failed: %s"},
		"release.reason.unavailable":  {ES: "el sitio no la pudo poner en marcha: %s", PT: "o site não conseguiu colocá-la em execução: %s", EN: "the site could not bring it up: %s"},
		"release.reason.apply":        {ES: "no se pudo aplicar: %s", PT: "não foi possível aplicar: %s", EN: "could not apply: %s"},
	})
}
