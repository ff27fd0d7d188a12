package placement

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"placement.reason.image": {
			ES: "%d sin la imagen %s en el catálogo de su proveedor",
			PT: "%d sem a imagem %s no catálogo do seu provedor",
			EN: "%d without image %s in their provider's catalogue",
		},
	})
}
