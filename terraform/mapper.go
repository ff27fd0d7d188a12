package terraform

import (
	"reflect"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// fromAPI is the read-into-state mapper: it copies the API object src (a
// struct or a pointer to one) into the Terraform model dst (a pointer to
// a struct). Each of dst's scalar attributes (types.String, Int64 or Bool
// with a tfsdk tag) takes src's field of the same JSON name, the
// embedded structs of both included. Attributes of other types, those the
// API names otherwise and the fields of unexported embedded structs are
// left for the caller, which then writes only what differs from the API's
// value (kept spellings, nulls for unset optional arguments, lists).
// The attributes named in keep (tfsdk names) are left as they are: the
// configured spelling or a write-only argument the caller keeps.
func fromAPI(dst, src any, keep ...string) {
	byName := map[string]reflect.Value{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.Anonymous {
				walk(v.Field(i))
				continue
			}
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				byName[name] = v.Field(i)
			}
		}
	}
	walk(reflect.ValueOf(src))
	for _, k := range keep {
		delete(byName, k)
	}
	set(reflect.ValueOf(dst).Elem(), byName)
}

func set(m reflect.Value, byName map[string]reflect.Value) {
	for i := range m.NumField() {
		f, fv := m.Type().Field(i), m.Field(i)
		if f.Anonymous && fv.Kind() == reflect.Struct && fv.CanSet() {
			set(fv, byName)
			continue
		}
		s, ok := byName[f.Tag.Get("tfsdk")]
		if !ok || !fv.CanSet() {
			continue
		}
		if sc, ok := scalars[fv.Type()]; ok && sc.fits(s) {
			fv.Set(reflect.ValueOf(sc.value(s)))
		}
	}
}

// scalars are the scalar attribute types: whether an API field fits
// one, and the attribute's value of a field that does. No float: the
// mapped models have none, and money never is one.
var scalars = map[reflect.Type]struct {
	fits  func(reflect.Value) bool
	value func(reflect.Value) any
}{
	reflect.TypeFor[types.String](): {isKind(reflect.String), func(s reflect.Value) any { return types.StringValue(s.String()) }},
	reflect.TypeFor[types.Bool]():   {isKind(reflect.Bool), func(s reflect.Value) any { return types.BoolValue(s.Bool()) }},
	reflect.TypeFor[types.Int64]():  {reflect.Value.CanInt, func(s reflect.Value) any { return types.Int64Value(s.Int()) }},
}

func isKind(k reflect.Kind) func(reflect.Value) bool {
	return func(v reflect.Value) bool { return v.Kind() == k }
}

// rowOf is the model R of the API object v (a data source's row, a
// nested list's element).
func rowOf[V, R any](v V) R {
	var r R
	fromAPI(&r, v)
	return r
}

// byField is what the fields of a row model R (a data source's row, a
// nested list's element) stand for, by their tfsdk names: str for each
// types.String, i64 for each types.Int64 and b for each types.Bool (the
// computed attributes of a schema, the attribute types of an object).
func byField[R, A any](str, i64, b A) map[string]A {
	kinds := map[reflect.Type]A{reflect.TypeFor[types.String](): str, reflect.TypeFor[types.Int64](): i64, reflect.TypeFor[types.Bool](): b}
	out := map[string]A{}
	t := reflect.TypeFor[R]()
	for i := range t.NumField() {
		a, ok := kinds[t.Field(i).Type]
		if !ok {
			panic("byField: no attribute for " + t.Field(i).Type.String())
		}
		out[t.Field(i).Tag.Get("tfsdk")] = a
	}
	return out
}

// mapped is fromAPI as a resource's fill (see simply).
func mapped[M, V any](m *M, v V) { fromAPI(m, v) }
