package edge

import (
	_ "embed"

	"github.com/soberana/soberana/internal/i18n"
)

// messages.json holds this package's person-readable texts in es, pt-BR and en.
//
//go:embed messages.json
var messagesJSON []byte

func init() { i18n.MustLoad("internal/edge/messages.json", messagesJSON) }
