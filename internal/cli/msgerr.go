package cli

import (
	"errors"
	"strings"

	"github.com/soberana/soberana/internal/i18n"
)

// msgError is a CLI error a person reads, kept as its catalog key
// (messages.json) and arguments: Error says it in English (logs, tests,
// errors that wrap it); the CLI prints it in the reader's language
// (localizeErr), so code far from the command's language need not carry
// it.
type msgError struct {
	key  string
	args []any
}

func msgErr(key string, args ...any) error { return &msgError{key: key, args: args} }

func (e *msgError) Error() string         { return e.in(i18n.EN) }
func (e *msgError) in(l i18n.Lang) string { return i18n.T(l, e.key, e.args...) }

// localizeErr is err's text in l: each msgError in its chain is said in
// l, in place; the text that wraps it is kept.
func localizeErr(l i18n.Lang, err error) string {
	s := err.Error()
	for e := err; e != nil; e = errors.Unwrap(e) {
		if me, ok := e.(*msgError); ok {
			s = strings.Replace(s, me.Error(), me.in(l), 1)
		}
	}
	return s
}
