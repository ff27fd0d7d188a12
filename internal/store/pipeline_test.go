package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestPipelined: writes queued by Tx.Pipelined (one pipelined batch on
// PostgreSQL, run as usual on SQLite) land in order and commit with the
// transaction; a read inside sees the writes queued before it; a unique
// violation of a queued insert maps to ErrDuplicate as Exec's does and
// leaves nothing of its transaction, or, in a group commit, of its
// writer's savepoint alone; a writer that fails after queuing sends
// nothing.
func TestPipelined(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		pg := s.Dialect() == store.Postgres
		lctx, log := store.LogStatements(ctx)
		provider := func(tx *store.Tx, name string) error {
			p := model.Provider{Name: name, Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
			p.Defaults()
			return tx.Providers().Create(lctx, &p, "prv")
		}
		names := func() map[string]bool {
			t.Helper()
			page, err := s.Read().Providers().List(ctx, store.ListOptions{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, p := range page.Items {
				got[p.Name] = true
			}
			return got
		}
		var seen int64
		err := s.InTx(lctx, func(tx *store.Tx) error {
			return tx.Pipelined(lctx, func() error {
				if err := provider(tx, "a"); err != nil {
					return err
				}
				if err := provider(tx, "b"); err != nil {
					return err
				}
				// A read sends what is queued first.
				if err := tx.QueryRow(lctx, `SELECT COUNT(*) FROM providers WHERE name IN ('a', 'b')`).Scan(&seen); err != nil {
					return err
				}
				return provider(tx, "c")
			})
		})
		if err != nil || seen != 2 {
			t.Fatalf("pipelined writes: %v, the read inside saw %d of 2", err, seen)
		}
		if got := names(); !got["a"] || !got["b"] || !got["c"] {
			t.Fatalf("stored %v, want a, b and c", got)
		}
		piped := 0
		for _, q := range log.Statements() {
			if strings.HasPrefix(q, store.PipelinedPrefix) {
				piped++
			}
		}
		if want := map[bool]int{true: 3, false: 0}[pg]; piped != want {
			t.Fatalf("%d statements logged as pipelined, want %d: %v", piped, want, log.Statements())
		}

		// A duplicate inside the batch: the transaction leaves nothing.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			return tx.Pipelined(ctx, func() error {
				if err := provider(tx, "d"); err != nil {
					return err
				}
				if err := provider(tx, "a"); err != nil {
					return err
				}
				return provider(tx, "e")
			})
		})
		if !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("a duplicate in a pipeline: %v, want ErrDuplicate", err)
		}
		if got := names(); got["d"] || got["e"] {
			t.Fatalf("a failed pipeline left %v", got)
		}

		// In a group commit: each writer in its savepoint.
		errFails := errors.New("fails after queuing")
		ctxs := []context.Context{store.ReadCommitted(ctx), store.ReadCommitted(ctx), store.ReadCommitted(ctx), store.ReadCommitted(ctx)}
		fns := make([]func(tx *store.Tx) error, len(ctxs))
		for i := range fns {
			fns[i] = func(tx *store.Tx) error {
				return tx.Pipelined(ctx, func() error {
					if err := provider(tx, fmt.Sprintf("g%d", i)); err != nil {
						return err
					}
					switch i {
					case 1:
						return provider(tx, "g0") // queued after writer 0's
					case 2:
						return errFails
					}
					return provider(tx, fmt.Sprintf("g%d-2", i))
				})
			}
		}
		errs := s.RunGroupForTest(ctxs, fns)
		want := []error{nil, store.ErrDuplicate, errFails, nil}
		for i := range errs {
			if !errors.Is(errs[i], want[i]) || (want[i] == nil && errs[i] != nil) {
				t.Errorf("writer %d: %v, want %v", i, errs[i], want[i])
			}
		}
		got := names()
		for name, stored := range map[string]bool{"g0": true, "g0-2": true, "g1": false, "g2": false, "g3": true, "g3-2": true} {
			if got[name] != stored {
				t.Errorf("provider %s stored = %v, want %v", name, got[name], stored)
			}
		}
	})
}

// TestPipelinedLastCarriesTheAudit: PipelinedLast sends the request's
// pending audit event in its batch on PostgreSQL (after fn elsewhere),
// writes it once, and marks it written only when the transaction commits;
// a duplicate in the batch leaves the event unwritten.
func TestPipelinedLastCarriesTheAudit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		pg := s.Dialect() == store.Postgres
		for _, tc := range []struct {
			name    string
			dup     bool
			written bool
		}{{"commits", false, true}, {"duplicate", true, false}} {
			pending := &store.PendingAudit{Event: model.AuditEvent{ActorKind: "user", Action: "POST /test/" + tc.name, Outcome: "success", Status: 201}}
			lctx, log := store.LogStatements(store.WithAudit(context.Background(), pending))
			err := s.InTx(lctx, func(tx *store.Tx) error {
				return tx.PipelinedLast(lctx, func() error {
					p := model.Provider{Name: "last-" + tc.name, Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
					p.Defaults()
					if err := tx.Providers().Create(lctx, &p, "prv"); err != nil {
						return err
					}
					if !tc.dup {
						return nil
					}
					q := model.Provider{Name: p.Name, Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
					q.Defaults()
					return tx.Providers().Create(lctx, &q, "prv")
				})
			})
			if tc.dup != errors.Is(err, store.ErrDuplicate) {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if pending.Written() != tc.written {
				t.Fatalf("%s: event written %v, want %v", tc.name, pending.Written(), tc.written)
			}
			audits, pipedAudits := 0, 0
			for _, q := range log.Statements() {
				if strings.Contains(q, "INSERT INTO audit_") {
					audits++
					if strings.HasPrefix(q, store.PipelinedPrefix) {
						pipedAudits++
					}
				}
			}
			// On SQLite the event follows fn, so a failing fn writes none.
			want := 1
			if !pg && tc.dup {
				want = 0
			}
			if audits != want || (pg && pipedAudits != 1) || (!pg && pipedAudits != 0) {
				t.Fatalf("%s: %d audit inserts, %d pipelined:\n%s", tc.name, audits, pipedAudits, strings.Join(log.Statements(), "\n"))
			}
		}
	})
}

// TestPipelinedBulkInsert: inside Pipelined a bulk insert without
// RETURNING is queued, and one with RETURNING goes with what is queued in
// one batch and still answers which rows it inserted; a queued statement
// that fails fails that insert with its own error (ErrDuplicate) and
// leaves nothing.
func TestPipelinedBulkInsert(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		pg := s.Dialect() == store.Postgres
		line := func(id string) model.LedgerLine {
			return model.LedgerLine{ID: id, Kind: model.LedgerCommitment, Period: "2026-12", InstitutionID: "i",
				BudgetLineID: "b", ProjectID: "p", WorkloadID: "w-" + id, Currency: "BRL", AmountMinor: 100,
				ProviderCurrency: "BRL", ProviderMinor: 100, FXRate: "1"}
		}
		lctx, log := store.LogStatements(context.Background())
		var first, again map[string]bool
		err := s.InTx(lctx, func(tx *store.Tx) error {
			return tx.Pipelined(lctx, func() error {
				p := model.Provider{Name: "bulk-first", Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
				p.Defaults()
				if err := tx.Providers().Create(lctx, &p, "prv"); err != nil {
					return err
				}
				var err error
				if first, err = tx.InsertLedgerLines(lctx, []model.LedgerLine{line("l1")}); err != nil {
					return err
				}
				again, err = tx.InsertLedgerLines(lctx, []model.LedgerLine{line("l1")})
				return err
			})
		})
		if err != nil || !first["l1"] || again["l1"] {
			t.Fatalf("err %v, first insert %v, second %v", err, first, again)
		}
		qs := log.Statements()
		if len(qs) != 5 || !strings.Contains(qs[1], "INSERT INTO providers") || qs[2] != map[bool]string{true: store.PipelinedMorePrefix, false: ""}[pg]+"INSERT INTO ledger_lines" ||
			qs[3] != "INSERT INTO ledger_lines" || pg != strings.HasPrefix(qs[1], store.PipelinedPrefix) {
			t.Fatalf("statements:\n%s", strings.Join(qs, "\n"))
		}

		err = s.InTx(context.Background(), func(tx *store.Tx) error {
			return tx.Pipelined(context.Background(), func() error {
				p := model.Provider{Name: "bulk-dup", Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
				p.Defaults()
				if err := tx.Providers().Create(context.Background(), &p, "prv"); err != nil {
					return err
				}
				q := p
				if err := tx.Providers().Create(context.Background(), &q, "prv"); err != nil {
					return err
				}
				_, err := tx.InsertLedgerLines(context.Background(), []model.LedgerLine{line("l2")})
				return err
			})
		})
		if !errors.Is(err, store.ErrDuplicate) {
			t.Fatalf("a duplicate queued before a bulk insert: %v", err)
		}
		if ok, err := s.Read().LedgerLineExists(context.Background(), "l2"); err != nil || ok {
			t.Fatalf("line l2 stored %v (%v) after its transaction failed", ok, err)
		}
	})
}
