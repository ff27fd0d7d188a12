package audit

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"audit.break." + CodeModified: {
			ES: "evento %d: su hash no corresponde a su contenido (modificado)",
			PT: "evento %d: seu hash não corresponde ao seu conteúdo (modificado)",
			EN: "event %d: its hash does not match its contents (modified)"},
		"audit.break." + CodeRewritten: {
			ES: "evento %d: fue reescrito con un hash recalculado, o insertado: el evento %d no se encadena a él",
			PT: "evento %d: foi reescrito com um hash recalculado, ou inserido: o evento %d não se encadeia a ele",
			EN: "event %d: rewritten with a recomputed hash, or inserted: event %d does not link to it"},
		"audit.break." + CodeUnlinked: {
			ES: "evento %d: su prev_hash no es el hash del evento anterior (su enlace fue cambiado)",
			PT: "evento %d: seu prev_hash não é o hash do evento anterior (seu elo foi alterado)",
			EN: "event %d: its prev_hash is not the previous event's hash (its link was changed)"},
		"audit.break." + CodeOrder: {
			ES: "evento %d: número de secuencia fuera de orden o duplicado",
			PT: "evento %d: número de sequência fora de ordem ou duplicado",
			EN: "event %d: sequence number out of order or duplicated"},
		"audit.break." + CodeDeleted: {
			ES: "faltan los eventos %s (borrados): el registro continúa en el evento %d",
			PT: "faltam os eventos %s (apagados): o registro continua no evento %d",
			EN: "events %s are missing (deleted): the log goes on at event %d"},
		"audit.break." + CodeTruncated: {
			ES: "faltan los eventos %s: la cabeza de la cadena registra el evento %d, pero el registro termina en %d",
			PT: "faltam os eventos %s: a cabeça da cadeia registra o evento %d, mas o registro termina em %d",
			EN: "events %s are missing: the chain head records event %d but the log ends at %d"},
		"audit.break." + CodeTruncatedCheckpoint: {
			ES: "faltan los eventos %s: un punto de control firmado cubre hasta el evento %d, pero el registro termina en %d",
			PT: "faltam os eventos %s: um ponto de controle assinado cobre até o evento %d, mas o registro termina em %d",
			EN: "events %s are missing: a signed checkpoint covers up to event %d but the log ends at %d"},
		"audit.break." + CodeDeleted + ".one": {
			ES: "falta el evento %s (borrado): el registro continúa en el evento %d",
			PT: "falta o evento %s (apagado): o registro continua no evento %d",
			EN: "event %s is missing (deleted): the log goes on at event %d"},
		"audit.break." + CodeTruncated + ".one": {
			ES: "falta el evento %s: la cabeza de la cadena registra el evento %d, pero el registro termina en %d",
			PT: "falta o evento %s: a cabeça da cadeia registra o evento %d, mas o registro termina em %d",
			EN: "event %s is missing: the chain head records event %d but the log ends at %d"},
		"audit.break." + CodeTruncatedCheckpoint + ".one": {
			ES: "falta el evento %s: un punto de control firmado cubre hasta el evento %d, pero el registro termina en %d",
			PT: "falta o evento %s: um ponto de controle assinado cobre até o evento %d, mas o registro termina em %d",
			EN: "event %s is missing: a signed checkpoint covers up to event %d but the log ends at %d"},
		"audit.break." + CodeBeyondHead: {
			ES: "los eventos desde el %d están más allá de la cabeza de la cadena (evento %d): agregados a sus espaldas, o la cabeza fue retrocedida",
			PT: "os eventos a partir do %d estão além da cabeça da cadeia (evento %d): acrescentados por fora, ou a cabeça foi recuada",
			EN: "events from %d on lie past the chain head (event %d): appended behind its back, or the head was moved back"},
		"audit.break." + CodeHeadHash: {
			ES: "evento %d: la cabeza de la cadena registra otro hash para él (la cabeza o el evento fueron reescritos)",
			PT: "evento %d: a cabeça da cadeia registra outro hash para ele (a cabeça ou o evento foram reescritos)",
			EN: "event %d: the chain head records another hash for it (the head or the event was rewritten)"},
		"audit.break." + CodeNoHead: {
			ES: "falta el registro de la cabeza de la cadena (borrado): nada muestra si hubo eventos después del %d",
			PT: "falta o registro da cabeça da cadeia (apagado): nada mostra se houve eventos depois do %d",
			EN: "the chain head record is missing (deleted): nothing shows whether events came after event %d"},
		"audit.break." + CodeCheckpoint: {
			ES: "evento %d: no coincide con un punto de control firmado: el registro fue reescrito después del evento %d (el último que un punto de control aún respalda)",
			PT: "evento %d: não coincide com um ponto de controle assinado: o registro foi reescrito depois do evento %d (o último que um ponto de controle ainda respalda)",
			EN: "event %d: does not match a signed checkpoint: the log was rewritten after event %d (the last one a checkpoint still vouches for)"},
		"audit.break." + CodeCheckpoint + ".none": {
			ES: "evento %d: no coincide con un punto de control firmado: el registro fue reescrito en este evento o antes (ningún punto de control anterior coincide)",
			PT: "evento %d: não coincide com um ponto de controle assinado: o registro foi reescrito neste evento ou antes (nenhum ponto de controle anterior coincide)",
			EN: "event %d: does not match a signed checkpoint: the log was rewritten at or before it (no earlier checkpoint matched)"},
		"audit.break." + CodeSignature: {
			ES: "el punto de control del evento %d no está firmado por la clave pública configurada (clave %q): falsificado o refirmado",
			PT: "o ponto de controle do evento %d não está assinado pela chave pública configurada (chave %q): forjado ou reassinado",
			EN: "the checkpoint of event %d is not signed by the configured public key (key %q): forged or re-signed"},
	})
}
