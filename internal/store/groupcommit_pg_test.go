package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestGroupCommitReservesExactly runs one group of creates by hand (as
// Write gathers concurrent creates at READ COMMITTED: on PostgreSQL too
// since issue #19) on a budget line with room for three reservations:
// each writer reserves in place inside its own savepoint, so the group
// commits exactly the reservations that fitted in order, a writer that
// fails after reserving leaves neither its reservation nor its row nor
// its audit event, the refused ones get their refusal, and the audit
// chain holds one event per committed writer and still links.
func TestGroupCommitReservesExactly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		line := newBudgetLine(t, s, 1000)
		errNoRoom, errFails := errors.New("no room"), errors.New("fails after reserving")
		const n = 8
		ctxs := make([]context.Context, n)
		fns := make([]func(tx *store.Tx) error, n)
		for i := range n {
			ctxs[i] = store.WithAudit(store.ReadCommitted(ctx), &store.PendingAudit{Event: model.AuditEvent{ActorKind: "user",
				ActorID: "u", Action: "provider.create", TargetKind: "provider", TargetID: fmt.Sprint(i), Outcome: "success", Status: 201}})
			fns[i] = func(tx *store.Tx) error {
				if tx.ReservesAtCommit() {
					return errors.New("a group reserves in place")
				}
				p := model.Provider{Name: fmt.Sprintf("g%d", i), Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
				p.Defaults()
				if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
					return err
				}
				_, ok, err := tx.ReserveBudget(ctx, line.ID, 300, line.AmountMinor, false)
				if err != nil {
					return err
				}
				if !ok {
					return errNoRoom
				}
				if i == 1 {
					return errFails
				}
				return nil
			}
		}
		errs := s.RunGroupForTest(ctxs, fns)
		want := []error{nil, errFails, nil, nil, errNoRoom, errNoRoom, errNoRoom, errNoRoom}
		for i := range n {
			if !errors.Is(errs[i], want[i]) || (want[i] == nil && errs[i] != nil) {
				t.Errorf("writer %d: %v, want %v", i, errs[i], want[i])
			}
		}
		bals, err := s.Read().BudgetBalances(ctx, []string{line.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got := bals[line.ID].CommittedMinor; got != 900 {
			t.Errorf("committed %d, want 900 (writers 0, 2 and 3)", got)
		}
		provs, err := s.Read().Providers().Count(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if provs != 3 {
			t.Errorf("%d providers, want 3", provs)
		}
		evs, err := s.Read().AuditEvents(ctx, store.AuditFilter{Action: "provider.create"})
		if err != nil {
			t.Fatal(err)
		}
		var targets []string
		for _, e := range evs {
			targets = append(targets, e.TargetID)
		}
		if fmt.Sprint(targets) != "[0 2 3]" {
			t.Errorf("audit targets %v, want [0 2 3]", targets)
		}
		all, err := s.Read().AuditEvents(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		prev := ""
		for _, e := range all {
			if e.PrevHash != prev || e.ComputeHash() != e.Hash {
				t.Fatalf("audit chain broken at seq %d", e.Seq)
			}
			prev = e.Hash
		}
	})
}

// newBudgetLine creates an institution and a BRL budget line of amount.
func newBudgetLine(t *testing.T, s *store.Store, amount int64) model.BudgetLine {
	t.Helper()
	ctx := context.Background()
	var line model.BudgetLine
	err := s.InTx(ctx, func(tx *store.Tx) error {
		ins := model.Institution{Name: "Ministério", Country: "BR", Currency: "BRL"}
		if err := tx.Institutions().Create(ctx, &ins, "ins"); err != nil {
			return err
		}
		line = model.BudgetLine{InstitutionID: ins.ID, FiscalYear: 2026, Code: "10.1", Name: "nuvem", Currency: "BRL", AmountMinor: amount}
		return tx.BudgetLines().Create(ctx, &line, "bl")
	})
	if err != nil {
		t.Fatal(err)
	}
	return line
}
