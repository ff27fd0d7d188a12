package audit_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// TestWriteFailsTogether: audit.Write's change and its event commit or
// fail together. When fn fails, or the COMMIT does (a deferred
// constraint), the caller gets the failure and neither the change, nor
// the event, nor the event of the request ctx carries is stored — and
// that request event is not marked written, so the request's own
// transaction still records it. On success both events are in the chain,
// the system's first. With and without a request in ctx, on SQLite and
// PostgreSQL.
func TestWriteFailsTogether(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		errRefused := errors.New("refused by the test")
		for _, request := range []bool{false, true} {
			for _, how := range []string{"fn", "commit", "ok"} {
				name := fmt.Sprintf("%s-%v", how, request)
				wctx, req := ctx, (*store.PendingAudit)(nil)
				if request {
					req = &store.PendingAudit{Event: model.AuditEvent{ActorKind: "user", ActorID: "u", Action: "POST /v1/providers",
						TargetKind: "providers", TargetID: "req-" + name, Outcome: "success", Status: 201}}
					wctx = store.WithAudit(ctx, req)
				}
				var want error
				err := audit.Write(wctx, st, audit.System("test", "provider.add", "providers", ""), func(tx *store.Tx, e *model.AuditEvent) error {
					p := model.Provider{Name: name, Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "BRL"}
					p.Defaults()
					if err := tx.Providers().Create(ctx, &p, "prv"); err != nil {
						return err
					}
					e.TargetID = name
					switch how {
					case "fn":
						want = errRefused
						return errRefused
					case "commit":
						var err error
						want, err = storetest.FailAtCommit(ctx, tx)
						return err
					}
					return nil
				})
				if !errors.Is(err, want) || (want == nil) != (err == nil) {
					t.Errorf("%s: %v, want %v", name, err, want)
				}
				n, cerr := st.Read().Providers().Count(ctx, map[string]string{"name": name})
				if cerr != nil {
					t.Fatal(cerr)
				}
				evs, eerr := st.Read().AuditEvents(ctx, store.AuditFilter{TargetID: name})
				if eerr != nil {
					t.Fatal(eerr)
				}
				reqs, rerr := st.Read().AuditEvents(ctx, store.AuditFilter{TargetID: "req-" + name})
				if rerr != nil {
					t.Fatal(rerr)
				}
				if want != nil {
					if n != 0 || len(evs) != 0 || len(reqs) != 0 || (req != nil && req.Written()) {
						t.Errorf("%s failed but left %d providers, events %+v, request events %+v (written: %v)", name, n, evs, reqs, req != nil && req.Written())
					}
					continue
				}
				if n != 1 || len(evs) != 1 || evs[0].Action != "provider.add" || evs[0].ActorID != audit.ActorSystem {
					t.Errorf("%s: %d providers, events %+v, want the change and its event", name, n, evs)
				}
				if request && (len(reqs) != 1 || !req.Written() || reqs[0].Seq <= evs[0].Seq) {
					t.Errorf("%s: request events %+v (written: %v), want it once, after the system's", name, reqs, req.Written())
				}
			}
		}
	})
}
