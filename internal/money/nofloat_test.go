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
//
// The list is every package that reads, computes, stores, prints or sends
// an amount: the ledger and everything that prices (fleet, placement,
// workload, migrate, sim's usage), the stores and backups of ledger rows,
// and every surface that shows or takes money (api, cli, console, the
// public SDK, its problem type, and the Terraform provider).
var moneyPaths = []string{
	"internal/money", "internal/ledger", "internal/migrate", "internal/fleet", "internal/backup",
	"internal/workload", "internal/placement", "internal/model", "internal/store", "internal/seed",
	"internal/alert", "internal/residency", "internal/deploy", "internal/provider/sim",
	"internal/api", "internal/cli", "internal/console", "client", "problem", "terraform",
}

// Reasons a declaration in a money path may hold a binary float: none of
// them is an amount.
const (
	coords    = "coordinates and distances in km (WGS 84 degrees are floats by nature)"
	benchmark = "benchmark timings and ratios, not money"
	jsonNum   = "a JSON number decoded into any is a float64; integers are taken only when exact"
	drawing   = "SVG coordinates of a chart or map"
	rates     = "request rates and Prometheus buckets (seconds), not money"
	schema    = "the OpenAPI generator maps Go float kinds to JSON Schema numbers"
	share     = "a rollout's failure threshold, a share of sites between 0 and 1 (kept as permille inside), not money"
)

// floatAllowed lists, by "path#Declaration" (a function, Type.method, type
// or the first name of a var), the places in moneyPaths that may use a
// float, and why. Every other declaration is guarded, so new code in these
// packages is checked too; an entry that no longer uses a float fails, so
// the list cannot outlive its reason.
var floatAllowed = map[string]string{
	"internal/cli/bench_address.go#benchAddresses":           benchmark,
	"internal/cli/bench_sim.go#latencyMS":                    benchmark,
	"internal/cli/bench_edge.go#edgeBenchImport":             benchmark,
	"internal/cli/bench_edge.go#edgeBenchResult":             benchmark,
	"internal/cli/bench_edge.go#round3":                      benchmark,
	"internal/cli/bench_edge.go#edgeRun.measureWindow":       benchmark,
	"internal/cli/bench_edge.go#edgeRun.measureMemory":       benchmark,
	"internal/cli/bench_edge.go#previewFigures":              benchmark,
	"internal/cli/bench_rollout.go#benchRolloutCmd":          benchmark,
	"internal/cli/cover.go#coverFlags":                       coords,
	"internal/cli/deploy.go#deployCmd":                       share,
	"internal/console/routes.go#sitesData.placeMap":          drawing,
	"internal/console/sitemap.go#clusterSites":               drawing,
	"internal/console/sitemap.go#fmtF":                       drawing,
	"internal/console/sitemap.go#mapView":                    drawing,
	"internal/console/sitemap.go#mapView.EdgeShift":          drawing,
	"internal/console/sitemap.go#mapView.Unit":               drawing,
	"internal/console/sitemap.go#mapView.contains":           drawing,
	"internal/console/sitemap.go#mapView.scale":              drawing,
	"internal/console/sitemap.go#mapView.size":               drawing,
	"internal/console/sitemap.go#parseMapView":               drawing,
	"internal/console/sitemap.go#projectF":                   drawing,
	"internal/console/sitemap.go#unproject":                  drawing,
	"internal/model/request.go#StrategyRequest":              share,
	"internal/deploy/waves.go#validateStrategy":              share,
	"internal/deploy/waves.go#thresholdPermille":             share,
	"internal/model/workload.go#NearPoint":                   coords,
	"internal/placement/cover.go#Engine.prepareCover":        coords,
	"internal/placement/cover.go#Uncovered":                  coords,
	"internal/placement/cover.go#covReq":                     coords,
	"internal/placement/types.go#NearPoint":                  coords,
	"internal/workload/cover.go#CreateRequest.validateCover": coords,
	"internal/alert/alert.go#Engine.conditions":              "capacity percentage of a site, not money",
	"internal/api/api.go#New":                                rates,
	"internal/api/openapi.go#gen.sample":                     schema,
	"internal/api/openapi.go#gen.schemaRef":                  schema,
	"internal/model/workload.go#PreviewPlacement":            coords,
	"internal/cli/bench_evacuate.go#benchEvacuateCmd":        benchmark,
	"internal/cli/bench_failover.go#benchFailoverCmd":        benchmark,
	"internal/cli/bench_ha.go#haPhase":                       benchmark,
	"internal/cli/bench_ha.go#haPhase.report":                benchmark,
	"internal/cli/bench_provision_run.go#runProvision":       benchmark,
	"internal/cli/edge.go#printRowErrors":                    jsonNum,
	"internal/cli/output.go#minorOf":                         jsonNum,
	"internal/cli/output.go#table.value":                     jsonNum,
	"internal/cli/output.go#yamlValue":                       jsonNum,
	"internal/cli/policy.go#policyCmd":                       jsonNum,
	"internal/cli/provider.go#parseAZ":                       coords,
	"internal/cli/provider.go#ratio":                         "CPU and RAM overcommit ratios, not money",
	"internal/cli/residency.go#num":                          jsonNum,
	"internal/cli/resources.go#cell":                         jsonNum,
	"internal/cli/workload.go#workloadCreateCmd":             coords,
	"internal/console/gen_map.go#intersects":                 drawing,
	"internal/console/gen_map.go#main":                       drawing,
	"internal/console/gen_map.go#topo":                       drawing,
	"internal/console/sitemap.go#project":                    drawing,
	"internal/console/view.go#view.Num":                      jsonNum,
	"internal/console/workloads.go#parseRequest":             coords,
	"internal/model/model.go#Site":                           coords,
	"internal/model/validate.go#Site.Validate":               coords,
	"internal/model/workload.go#Nearness":                    coords,
	"internal/model/workload.go#Redundancy":                  coords,
	"internal/placement/decide.go#Engine.build":              coords,
	"internal/placement/decide.go#Engine.drainByDistance":    coords,
	"internal/placement/decide.go#work":                      coords,
	"internal/placement/engine.go#validCoord":                coords,
	"internal/placement/explain.go#Reasons":                  coords,
	"internal/placement/geo.go#atLeastKm":                    coords,
	"internal/placement/geo.go#chord2":                       coords,
	"internal/placement/geo.go#chord2For":                    coords,
	"internal/placement/geo.go#chordBand":                    coords,
	"internal/placement/geo.go#geoPoint":                     coords,
	"internal/placement/geo.go#unitVec":                      coords,
	"internal/placement/geo.go#vec3":                         coords,
	"internal/placement/geo.go#withinKm":                     coords,
	"internal/placement/types.go#Choice":                     coords,
	"internal/placement/types.go#Near":                       coords,
	"internal/placement/types.go#Redundancy":                 coords,
	"internal/placement/types.go#Site":                       coords,
	"internal/placement/validate.go#checkRedundancy":         coords,
	"internal/placement/validate.go#checkNear":               coords,
	"internal/placement/validate.go#checkCover":              coords,
	"internal/workload/service.go#CreateRequest.Validate":    coords,
	"terraform/workload.go#workloadModel":                    coords,
	"terraform/workload.go#workloadSchema":                   coords,
	"internal/api/limits.go#Limits":                          rates,
	"internal/api/limits.go#bucket":                          rates,
	"internal/api/limits.go#limiter.take":                    rates,
	"internal/api/limits.go#tooMany":                         rates,
	"internal/api/ratesync.go#limiter.syncShared":            rates,
}

// TestNoFloatInMoneyPaths parses every non-test Go file under moneyPaths
// and fails on any use of a binary float: the types
// float32/float64 in a type expression or conversion, a non-integral float
// literal (whose default type is float64), math's float functions and
// constants, and the float APIs (big.Float, strconv.ParseFloat,
// big.Rat.Float64, ...), which launder floats without naming the type.
func TestNoFloatInMoneyPaths(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	checked := 0
	seen := map[string]bool{}
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
			rel := filepath.ToSlash(strings.TrimPrefix(path, root+string(filepath.Separator)))
			for _, u := range uses {
				key := rel + "#" + u.decl
				if _, ok := floatAllowed[key]; ok {
					seen[key] = true
					continue
				}
				t.Errorf("%s: binary float in a money path: %s (in %s; not money? add %q to floatAllowed with the reason)",
					strings.TrimPrefix(u.pos, root+string(filepath.Separator)), u.what, u.decl, key)
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
	for key := range floatAllowed {
		if !seen[key] {
			t.Errorf("floatAllowed[%q]: no float there any more (or renamed): remove the entry", key)
		}
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

type floatUse struct{ pos, decl, what string }

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
	decl := ""
	add := func(n ast.Node, format string, args ...any) {
		uses = append(uses, floatUse{fset.Position(n.Pos()).String(), decl, fmt.Sprintf(format, args...)})
	}
	inspect := func(n ast.Node) {
		ast.Inspect(n, func(n ast.Node) bool {
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
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			decl = d.Name.Name
			if d.Recv != nil && len(d.Recv.List) == 1 {
				decl = recvName(d.Recv.List[0].Type) + "." + decl
			}
			inspect(d)
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					decl = sp.Name.Name
				case *ast.ValueSpec:
					decl = sp.Names[0].Name
				default:
					continue
				}
				inspect(sp)
			}
		}
	}
	return uses, nil
}

// recvName is the type name of a method's receiver (T for *T and T[P]).
func recvName(x ast.Expr) string {
	for {
		switch t := x.(type) {
		case *ast.StarExpr:
			x = t.X
		case *ast.IndexExpr:
			x = t.X
		case *ast.IndexListExpr:
			x = t.X
		case *ast.Ident:
			return t.Name
		default:
			return "?"
		}
	}
}

func TestFloatUsesDetects(t *testing.T) {
	t.Parallel()
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
