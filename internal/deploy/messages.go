package deploy

import (
	"encoding/json"

	"github.com/soberana/soberana/internal/i18n"
)

// Msg is a reason stored as a message key and arguments, rendered in the
// reader's language.
type Msg struct {
	Key  string   `json:"key"`
	Args []string `json:"args,omitempty"`
}

// M makes a Msg.
func M(key string, args ...string) Msg { return Msg{Key: key, Args: args} }

func (m Msg) enc() string {
	b, _ := json.Marshal(m)
	return string(b)
}

// Render renders a stored reason in lang; text that is not an encoded
// message is returned as it is.
func Render(lang i18n.Lang, stored string) string {
	var m Msg
	if stored == "" || json.Unmarshal([]byte(stored), &m) != nil || m.Key == "" {
		return stored
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = a
	}
	return i18n.T(lang, m.Key, args...)
}
