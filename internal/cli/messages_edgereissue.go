package cli

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"cli.edge.reissued": {ES: "credencial nueva del subcloud %s; la anterior se rechaza desde ahora; clave privada en %s (guárdela: no se muestra de nuevo)",
			PT: "credencial nova do subcloud %s; a anterior é recusada a partir de agora; chave privada em %s (guarde-a: não é mostrada de novo)",
			EN: "new credential for subcloud %s; the old one is refused from now on; private key in %s (keep it: it is not shown again)"},
	})
}
