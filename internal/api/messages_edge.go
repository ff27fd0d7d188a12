package api

import (
	"strconv"

	"github.com/soberana/soberana/internal/i18n"
)

func itoa(n int) string { return strconv.Itoa(n) }

func init() {
	i18n.Add(map[string]i18n.Text{
		"problem.edge-import.detail": {ES: "la importación tiene %d errores; no se registró nada (ver rows)", PT: "a importação tem %d erros; nada foi registrado (ver rows)", EN: "the import has %d errors; nothing was registered (see rows)"},
	})
}
