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
//     RetireReplica, Apply, Replace…
//
// The few exceptions are listed below, each with its reason.
package layering

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/soberana/soberana/"

// storeImportAllowed lists the files of cli/console that may still import
// the store, with the reason. Keep it short; every entry is debt.
var storeImportAllowed = map[string]string{
	// The console renders its views from store reads and keeps its
	// sessions in the store; moving it onto the services is the next
	// step of issue #17 (it is being reworked in parallel).
	"internal/console/view.go":            "console views read the store (debt, issue #17)",
	"internal/console/identity.go":        "console identity reads the store (debt, issue #17)",
	"internal/console/sessions_shared.go": "console sessions live in the store (debt, issue #17)",
	"internal/console/console.go":         "console wiring holds the store (debt, issue #17)",
	"internal/console/routes.go":          "console routes read the store (debt, issue #17)",
	"internal/console/apps.go":            "the app pages decode the API's answers into the store's App, Release and Step, which the SDK does not expose with their steps yet (debt, issue #17)",
}

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
// through audited services, never the store.
func TestCLIAndConsoleDoNotImportStore(t *testing.T) {
	t.Parallel()
	used := map[string]bool{}
	for _, f := range sources(t) {
		if !under(f.pkg, "internal/cli") && !under(f.pkg, "internal/console") {
			continue
		}
		for _, im := range imports(f) {
			if !under(im, "internal/store") {
				continue
			}
			if _, ok := storeImportAllowed[f.path]; ok {
				used[f.path] = true
				continue
			}
			t.Errorf("%s imports %s: the CLI and the console go through services (in process or the API), not the store", f.path, im)
		}
	}
	for p := range storeImportAllowed {
		if !used[p] {
			t.Errorf("%s no longer imports the store: remove it from storeImportAllowed", p)
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

// TestOneWriterOfWorkloadState: outside internal/workload (and the store
// itself), nothing calls Create, Update or Delete on the workload or
// placement repositories, nor sends SQL that writes those tables.
func TestOneWriterOfWorkloadState(t *testing.T) {
	t.Parallel()
	var bad []string
	for _, f := range sources(t) {
		if under(f.pkg, "internal/workload") || under(f.pkg, "internal/store") {
			continue
		}
		_, allowed := stateWriteAllowed[f.pkg]
		ast.Inspect(f.ast, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "Create" && sel.Sel.Name != "Update" && sel.Sel.Name != "Delete") {
					return true
				}
				inner, ok := sel.X.(*ast.CallExpr)
				if !ok {
					return true
				}
				repo, ok := inner.Fun.(*ast.SelectorExpr)
				if ok && (repo.Sel.Name == "Workloads" || repo.Sel.Name == "Placements") && !allowed {
					bad = append(bad, f.path+": "+repo.Sel.Name+"()."+sel.Sel.Name)
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s := strings.ToUpper(n.Value)
				for _, w := range []string{"UPDATE PLACEMENTS", "UPDATE WORKLOADS", "INSERT INTO PLACEMENTS", "INSERT INTO WORKLOADS", "DELETE FROM PLACEMENTS", "DELETE FROM WORKLOADS"} {
					if strings.Contains(s, w) && !allowed {
						bad = append(bad, f.path+": SQL "+w)
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
