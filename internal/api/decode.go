package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"

	"github.com/soberana/soberana/internal/model"
)

func fieldErr(field, key string, args ...any) model.FieldError {
	return model.FieldError{Field: field, Key: key, Args: args}
}

// jsonFields returns the JSON member names of a struct type, following
// embedded structs, mapped to their field types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					out[k] = v
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// unknownFields lists the JSON members of body that t does not have, as
// dotted paths. Only what can be checked is checked; json then decodes.
func unknownFields(body []byte, t reflect.Type) []string {
	return walkFields(body, t, func(_ any, _ reflect.Type, known bool) (report, descend bool) {
		return !known, known
	})
}

// fieldCheck tells walkFields, for a value v under an object member or an
// array element, whether to report its path and whether to descend into
// it; ft is the Go type it decodes into, and known is false (ft nil) for
// an object member the struct has no field for.
type fieldCheck func(v any, ft reflect.Type, known bool) (report, descend bool)

// walkFields walks body's JSON alongside t, the Go type it decodes into,
// and lists the dotted paths check reports, sorted. unknownFields and
// nullFields walk the same way and differ only in what they report.
func walkFields(body []byte, t reflect.Type, check fieldCheck) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil // the decoder reports the syntax error
	}
	var out []string
	walkJSON(v, t, "", check, &out)
	sort.Strings(out)
	return out
}

func walkJSON(v any, t reflect.Type, path string, check fieldCheck, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch x := v.(type) {
	case map[string]any:
		if t.Kind() == reflect.Map {
			for k, vv := range x {
				walkJSON(vv, t.Elem(), join(path, k), check, out)
			}
			return
		}
		if t.Kind() != reflect.Struct {
			return
		}
		fields := jsonFields(t)
		for k, vv := range x {
			ft, ok := fields[k]
			report, descend := check(vv, ft, ok)
			if report {
				*out = append(*out, join(path, k))
			}
			if descend {
				walkJSON(vv, ft, join(path, k), check, out)
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for _, e := range x {
				report, descend := check(e, t.Elem(), true)
				if report {
					*out = append(*out, path)
				}
				if descend {
					walkJSON(e, t.Elem(), path, check, out)
				}
			}
		}
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// readOnlyFields are set by the server; a client sending them is told so.
var readOnlyFields = []string{"id", "created_at", "updated_at", "version", "simulated", "committed", "accrued", "available"}

func rejectReadOnly(body []byte, extra ...string) error {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	var bad []string
	for _, f := range append(readOnlyFields, extra...) {
		if _, ok := m[f]; ok {
			bad = append(bad, f)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fieldsProblem(bad, "field.read_only")
}

// validationProblem is the 422 validation problem with params, one per
// field found wrong.
func validationProblem(params ...model.FieldError) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "problem.validation.detail", Args: []any{len(params)}, Params: params}
}

// fieldsProblem is validationProblem naming each of fields with the same
// reason key.
func fieldsProblem(fields []string, key string) *Error {
	params := make([]model.FieldError, len(fields))
	for i, f := range fields {
		params[i] = fieldErr(f, key)
	}
	return validationProblem(params...)
}

// nullFields lists the JSON members of body that are null where t has a
// field that cannot be null (a number, string, bool or struct): JSON
// would leave it unchanged — 0 on a create, the old value on a merge —
// as if null meant "zero" or "keep". Pointers, slices, maps and
// interfaces take null as "none".
func nullFields(body []byte, t reflect.Type) []string {
	return walkFields(body, t, func(v any, ft reflect.Type, known bool) (report, descend bool) {
		if !known {
			return false, false
		}
		if v == nil {
			return !nullable(ft), false
		}
		return false, true
	})
}

func nullable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return true
	}
	// Types that decode themselves (json.RawMessage is a slice) may give
	// null a meaning of their own.
	return t.Implements(reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()) ||
		reflect.PointerTo(t).Implements(reflect.TypeOf((*json.Unmarshaler)(nil)).Elem())
}
