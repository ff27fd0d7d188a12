package terraform

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"terraform.invalid": {ES: "Valor no válido", PT: "Valor inválido", EN: "Invalid value"},
		// Mirrors of API reasons whose packages the provider does not link
		// (TestMirroredReasons holds the texts equal).
		"terraform.reason.replicas": {ES: "debe estar entre 1 y %s (recibido %s)", PT: "deve estar entre 1 e %s (recebido %s)", EN: "must be between 1 and %s (got %s)"},
		"terraform.reason.sshkey_public": {
			ES: "no es una clave pública SSH: pegue una línea como «ssh-ed25519 AAAA… comentario» (el archivo .pub, nunca la clave privada)",
			PT: "não é uma chave pública SSH: cole uma linha como «ssh-ed25519 AAAA… comentário» (o arquivo .pub, nunca a chave privada)",
			EN: "not an SSH public key: paste one line such as \"ssh-ed25519 AAAA… comment\" (the .pub file, never the private key)"},
		"terraform.reason.sshkey_name": {
			ES: "«%s»: use hasta 64 letras, cifras, «.», «_», «@» o «-»",
			PT: "«%s»: use até 64 letras, dígitos, «.», «_», «@» ou «-»",
			EN: "%q: use up to 64 letters, digits, \".\", \"_\", \"@\" or \"-\""},

		// Destroy of what the ledger keeps.
		"terraform.noun.institution": {ES: "la institución", PT: "a instituição", EN: "institution"},
		"terraform.noun.budget_line": {ES: "la línea presupuestaria", PT: "a linha orçamentária", EN: "budget line"},
		"terraform.noun.project":     {ES: "el proyecto", PT: "o projeto", EN: "project"},
		"terraform.kept.summary": {
			ES: "El historial conserva %s «%s»",
			PT: "O histórico conserva %s «%s»",
			EN: "%s %q kept for its history"},
		"terraform.kept.detail": {
			ES: "La API no borra %s «%s» (%s): cargas eliminadas, accesos revocados o asientos del libro mayor se refieren a este objeto y el historial nunca se borra. " +
				"Ya nada vivo lo usa: no ejecuta nada ni compromete presupuesto. Se quitó del estado de Terraform; sigue visible en la API y en la consola, " +
				"y «terraform import» vuelve a gestionarlo.",
			PT: "A API não apaga %s «%s» (%s): cargas excluídas, acessos revogados ou lançamentos do razão se referem a este objeto e o histórico nunca é apagado. " +
				"Nada vivo o usa mais: não executa nada nem compromete orçamento. Foi removido do estado do Terraform; continua visível na API e no console, " +
				"e «terraform import» volta a gerenciá-lo.",
			EN: "The API does not delete %s %q (%s): deleted workloads, revoked grants or ledger entries refer to it, and history is never erased. " +
				"Nothing live uses it any more: it runs nothing and commits no budget. It was removed from the Terraform state; it stays visible in the API " +
				"and the console, and `terraform import` manages it again."},
		"terraform.kept.in_use": {
			ES: "no se puede borrar %s «%s»: la carga %s (%s) todavía depende de este objeto; destrúyala primero",
			PT: "não é possível apagar %s «%s»: a carga %s (%s) ainda depende deste objeto; destrua-a primeiro",
			EN: "cannot delete %s %q: workload %s (%s) still uses it; destroy that first"},
	})
}
