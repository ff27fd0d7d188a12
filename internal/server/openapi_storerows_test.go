package server_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/server/servertest"
)

const storePkg = "github.com/soberana/soberana/internal/store"

// TestOpenAPIResponsesAreNoStoreRows: no API response type is (or holds) a
// store row (issue #17: the API answers its own view types or the domain
// nouns, and the store maps rows to nouns). It walks every route's and
// custom method's response type through struct fields, pointers, slices,
// arrays and maps.
func TestOpenAPIResponsesAreNoStoreRows(t *testing.T) {
	h := servertest.Start(t, servertest.Options{NoDemo: true})
	found := map[string][]string{}
	for _, rt := range h.Server.API.Routes() {
		check := func(where string, v any) {
			if v == nil {
				return
			}
			for _, name := range storeTypesIn(reflect.TypeOf(v), map[reflect.Type]bool{}) {
				found[name] = append(found[name], where)
			}
		}
		check(rt.Method+" "+rt.Path, rt.Response)
		for _, ac := range rt.Actions {
			check(rt.Method+" "+rt.Path+":"+ac.Verb, ac.Response)
		}
	}
	names := make([]string, 0, len(found))
	for n := range found {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Errorf("the API encodes the store's %s (%s): answer an API view type or the domain noun instead", n, strings.Join(found[n], ", "))
	}
}

// storeTypesIn lists the named store types t is or holds.
func storeTypesIn(t reflect.Type, seen map[reflect.Type]bool) []string {
	if seen[t] {
		return nil
	}
	seen[t] = true
	var out []string
	if t.PkgPath() == storePkg && t.Name() != "" {
		out = append(out, t.Name())
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		out = append(out, storeTypesIn(t.Elem(), seen)...)
	case reflect.Map:
		out = append(out, storeTypesIn(t.Key(), seen)...)
		out = append(out, storeTypesIn(t.Elem(), seen)...)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("json") == "-" {
				continue
			}
			out = append(out, storeTypesIn(f.Type, seen)...)
		}
	}
	return out
}
