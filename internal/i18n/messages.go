package i18n

import _ "embed"

// messages.json holds this package's person-readable texts in es, pt-BR and en.
//
//go:embed messages.json
var messagesJSON []byte

func init() { MustLoad("internal/i18n/messages.json", messagesJSON) }
