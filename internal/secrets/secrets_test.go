package secrets_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

func TestSealOpenRotate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		old, err := secrets.ParseKeyring(secrets.NewKeyLine("k1"))
		if err != nil {
			t.Fatal(err)
		}
		box := secrets.NewBox(st, old)
		pw := []byte("os-password-Zr9!")
		if err := st.InTx(ctx, func(tx *store.Tx) error { return box.Put(ctx, tx, "provider", "prv_1", "openstack", pw) }); err != nil {
			t.Fatal(err)
		}
		row, _ := st.Read().GetSecret(ctx, "provider", "prv_1", "openstack")
		if strings.Contains(row.Ciphertext, string(pw)) || row.KeyID != "k1" {
			t.Fatalf("stored in clear: %+v", row)
		}
		v, err := box.Get(ctx, "provider", "prv_1", "openstack")
		if err != nil || !bytes.Equal(v.Reveal(), pw) {
			t.Fatalf("open: %v", err)
		}
		// Never printed, marshalled or logged.
		var logs bytes.Buffer
		slog.New(slog.NewTextHandler(&logs, nil)).Info("x", "secret", v)
		j, _ := json.Marshal(map[string]any{"v": v})
		if s := fmt.Sprintf("%v %s %#v", v, v, v) + string(j) + logs.String(); strings.Contains(s, string(pw)) {
			t.Fatalf("secret leaked: %s", s)
		}
		// A ciphertext moved to another row does not open.
		if err := st.InTx(ctx, func(tx *store.Tx) error {
			return tx.PutSecret(ctx, store.SecretRow{OwnerKind: "provider", OwnerID: "prv_2", Name: "openstack", KeyID: row.KeyID, Ciphertext: row.Ciphertext})
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := box.Get(ctx, "provider", "prv_2", "openstack"); !errors.Is(err, secrets.ErrTampered) {
			t.Fatalf("moved ciphertext: %v", err)
		}
		// Without its key a secret does not open.
		k2 := secrets.NewKeyLine("k2")
		ring, err := secrets.ParseKeyring(k2)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := secrets.NewBox(st, ring).Get(ctx, "provider", "prv_1", "openstack"); !errors.Is(err, secrets.ErrUnknown) {
			t.Fatalf("opened without its key: %v", err)
		}
	})
}

func TestRotate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		l1, l2 := secrets.NewKeyLine("2026-01"), secrets.NewKeyLine("2026-06")
		r1, _ := secrets.ParseKeyring(l1)
		for i := range 3 {
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				return secrets.NewBox(st, r1).Put(ctx, tx, "webhook", fmt.Sprint("app_", i), "hmac", []byte(fmt.Sprint("s", i)))
			}); err != nil {
				t.Fatal(err)
			}
		}
		r12, _ := secrets.ParseKeyring(l2 + "\n" + l1)
		n, err := secrets.NewBox(st, r12).Rotate(ctx, audit.Operator("ana", "", "", ""))
		if err != nil || n != 3 {
			t.Fatalf("rotate: %d %v", n, err)
		}
		evs, err := st.Read().AuditEvents(ctx, store.AuditFilter{Limit: 10})
		if err != nil || len(evs) != 1 {
			t.Fatalf("audit events after a rotation: %v %v", evs, err)
		}
		if e := evs[0]; e.Action != "secrets.rotate" || e.ActorKind != audit.ActorOperator || e.ActorID != "ana" || e.TargetID != "2026-06" {
			t.Fatalf("rotation recorded as %+v", e)
		}
		if n, _ := secrets.NewBox(st, r12).Rotate(ctx, audit.Operator("ana", "", "", "")); n != 0 {
			t.Fatalf("second rotation re-sealed %d", n)
		}
		r2, _ := secrets.ParseKeyring(l2)
		v, err := secrets.NewBox(st, r2).Get(ctx, "webhook", "app_2", "hmac")
		if err != nil || string(v.Reveal()) != "s2" {
			t.Fatalf("after rotation: %v", err)
		}
	})
}

func TestKeyringParsing(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "nokey", "k:notbase64!", "k:" + strings.Repeat("A", 10), secrets.NewKeyLine("a") + "," + strings.Replace(secrets.NewKeyLine("a"), "a:", "a:", 1)} {
		if _, err := secrets.ParseKeyring(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
