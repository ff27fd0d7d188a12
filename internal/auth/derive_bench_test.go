package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/store/storetest"
)

// BenchmarkTokenPrincipal measures what deriving costs at each request: a
// root service token (no maker) against a vendor's deploy token, resolved
// within its maker's live grant, and a token made by that token.
func BenchmarkTokenPrincipal(b *testing.B) {
	ctx := context.Background()
	st := storetest.SQLite(b)
	svc := auth.New(st, auth.Options{})
	var root, deploy, child string
	err := st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if root, _, err = auth.BootstrapToken(ctx, tx, "admin", ""); err != nil {
			return err
		}
		ins := model.Institution{Name: "Ministerio", Country: "CL", Currency: "CLP"}
		if err := tx.Institutions().Create(ctx, &ins, "ins"); err != nil {
			return err
		}
		bl := model.BudgetLine{InstitutionID: ins.ID, FiscalYear: 2026, Code: "21-04", Name: "nube", Currency: "CLP", AmountMinor: 1}
		if err := tx.BudgetLines().Create(ctx, &bl, "bl"); err != nil {
			return err
		}
		prj := model.Project{InstitutionID: ins.ID, BudgetLineID: bl.ID, Name: "portal"}
		if err := tx.Projects().Create(ctx, &prj, "prj"); err != nil {
			return err
		}
		u := model.User{Email: "dev@vendor.example", Name: "dev"}
		if err := tx.CreateUser(ctx, &u); err != nil {
			return err
		}
		g := model.Grant{ProjectID: prj.ID, InstitutionID: ins.ID, UserID: u.ID, Role: auth.RoleDeveloper, ExpiresAt: time.Now().Add(time.Hour), CreatedBy: "test"}
		if err := tx.CreateGrant(ctx, &g); err != nil {
			return err
		}
		vendor := &auth.Principal{Kind: auth.KindUser, UserID: u.ID, Person: u.ID, Bindings: []auth.Binding{{Role: auth.RoleDeveloper,
			Scope: auth.Scope{Kind: auth.Project, ID: prj.ID}, Institution: ins.ID, Via: "grant:" + g.ID}}}
		spec := auth.TokenSpec{Name: "ci", Kind: auth.TokenDeploy, ScopeKind: auth.Project, ScopeID: prj.ID}
		var tok model.APIToken
		if deploy, tok, err = svc.IssueToken(ctx, tx, vendor, spec); err != nil {
			return err
		}
		by := &auth.Principal{Kind: auth.KindToken, TokenID: tok.ID, GrantID: g.ID, Bindings: vendor.Bindings}
		child, _, err = svc.IssueToken(ctx, tx, by, spec)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, secret string }{{"root", root}, {"derived", deploy}, {"derived-twice", child}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p, _, err := svc.TokenPrincipal(ctx, c.secret, "127.0.0.1")
				if err != nil || len(p.Bindings) != 1 {
					b.Fatalf("%v %+v", err, p)
				}
			}
		})
	}
}
