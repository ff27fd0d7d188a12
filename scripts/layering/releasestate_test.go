package layering

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"sort"
	"testing"
)

// releaseWriteSQL matches SQL that writes the releases table.
var releaseWriteSQL = regexp.MustCompile(`(?is)\b(update\s+(only\s+)?|insert\s+into\s+|delete\s+from\s+)("?public"?\.)?"?releases"?\b`)

// releaseStateWrites lists what in f writes release or step state outside
// the deploy service: a Releases() repository used other than to read, SQL
// that writes the releases table, or a model.Release*/model.Step* state
// constant put into a State field.
func releaseStateWrites(f *ast.File, path string) []string {
	consts := map[string]bool{}
	for _, n := range []string{"ReleaseQueued", "ReleaseRollingOut", "ReleaseRollingBack", "ReleaseSucceeded", "ReleaseFailed",
		"StepPending", "StepWaiting", "StepAvailable", "StepFailed", "StepRolledBack"} {
		consts[n] = true
	}
	isConst := func(e ast.Expr) bool {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		pkg, ok := sel.X.(*ast.Ident)
		return ok && pkg.Name == "model" && consts[sel.Sel.Name]
	}
	var bad []string
	reads := readReceivers(f)
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if _, ok := heldRepo(n, reads, "Releases"); ok {
				bad = append(bad, path+": Releases() used other than to read")
			}
		case *ast.BasicLit, *ast.BinaryExpr:
			if s, ok := literal(n.(ast.Expr)); ok && releaseWriteSQL.MatchString(s) {
				bad = append(bad, path+": SQL writes releases")
				return false
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "State" && i < len(n.Rhs) && isConst(n.Rhs[i]) {
					bad = append(bad, path+": .State = a release or step state")
				}
			}
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.Ident); ok && k.Name == "State" && isConst(n.Value) {
				bad = append(bad, path+": State: a release or step state")
			}
		}
		return true
	})
	return bad
}

// TestOneWriterOfReleaseState: outside internal/deploy (and the store
// itself) nothing writes releases or their rollout steps' states; the
// deploy service moves them by ReleaseTransitions and StepTransitions.
func TestOneWriterOfReleaseState(t *testing.T) {
	t.Parallel()
	var bad []string
	for _, f := range sources(t) {
		if under(f.pkg, "internal/deploy") || under(f.pkg, "internal/store") {
			continue
		}
		bad = append(bad, releaseStateWrites(f.ast, f.path)...)
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("%s: only the deploy service writes release and step states", b)
	}
}

// TestReleaseStateCheckCatches: the check above finds each way of writing
// it is meant to find, and not reads.
func TestReleaseStateCheckCatches(t *testing.T) {
	t.Parallel()
	src := `package x
func f() {
	_, _ = tx.Releases().Get(ctx, id)
	r := tx.Releases()
	q := "UPDATE " + "releases SET state = 'failed'"
	rel.State = model.ReleaseFailed
	_ = model.Step{State: model.StepAvailable}
	_ = "SELECT state FROM releases"
}`
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := releaseStateWrites(f, "x.go"); len(got) != 4 {
		t.Errorf("found %d writes, want 4 (repo, SQL, assignment, literal): %v", len(got), got)
	}
}
