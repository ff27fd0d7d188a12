package console

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"console.connect.title":    {ES: "Conectarse a %s · %s", PT: "Conectar a %s · %s", EN: "Connect to %s · %s"},
		"console.connect.link":     {ES: "Conectarse por SSH", PT: "Conectar por SSH", EN: "Connect with SSH"},
		"console.connect.cli":      {ES: "Desde su terminal", PT: "Do seu terminal", EN: "From your terminal"},
		"console.connect.cli.help": {ES: "Este comando obtiene un certificado para su clave y abre la sesión SSH:", PT: "Este comando obtém um certificado para sua chave e abre a sessão SSH:", EN: "This command gets a certificate for your key and opens the SSH session:"},
		"console.connect.how": {ES: "Las máquinas confían en la autoridad SSH de la institución y solo aceptan el principal de este proyecto. El certificado vale como máximo una hora y nunca más allá de su concesión; cada emisión queda en la auditoría.",
			PT: "As máquinas confiam na autoridade SSH da instituição e só aceitam o principal deste projeto. O certificado vale no máximo uma hora e nunca além da sua concessão; cada emissão fica na auditoria.",
			EN: "The machines trust the institution's SSH authority and accept this project's principal only. The certificate is valid for at most one hour and never past your grant; every issue is audited."},
		"console.connect.paste":     {ES: "Certificado para una clave pública", PT: "Certificado para uma chave pública", EN: "Certificate for a public key"},
		"console.connect.key":       {ES: "Clave pública SSH", PT: "Chave pública SSH", EN: "SSH public key"},
		"console.connect.key.help":  {ES: "Pegue el contenido de ~/.ssh/id_ed25519.pub (nunca la clave privada).", PT: "Cole o conteúdo de ~/.ssh/id_ed25519.pub (nunca a chave privada).", EN: "Paste the contents of ~/.ssh/id_ed25519.pub (never the private key)."},
		"console.connect.any":       {ES: "Todas", PT: "Todas", EN: "All"},
		"console.connect.issue":     {ES: "Emitir certificado", PT: "Emitir certificado", EN: "Issue certificate"},
		"console.connect.none":      {ES: "Esta carga no tiene máquinas a las que conectarse.", PT: "Esta carga não tem máquinas para conectar.", EN: "This workload has no machines to connect to."},
		"console.connect.issued":    {ES: "Certificado %s emitido.", PT: "Certificado %s emitido.", EN: "Certificate %s issued."},
		"console.connect.cert":      {ES: "Su certificado", PT: "Seu certificado", EN: "Your certificate"},
		"console.connect.serial":    {ES: "Número de serie", PT: "Número de série", EN: "Serial"},
		"console.connect.principal": {ES: "Principal", PT: "Principal", EN: "Principal"},
		"console.connect.until":     {ES: "Válido hasta", PT: "Válido até", EN: "Valid until"},
		"console.connect.save": {ES: "Guárdelo junto a su clave como ~/.ssh/id_ed25519-cert.pub y conéctese:",
			PT: "Salve-o junto à sua chave como ~/.ssh/id_ed25519-cert.pub e conecte-se:",
			EN: "Save it next to your key as ~/.ssh/id_ed25519-cert.pub and connect:"},
	})
}
