package console

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"console.request.firstboot":     {ES: "Imagen y primer arranque", PT: "Imagem e primeira inicialização", EN: "Image and first boot"},
		"console.request.image":         {ES: "Imagen (sistema operativo)", PT: "Imagem (sistema operacional)", EN: "Image (operating system)"},
		"console.request.image.default": {ES: "La imagen predeterminada del proveedor", PT: "A imagem padrão do provedor", EN: "The provider's default image"},
		"console.request.image.help": {
			ES: "Solo se consideran los sitios cuyo proveedor tiene esta imagen en su catálogo.",
			PT: "Só são considerados os sites cujo provedor tem esta imagem no catálogo.",
			EN: "Only sites whose provider has this image in its catalogue are considered."},
		"console.request.keys": {ES: "Claves SSH autorizadas", PT: "Chaves SSH autorizadas", EN: "Authorized SSH keys"},
		"console.request.keys.none": {
			ES: "No tiene claves SSH; agregue una con «soberana ssh-key add» o POST /v1/ssh-keys.",
			PT: "Você não tem chaves SSH; adicione uma com «soberana ssh-key add» ou POST /v1/ssh-keys.",
			EN: "You have no SSH keys; add one with \"soberana ssh-key add\" or POST /v1/ssh-keys."},
		"console.request.userdata": {ES: "Datos de usuario (cloud-init)", PT: "Dados de usuário (cloud-init)", EN: "User data (cloud-init)"},
		"console.request.userdata.help": {
			ES: "Opcional: «#cloud-config» en YAML o un script que empiece por «#!», hasta 16 KiB.",
			PT: "Opcional: «#cloud-config» em YAML ou um script que comece com «#!», até 16 KiB.",
			EN: "Optional: \"#cloud-config\" YAML or a script starting with \"#!\", up to 16 KiB."},
	})
}
