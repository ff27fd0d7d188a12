package api

import "github.com/soberana/soberana/internal/i18n"

func init() {
	i18n.Add(map[string]i18n.Text{
		"utilization.window": {
			ES: "debe ser una duración positiva de hasta 24h (p. ej. 30m, 6h)",
			PT: "deve ser uma duração positiva de até 24h (p. ex. 30m, 6h)",
			EN: "must be a positive duration of at most 24h (e.g. 30m, 6h)",
		},
	})
}
