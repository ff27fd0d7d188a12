package edge

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"edge.reject." + RejectRevoked: {
			ES: "la credencial del subcloud %s fue revocada: soberana rechaza sus latidos y el sitio no cuenta como escuchado; pida al operador una credencial nueva (soberana edge reissue-credential) y arranque el agente con ella",
			PT: "a credencial do subcloud %s foi revogada: o soberana recusa os seus heartbeats e o site não conta como ouvido; peça ao operador uma credencial nova (soberana edge reissue-credential) e inicie o agente com ela",
			EN: "subcloud %s's credential was revoked: soberana refuses its heartbeats and the site does not count as heard; ask the operator for a new credential (soberana edge reissue-credential) and start the agent with it",
		},
		"edge.reject." + RejectUnknown: {
			ES: "soberana no conoce el subcloud %s: impórtelo primero (soberana edge import) y use el archivo de credenciales que devuelve",
			PT: "o soberana não conhece o subcloud %s: importe-o primeiro (soberana edge import) e use o arquivo de credenciais que ele devolve",
			EN: "soberana does not know subcloud %s: import it first (soberana edge import) and use the credentials file it returns",
		},
		"edge.reject." + RejectSignature: {
			ES: "la firma del latido del subcloud %s no corresponde a su credencial: use la clave privada del archivo de credenciales de ese subcloud",
			PT: "a assinatura do heartbeat do subcloud %s não corresponde à sua credencial: use a chave privada do arquivo de credenciais desse subcloud",
			EN: "the heartbeat of subcloud %s is not signed by its credential: use the private key from that subcloud's credentials file",
		},
		"edge.reject." + RejectSubject: {
			ES: "el latido del subcloud %s llegó por el tema de otro subcloud: cada agente publica solo en el suyo",
			PT: "o heartbeat do subcloud %s chegou pelo assunto de outro subcloud: cada agente publica só no seu",
			EN: "the heartbeat of subcloud %s came on another subcloud's subject: each agent publishes on its own only",
		},
		"edge.reject." + RejectMalformed: {
			ES: "el latido no es un mensaje firmado válido%s: actualice el agente a la versión del servidor",
			PT: "o heartbeat não é uma mensagem assinada válida%s: atualize o agente para a versão do servidor",
			EN: "the heartbeat is not a valid signed message%s: update the agent to the server's version",
		},
	})
}
