package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestLockoutSameForUnknownEmails: a sign-in with an e-mail address of no
// user is answered exactly as one of a user with a wrong password — the
// same error at every attempt, locked after the same number of failures,
// unlocked at the same time — and every attempt, on either, verifies one
// argon2id hash, so neither the answer nor the time it takes tells
// whether the account exists.
func TestLockoutSameForUnknownEmails(t *testing.T) {
	saved := DefaultArgon2
	savedDummy := dummyHash
	DefaultArgon2 = Argon2Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32}
	dummyHash = hashWith("soberana-dummy-password", DefaultArgon2)
	defer func() { DefaultArgon2, dummyHash = saved, savedDummy }()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		svc := New(st, Options{Now: clock, MaxFailures: 3, LockFor: 10 * time.Minute})
		const password = "correct horse battery staple"
		hash, err := HashPassword(password)
		if err != nil {
			t.Fatal(err)
		}
		u := model.User{Email: "ana@saude.gov.br", Name: "Ana", PasswordHash: hash}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.CreateUser(ctx, &u) }); err != nil {
			t.Fatal(err)
		}
		try := func(email, pw string) error {
			t.Helper()
			before := verifications.Load()
			_, err := svc.Login(ctx, email, pw)
			if n := verifications.Load() - before; n != 1 {
				t.Errorf("sign-in of %s verified %d hashes, want 1", email, n)
			}
			return err
		}
		for i := 1; i <= 4; i++ {
			known, unknown := try("ana@saude.gov.br", "wrong password!"), try("nobody@saude.gov.br", "wrong password!")
			want := ErrBadCredentials
			if i >= 3 {
				want = ErrLocked
			}
			if !errors.Is(known, want) || !errors.Is(unknown, want) {
				t.Fatalf("attempt %d: known %v, unknown %v; want %v for both", i, known, unknown, want)
			}
		}
		// Locked: even the right password is refused, for both.
		if k, un := try("ana@saude.gov.br", password), try("nobody@saude.gov.br", password); !errors.Is(k, ErrLocked) || !errors.Is(un, ErrLocked) {
			t.Fatalf("locked: known %v, unknown %v", k, un)
		}
		// When the lock ends, a wrong password is answered alike again.
		mu.Lock()
		now = now.Add(11 * time.Minute)
		mu.Unlock()
		if k, un := try("ana@saude.gov.br", "wrong password!"), try("nobody@saude.gov.br", "wrong password!"); !errors.Is(k, un) {
			t.Fatalf("after the lock: known %v, unknown %v", k, un)
		}
		mu.Lock()
		now = now.Add(11 * time.Minute)
		mu.Unlock()
		if _, err := svc.Login(ctx, "ana@saude.gov.br", password); err != nil {
			t.Fatalf("the right password after the lock: %v", err)
		}
	})
}
