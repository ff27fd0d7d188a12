package auth

import (
	"context"
	"time"

	"github.com/soberana/soberana/internal/store"
)

// ConsoleState is what the identity service keeps for the web console in
// the database, so that every replica behind one address sees it: the
// console's sessions and each person's chosen language. The console holds
// it through a narrow interface (console.SessionStore) and never the
// store.
//
// A session row is opaque here: the console keys it by the SHA-256 of the
// cookie's random id and seals its body (the API credential it wraps)
// under a key derived from that id, which only the browser has. Signing
// in and out are the identity API's own audited calls (POST
// /v1/auth/login, /v1/auth/logout); these rows only remember which API
// credential a console cookie stands for.
type ConsoleState struct{ st *store.Store }

// Console returns the console's state over the service's database.
func (s *Service) Console() ConsoleState { return ConsoleState{st: s.st} }

// consoleLangPrefix prefixes the setting that remembers a person's console
// language (console.lang.<user or token id>).
const consoleLangPrefix = "console.lang."

// PutSession stores (or replaces) a console session's sealed body.
func (c ConsoleState) PutSession(ctx context.Context, idHash, sealed string, expires time.Time) error {
	return c.st.PutConsoleSession(ctx, idHash, sealed, expires)
}

// Session finds a console session that has not expired at now.
func (c ConsoleState) Session(ctx context.Context, idHash string, now time.Time) (sealed string, expires time.Time, ok bool, err error) {
	return c.st.ConsoleSession(ctx, idHash, now)
}

// DropSession removes a console session (sign-out).
func (c ConsoleState) DropSession(ctx context.Context, idHash string) error {
	return c.st.DropConsoleSession(ctx, idHash)
}

// SweepSessions removes the console sessions expired at now.
func (c ConsoleState) SweepSessions(ctx context.Context, now time.Time) error {
	return c.st.SweepConsoleSessions(ctx, now)
}

// Lang is the console language who chose last ("" when none).
func (c ConsoleState) Lang(ctx context.Context, who string) (string, error) {
	v, _, err := c.st.Read().Setting(ctx, consoleLangPrefix+who)
	return v, err
}

// SetLang remembers who's console language.
func (c ConsoleState) SetLang(ctx context.Context, who, lang string) error {
	return c.st.InTx(ctx, func(tx *store.Tx) error {
		return tx.PutSetting(ctx, consoleLangPrefix+who, lang)
	})
}
