package api

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"field.ssh_public_key": {ES: "no es una clave pública SSH: pegue una línea como «ssh-ed25519 AAAA… usuario@equipo» (el contenido de ~/.ssh/id_ed25519.pub); se aceptan Ed25519, ECDSA, llaves de seguridad y RSA de 2048 bits o más",
			PT: "não é uma chave pública SSH: cole uma linha como «ssh-ed25519 AAAA… usuario@maquina» (o conteúdo de ~/.ssh/id_ed25519.pub); aceitam-se Ed25519, ECDSA, chaves de segurança e RSA de 2048 bits ou mais",
			EN: "is not an SSH public key: paste one line such as \"ssh-ed25519 AAAA… user@host\" (the contents of ~/.ssh/id_ed25519.pub); Ed25519, ECDSA, security keys and RSA of 2048 bits or more are accepted"},
		"field.ssh_ttl": {ES: "debe estar entre 1 y %d segundos (0: el máximo)", PT: "deve estar entre 1 e %d segundos (0: o máximo)", EN: "must be between 1 and %d seconds (0: the maximum)"},
		"problem.ssh-state.detail": {ES: "la carga está en estado %s: no tiene máquinas a las que conectarse",
			PT: "a carga está no estado %s: não tem máquinas para conectar",
			EN: "the workload is %s: it has no machines to connect to"},
		"problem.access-ended": {ES: "Su acceso terminó", PT: "Seu acesso terminou", EN: "Your access has ended"},
		"problem.access-ended.detail": {ES: "su concesión, token o sesión vence ahora: no se emite un certificado que ya no valdría; pida a la institución que renueve el acceso o inicie sesión de nuevo",
			PT: "sua concessão, token ou sessão vence agora: não se emite um certificado que já não valeria; peça à instituição que renove o acesso ou entre de novo",
			EN: "your grant, token or session ends now: no certificate is issued that would no longer be valid; ask the institution to renew your access, or sign in again"},
	})
}
