package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestFingerprintSeesLateCommitWithOlderClock: on PostgreSQL two
// replicas edit two providers at once. Transaction A took its clock (T1)
// first; B, with a later clock (T2), commits first, and a third replica
// reads the fingerprint; then A commits its update, stamped T1 < T2. The
// row count and the newest updated_at are what they were, so a
// fingerprint of those misses A's edit until some unrelated later
// change; the fleet tables' change counter moves on. The same for a
// delete and an insert in one transaction (count and newest updated_at
// kept).
func TestFingerprintSeesLateCommitWithOlderClock(t *testing.T) {
	url := storetest.PostgresURL(t)
	a, b, reader := storetest.Open(t, url), storetest.Open(t, url), storetest.Open(t, url)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	t1, t2 := t0.Add(time.Second), t0.Add(2*time.Second)
	a.SetClock(func() time.Time { return t1 })
	b.SetClock(func() time.Time { return t2 })
	reader.SetClock(func() time.Time { return t0 })

	var pa, pb model.Provider
	if err := reader.InTx(ctx, func(tx *store.Tx) error {
		for i, p := range []*model.Provider{&pa, &pb} {
			*p = model.Provider{Name: "prv-" + string(rune('a'+i)), Driver: model.DriverSim,
				Jurisdiction: "BR", Certification: "public", Currency: "BRL"}
			p.Defaults()
			if err := tx.Providers().Create(ctx, p, "prv"); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// A begins (its first statement takes its snapshot) and waits; B
	// edits the other provider and commits; the reader reads; A goes on.
	began, goOn := make(chan struct{}), make(chan struct{})
	doneA := make(chan error, 1)
	go func() {
		first := true
		doneA <- a.InTx(ctx, func(tx *store.Tx) error {
			p, err := tx.Providers().Get(ctx, pa.ID)
			if err != nil {
				return err
			}
			if first { // a run after a refusal does not wait again
				first = false
				close(began)
				<-goOn
			}
			p.Certification = "sovereign"
			return tx.Providers().Update(ctx, &p)
		})
	}()
	<-began
	if err := b.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Providers().Get(ctx, pb.ID)
		if err != nil {
			return err
		}
		p.Certification = "sovereign"
		return tx.Providers().Update(ctx, &p)
	}); err != nil {
		t.Fatal(err)
	}
	seen, err := reader.Read().Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	close(goOn)
	if err := <-doneA; err != nil {
		t.Fatal(err)
	}
	got, err := reader.Read().Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got == seen {
		t.Fatalf("a provider edit that committed last with the older clock left the fingerprint at %q", got)
	}

	// A delete and an insert in one transaction, stamped before the
	// newest updated_at.
	seen = got
	if err := a.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.Providers().Delete(ctx, pa.ID); err != nil {
			return err
		}
		p := model.Provider{Name: "prv-replacement", Driver: model.DriverSim, Jurisdiction: "BR", Certification: "public", Currency: "BRL"}
		p.Defaults()
		return tx.Providers().Create(ctx, &p, "prv")
	}); err != nil {
		t.Fatal(err)
	}
	if got, err = reader.Read().Fingerprint(ctx); err != nil {
		t.Fatal(err)
	}
	if got == seen {
		t.Fatalf("a delete and an insert in one transaction left the fingerprint at %q", got)
	}
}
