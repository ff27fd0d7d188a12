// Package layering checks the import and write rules of docs/architecture.md
// ("Layering") on the source itself, so `go test ./...` (make check, .ci/run)
// fails when a change breaks them:
//
//   - internal/cli and internal/console do not import internal/store: they
//     write through services that authorize and audit (in process, or over
//     the HTTP API with the SDK);
//   - internal/api does not import a driver (internal/provider/<driver>);
//     it sees providers through internal/provider's contract only;
//   - only the workload service (internal/workload) writes workload and
//     placement rows: everyone else calls its Transition, AddReplicas,
//     RetireReplica, Apply, Replace… Nothing else holds the workload or
//     placement repository, sends SQL that writes their tables, or puts a
//     model.WorkloadState / model.PlacementState constant into a State
//     field;
//   - only the deploy service (internal/deploy) writes releases and the
//     states of releases and their rollout steps (releasestate_test.go).
//
// The few exceptions are listed below, each with its reason (the first
// rule has none).
package layering

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/soberana/soberana/"

// stateWriteAllowed lists the packages other than internal/workload that
// may write workload or placement rows, with the reason.
var stateWriteAllowed = map[string]string{
	"internal/bench": "benchmark fixtures insert rows in bulk into a scratch database; no state transition",
}

// file is one parsed non-test Go file.
type file struct {
	path string // relative to the repository root, slash-separated
	pkg  string // its directory
	ast  *ast.File
}

func sources(t *testing.T) []file {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var out []file
	fset := token.NewFileSet()
	err = filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		out = append(out, file{path: rel, pkg: filepath.ToSlash(filepath.Dir(rel)), ast: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("read %d files from %s: not the repository", len(out), root)
	}
	return out
}

func imports(f file) []string {
	var out []string
	for _, im := range f.ast.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		if strings.HasPrefix(p, module) {
			out = append(out, strings.TrimPrefix(p, module))
		}
	}
	return out
}

func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

// TestCLIAndConsoleDoNotImportStore: the CLI and the console write
// through audited services, never the store. No exceptions.
func TestCLIAndConsoleDoNotImportStore(t *testing.T) {
	t.Parallel()
	checked := map[string]int{}
	for _, f := range sources(t) {
		top := ""
		switch {
		case under(f.pkg, "internal/cli"):
			top = "internal/cli"
		case under(f.pkg, "internal/console"):
			top = "internal/console"
		default:
			continue
		}
		checked[top]++
		for _, im := range imports(f) {
			if under(im, "internal/store") {
				t.Errorf("%s imports %s: the CLI and the console go through services (in process or the API), not the store", f.path, im)
			}
		}
	}
	// The check cannot pass by not looking: both packages were read.
	for _, top := range []string{"internal/cli", "internal/console"} {
		if checked[top] < 5 {
			t.Errorf("read %d files of %s: the check no longer sees it", checked[top], top)
		}
	}
}

// TestAPIDoesNotImportDrivers: the API knows providers through the
// driver contract (internal/provider), never a driver's package.
func TestAPIDoesNotImportDrivers(t *testing.T) {
	t.Parallel()
	for _, f := range sources(t) {
		if !under(f.pkg, "internal/api") {
			continue
		}
		for _, im := range imports(f) {
			if strings.HasPrefix(im, "internal/provider/") {
				t.Errorf("%s imports the driver %s: use internal/provider's contract", f.path, im)
			}
		}
	}
}

// repoReads are the methods of a store repository that only read.
var repoReads = map[string]bool{"Get": true, "List": true, "All": true, "Count": true}

// readReceivers are the calls under root used only as the receiver of a
// repository read (the tx.Workloads() of tx.Workloads().Get(…)).
func readReceivers(root ast.Node) map[*ast.CallExpr]bool {
	reads := map[*ast.CallExpr]bool{}
	ast.Inspect(root, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if inner, ok := sel.X.(*ast.CallExpr); ok && repoReads[sel.Sel.Name] {
				reads[inner] = true
			}
		}
		return true
	})
	return reads
}

// heldRepo names the repository of names that the call (tx.Workloads())
// gets and holds for other than a read.
func heldRepo(c *ast.CallExpr, reads map[*ast.CallExpr]bool, names ...string) (string, bool) {
	repo, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || len(c.Args) != 0 || reads[c] || !slices.Contains(names, repo.Sel.Name) {
		return "", false
	}
	return repo.Sel.Name, true
}

// stateWriteSQL matches SQL that writes the workload or placement tables,
// whatever the case, spacing, quoting or schema.
var stateWriteSQL = regexp.MustCompile("(?i)\\b(update|insert\\s+into|delete\\s+from)\\s+(only\\s+)?([\"`]?\\w+[\"`]?\\.)?[\"`]?(workloads|placements)[\"`]?([^\\w]|$)")

// stateValueAllowed lists the packages other than internal/workload that
// may put a workload or placement state constant into a State field, with
// the reason (they cannot store it: the checks above see to that).
var stateValueAllowed = map[string]string{
	"internal/reconcile": "fills workload.Outcome.State, a move it proposes; workload.Service.Apply checks it against PlacementTransitions",
	"internal/bench":     "benchmark fixtures insert rows in bulk into a scratch database; no state transition",
}

// stateConsts reads the names of the WorkloadState and PlacementState
// constants from internal/model, so the check follows the model.
func stateConsts(t *testing.T, files []file) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for n := range modelConsts(files, func(typ string) string {
		if typ == "WorkloadState" || typ == "PlacementState" {
			return typ
		}
		return ""
	}) {
		out[n] = true
	}
	if len(out) < 10 {
		t.Fatalf("found %d workload and placement state constants in internal/model: the check no longer reads them", len(out))
	}
	return out
}

// modelConsts reads the constants of internal/model whose declared type
// of is non-empty for: constant name → of(type).
func modelConsts(files []file, of func(typ string) string) map[string]string {
	out := map[string]string{}
	eachSpec(files, "internal/model", token.CONST, func(_ file, sp ast.Spec) {
		v := sp.(*ast.ValueSpec)
		if id, ok := v.Type.(*ast.Ident); ok && of(id.Name) != "" {
			for _, n := range v.Names {
				out[n.Name] = of(id.Name)
			}
		}
	})
	return out
}

// eachSpec calls fn with each spec of the top-level tok declarations
// (const, type, var, import) in the files of package pkg.
func eachSpec(files []file, pkg string, tok token.Token, fn func(f file, sp ast.Spec)) {
	for _, f := range files {
		if f.pkg != pkg {
			continue
		}
		for _, d := range f.ast.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == tok {
				for _, sp := range g.Specs {
					fn(f, sp)
				}
			}
		}
	}
}

// literal is the value of a string literal, or of a sum of them ("UPDATE "
// + "workloads"), and whether e is one.
func literal(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return literal(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := literal(e.X)
		b, ok2 := literal(e.Y)
		return a + b, ok1 && ok2
	}
	return "", false
}

// TestOneWriterOfWorkloadState: outside internal/workload (and the store
// itself), nothing calls Create, Update or Delete on the workload or
// placement repositories (nor holds one of them, which would hide the
// call), sends SQL that writes those tables, or puts a workload or
// placement state constant into a State field.
func TestOneWriterOfWorkloadState(t *testing.T) {
	t.Parallel()
	files := sources(t)
	consts := stateConsts(t, files)
	var bad []string
	for _, f := range files {
		if under(f.pkg, "internal/workload") || under(f.pkg, "internal/store") {
			continue
		}
		_, allowed := stateWriteAllowed[f.pkg]
		_, valueAllowed := stateValueAllowed[f.pkg]
		if allowed {
			continue
		}
		reads := readReceivers(f.ast)
		stateConst := func(e ast.Expr) (string, bool) {
			sel, ok := e.(*ast.SelectorExpr)
			if !ok {
				return "", false
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok || pkg.Name != "model" || !consts[sel.Sel.Name] {
				return "", false
			}
			return "model." + sel.Sel.Name, true
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if name, ok := heldRepo(n, reads, "Workloads", "Placements"); ok {
					bad = append(bad, f.path+": "+name+"() used other than to read")
				}
			case *ast.BasicLit, *ast.BinaryExpr:
				if s, ok := literal(n.(ast.Expr)); ok {
					if m := stateWriteSQL.FindString(s); m != "" {
						bad = append(bad, f.path+": SQL "+strings.Join(strings.Fields(m), " "))
					}
					return false
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					sel, ok := l.(*ast.SelectorExpr)
					if !ok || sel.Sel.Name != "State" || i >= len(n.Rhs) || valueAllowed {
						continue
					}
					if c, ok := stateConst(n.Rhs[i]); ok {
						bad = append(bad, f.path+": .State = "+c)
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "State" && !valueAllowed {
					if c, ok := stateConst(n.Value); ok {
						bad = append(bad, f.path+": State: "+c)
					}
				}
			}
			return true
		})
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("%s writes workload or placement state: only the workload service does (workload.Service.Transition, AddReplicas, RetireReplica…)", b)
	}
}

// TestStateWriteCheckCatches: the check above finds each way of writing
// state it is meant to find, so it cannot pass by not looking.
func TestStateWriteCheckCatches(t *testing.T) {
	for _, sql := range []string{
		"UPDATE workloads SET state = $1",
		"update\n\t\tplacements set state='running'",
		`INSERT INTO "placements" (id) VALUES (?)`,
		"DELETE  FROM public.workloads WHERE id = ?",
		"UPDATE ONLY workloads SET state = ?",
	} {
		if !stateWriteSQL.MatchString(sql) {
			t.Errorf("%q not recognised as a state write", sql)
		}
	}
	for _, sql := range []string{
		"SELECT state FROM workloads",
		"UPDATE workload_events SET reason = ?",
		"UPDATE placements_archive SET x = 1",
	} {
		if stateWriteSQL.MatchString(sql) {
			t.Errorf("%q taken for a state write", sql)
		}
	}
	src := `package x
func f() {
	r := tx.Workloads()
	_ = r
	_, _ = tx.Placements().Get(ctx, id)
	q := "UPDATE " + "placements SET state = 'running'"
	w.State = model.StateRunning
	_ = model.Placement{State: model.PlacementRunning}
}`
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, "x.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var holds, sql int
	reads := readReceivers(af)
	ast.Inspect(af, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if _, ok := heldRepo(n, reads, "Workloads", "Placements"); ok {
				holds++
			}
		case *ast.BinaryExpr:
			if s, ok := literal(n); ok && stateWriteSQL.MatchString(s) {
				sql++
				return false
			}
		}
		return true
	})
	if holds != 1 || sql != 1 {
		t.Errorf("held repositories %d (want 1: Workloads(), not the Get), concatenated SQL writes %d (want 1)", holds, sql)
	}
	consts := stateConsts(t, sources(t))
	for _, c := range []string{"StateRunning", "PlacementRunning", "StatePendingApproval", "PlacementDeleted"} {
		if !consts[c] {
			t.Errorf("model.%s not read as a state constant", c)
		}
	}
}
