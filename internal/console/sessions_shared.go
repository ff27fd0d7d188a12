package console

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/soberana/soberana/internal/i18n"
)

// Sessions in the database, for several replicas behind a load balancer:
// a session made through one replica works through all. The table holds
// no usable secret: rows are keyed by the SHA-256 of the cookie's random
// id and their body is sealed with AES-256-GCM under a key derived from
// that id, which only the browser has. The console reaches the table
// through SessionStore (the identity service's auth.ConsoleState), never
// the store.

// SessionStore keeps the console's sessions, and each person's chosen
// language, where every replica sees them. auth.Service.Console satisfies
// it.
type SessionStore interface {
	// PutSession stores (or replaces) a session's sealed body.
	PutSession(ctx context.Context, idHash, sealed string, expires time.Time) error
	// Session finds a session that has not expired at now.
	Session(ctx context.Context, idHash string, now time.Time) (sealed string, expires time.Time, ok bool, err error)
	// DropSession removes a session.
	DropSession(ctx context.Context, idHash string) error
	// SweepSessions removes the sessions expired at now.
	SweepSessions(ctx context.Context, now time.Time) error
	// Lang is the language who chose last ("" when none); SetLang
	// remembers it.
	Lang(ctx context.Context, who string) (string, error)
	SetLang(ctx context.Context, who, lang string) error
}

// sessionStoreTimeout bounds one session read or write.
const sessionStoreTimeout = 5 * time.Second

type sealedSession struct {
	Cred credential `json:"cred"`
	Who  principal  `json:"who"`
	Lang i18n.Lang  `json:"lang"`
}

func sessionIDHash(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

func sessionAEAD(id string) (cipher.AEAD, error) {
	k := sha256.Sum256([]byte("soberana/console-session/v1\x00" + id))
	b, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func sealSession(ss *session) (string, error) {
	body, err := json.Marshal(sealedSession{Cred: ss.cred, Who: ss.Who, Lang: ss.Lang})
	if err != nil {
		return "", err
	}
	g, err := sessionAEAD(ss.ID)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawStdEncoding.EncodeToString(g.Seal(nonce, nonce, body, []byte(sessionIDHash(ss.ID)))), nil
}

func openSession(id, sealed string) (*session, error) {
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil {
		return nil, err
	}
	g, err := sessionAEAD(id)
	if err != nil {
		return nil, err
	}
	if len(raw) < g.NonceSize() {
		return nil, errors.New("console session: short body")
	}
	body, err := g.Open(nil, raw[:g.NonceSize()], raw[g.NonceSize():], []byte(sessionIDHash(id)))
	if err != nil {
		return nil, err
	}
	var b sealedSession
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, err
	}
	return &session{ID: id, cred: b.Cred, Who: b.Who, Lang: b.Lang}, nil
}

// sharedSessions keeps sessions in the database.
type sharedSessions struct {
	st  SessionStore
	log *slog.Logger
}

func (s *sessions) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), sessionStoreTimeout)
}

func (s *sessions) dbCreate(ss *session) {
	ctx, cancel := s.ctx()
	defer cancel()
	now := s.now()
	if err := s.db.st.SweepSessions(ctx, now); err != nil {
		s.db.log.Warn("sweeping console sessions", "err", err)
	}
	s.dbPut(ctx, ss)
}

func (s *sessions) dbPut(ctx context.Context, ss *session) {
	sealed, err := sealSession(ss)
	if err == nil {
		err = s.db.st.PutSession(ctx, sessionIDHash(ss.ID), sealed, ss.Expires)
	}
	if err != nil {
		s.db.log.Warn("storing a console session", "err", err)
	}
}

func (s *sessions) dbGet(id string) *session {
	ctx, cancel := s.ctx()
	defer cancel()
	sealed, exp, ok, err := s.db.st.Session(ctx, sessionIDHash(id), s.now())
	if err != nil {
		s.db.log.Warn("reading a console session", "err", err)
		return nil
	}
	if !ok {
		return nil
	}
	ss, err := openSession(id, sealed)
	if err != nil {
		return nil
	}
	ss.Expires = exp
	return ss
}

func (s *sessions) dbSetLang(id string, l i18n.Lang) {
	ss := s.dbGet(id)
	if ss == nil {
		return
	}
	ss.Lang = l
	ctx, cancel := s.ctx()
	defer cancel()
	s.dbPut(ctx, ss)
}

func (s *sessions) dbDrop(id string) {
	ctx, cancel := s.ctx()
	defer cancel()
	if err := s.db.st.DropSession(ctx, sessionIDHash(id)); err != nil {
		s.db.log.Warn("dropping a console session", "err", err)
	}
}
