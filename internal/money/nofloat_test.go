package money_test

import (
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// moneyPaths are the packages where money is computed. Binary floats cannot
// represent 0.1 and round silently, so none of them may touch one.
// Each must exist: a path that disappears fails the test rather than
// being skipped, so a rename cannot silently drop the guard.
var moneyPaths = []string{"internal/money", "internal/ledger", "internal/migrate", "internal/fleet", "internal/backup"}

// TestNoFloatInMoneyPaths parses every non-test Go file under moneyPaths
// (those that exist) and fails on any use of a binary float: the types
// float32/float64 in a type expression or conversion, a non-integral float
// literal (whose default type is float64), math's float functions and
// constants, and the float APIs (big.Float, strconv.ParseFloat,
// big.Rat.Float64, ...), which launder floats without naming the type.
func TestNoFloatInMoneyPaths(t *testing.T) {
	root := repoRoot(t)
	checked := 0
	for _, rel := range moneyPaths {
		dir := filepath.Join(root, filepath.FromSlash(rel))
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: a money path that is not in the tree: update moneyPaths", rel)
			continue
		}
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if n := d.Name(); path != dir && (n == "testdata" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			uses, err := floatUses(path, src)
			if err != nil {
				return err
			}
			for _, u := range uses {
				t.Errorf("%s: binary float in a money path: %s", strings.TrimPrefix(u.pos, root+string(filepath.Separator)), u.what)
			}
			checked++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked == 0 {
		t.Fatal("no files checked: repository root resolved wrongly?")
	}
}

// repoRoot is the directory holding go.mod above this test file.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if parent := filepath.Dir(dir); parent == dir {
			t.Fatalf("no go.mod above %s", file)
		}
	}
}

// floatAPI matches the standard library's float entry points: big.Float,
// big.NewFloat, big.ParseFloat, strconv.ParseFloat/FormatFloat/AppendFloat,
// Rat.Float64, Rat.SetFloat64, math.Float64bits, ... but not
// Rat.FloatString, which is an exact decimal rendering.
var floatAPI = regexp.MustCompile(`^(New|Parse|Format|Append|Set)?Float(32|64)?(bits|frombits)?$`)

type floatUse struct{ pos, what string }

func floatUses(filename string, src []byte) ([]floatUse, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	mathName := "" // local name of the "math" import, if any
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "math" {
			mathName = "math"
			if imp.Name != nil {
				mathName = imp.Name.Name
			}
		}
	}
	var uses []floatUse
	add := func(n ast.Node, format string, args ...any) {
		uses = append(uses, floatUse{fset.Position(n.Pos()).String(), fmt.Sprintf(format, args...)})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			name := n.Sel.Name
			if floatAPI.MatchString(name) {
				add(n, "%s", name)
				return false
			}
			if x, ok := n.X.(*ast.Ident); ok && mathName != "" && x.Name == mathName &&
				(!strings.HasPrefix(name, "Max") && !strings.HasPrefix(name, "Min") || strings.Contains(name, "Float")) {
				add(n, "%s.%s", x.Name, name)
			}
			return false // the selected name is a field or method, not a type
		case *ast.Ident:
			if n.Name == "float32" || n.Name == "float64" {
				add(n, "%s", n.Name)
			}
		case *ast.BasicLit:
			if n.Kind == token.FLOAT {
				v := constant.MakeFromLiteral(n.Value, n.Kind, 0)
				if constant.ToInt(v).Kind() != constant.Int {
					add(n, "float literal %s", n.Value)
				}
			}
		}
		return true
	})
	return uses, nil
}

func TestFloatUsesDetects(t *testing.T) {
	cases := map[string]int{
		`var x float64`: 1,
		`func f(n int) any { return float32(n) }`: 1,
		`var m map[string][]float64`:              1,
		`func f[T int | float64](T) {}`:           1,
		`var x = 0.1`:                             1,
		`var x = 1e6`:                             0, // an integer constant
		`import "math/big"; var r big.Rat; var f, _ = r.Float64()`: 1,
		`import "math/big"; var f *big.Float`:                      1,
		`import "strconv"; var f, _ = strconv.ParseFloat("1", 64)`: 1,
		`import "math"; var x = math.Round(2)`:                     1,
		`import m "math"; var x = m.Pi`:                            1,
		`import "math"; var x = math.MaxInt64`:                     0,
		`import "math"; var x = math.MaxFloat64`:                   1,
		`type S struct{ Price int64 }; var s S; var p = s.Price`:   0,
		`var amount int64 = 123456`:                                0,
	}
	for body, want := range cases {
		src := "package p\n" + strings.Replace(body, "; ", "\n", 1)
		uses, err := floatUses("p.go", []byte(src))
		if err != nil {
			t.Errorf("%s: %v", body, err)
			continue
		}
		if len(uses) != want {
			t.Errorf("%s: %d uses %v, want %d", body, len(uses), uses, want)
		}
	}
}
