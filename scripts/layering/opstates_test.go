package layering

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"testing"
)

// opStateOwners are the state types of operations declared in
// internal/model and the one package that moves each (by its SetState,
// which checks the type's transition table).
var opStateOwners = map[string]string{
	"MigrationState":  "internal/migrate",
	"EvacuationState": "internal/migrate",
	"AlertState":      "internal/alert",
	"DeliveryState":   "internal/alert",
}

// opStateConsts reads the constants of the opStateOwners types from
// internal/model: constant name → owning package.
func opStateConsts(t *testing.T, files []file) map[string]string {
	t.Helper()
	out := modelConsts(files, func(typ string) string { return opStateOwners[typ] })
	if len(out) < 10 {
		t.Fatalf("found %d operation state constants in internal/model: the check no longer reads them", len(out))
	}
	return out
}

// opStateWrites lists the writes of an operation state in f that its
// package may not make: outside the owner, any State field set to (or
// SetState called with) one of the constants; in the owner, a State field
// assigned one directly instead of through SetState (a composite literal
// that creates the record is allowed there).
func opStateWrites(f file, consts map[string]string) []string {
	var bad []string
	owned := func(e ast.Expr) (string, string, bool) {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return "", "", false
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok || pkg.Name != "model" || consts[sel.Sel.Name] == "" {
			return "", "", false
		}
		return "model." + sel.Sel.Name, consts[sel.Sel.Name], true
	}
	ast.Inspect(f.ast, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				sel, ok := l.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "State" || i >= len(n.Rhs) {
					continue
				}
				if c, _, ok := owned(n.Rhs[i]); ok {
					bad = append(bad, f.path+": .State = "+c+" (use SetState, which checks the table)")
				}
			}
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.Ident); ok && k.Name == "State" {
				if c, owner, ok := owned(n.Value); ok && owner != f.pkg {
					bad = append(bad, f.path+": State: "+c+" (only "+owner+" writes it)")
				}
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "SetState" && len(n.Args) == 1 {
				if c, owner, ok := owned(n.Args[0]); ok && owner != f.pkg {
					bad = append(bad, f.path+": SetState("+c+") (only "+owner+" writes it)")
				}
			}
		}
		return true
	})
	return bad
}

// TestOneWriterOfOperationStates: migrations and evacuations change state
// only in the migrate service, alerts and deliveries only in the alert
// engine, and there only through SetState and its transition table.
func TestOneWriterOfOperationStates(t *testing.T) {
	t.Parallel()
	files := sources(t)
	consts := opStateConsts(t, files)
	var bad []string
	for _, f := range files {
		if f.pkg == "internal/model" {
			continue
		}
		bad = append(bad, opStateWrites(f, consts)...)
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("%s", b)
	}
}

// TestOpStateWriteCheckCatches: the check above finds each way of writing
// an operation state it is meant to find, and lets the owner create one.
func TestOpStateWriteCheckCatches(t *testing.T) {
	t.Parallel()
	consts := opStateConsts(t, sources(t))
	src := `package x
func f() {
	m.State = model.MigrationDone
	_ = model.AlertDelivery{State: model.DeliveryDead}
	_ = a.SetState(model.AlertResolved)
	_ = model.Evacuation{State: model.EvacuationRunning}
}`
	af, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := opStateWrites(file{path: "internal/api/x.go", pkg: "internal/api", ast: af}, consts); len(got) != 4 {
		t.Errorf("outside the owners: found %d writes, want 4: %v", len(got), got)
	}
	// In migrate: the direct assignment is still refused, creating an
	// evacuation is allowed, the alert writes are not migrate's.
	if got := opStateWrites(file{path: "internal/migrate/x.go", pkg: "internal/migrate", ast: af}, consts); len(got) != 3 {
		t.Errorf("in internal/migrate: found %d writes, want 3: %v", len(got), got)
	}
}
