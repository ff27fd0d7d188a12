package residency

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"residency.html.foreign_exposure": {ES: "Exposición a jurisdicción extranjera", PT: "Exposição a jurisdição estrangeira", EN: "Foreign-jurisdiction exposure"},
		"residency.html.foreign":          {ES: "extranjera", PT: "estrangeira", EN: "foreign"},
		"residency.html.data_policy":      {ES: "Política de datos", PT: "Política de dados", EN: "Data policy"},
	})
}
