package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"
)

// OpenAPI returns the OpenAPI 3.1 document generated from the route table,
// so the document cannot drift from the code.
func (a *API) OpenAPI() map[string]any {
	a.build()
	schemas := map[string]any{
		"Problem": map[string]any{
			"type": "object",
			"properties": map[string]any{
				"type": map[string]any{"type": "string", "format": "uri"}, "title": map[string]any{"type": "string"},
				"status": map[string]any{"type": "integer"}, "detail": map[string]any{"type": "string"},
				"instance": map[string]any{"type": "string"}, "request_id": map[string]any{"type": "string"},
				"invalid_params": map[string]any{"type": "array", "items": map[string]any{"type": "object",
					"properties": map[string]any{"name": map[string]any{"type": "string"}, "reason": map[string]any{"type": "string"}}}},
			},
			"required": []string{"type", "title", "status"},
		},
	}
	paths := map[string]any{}
	for _, rt := range a.routes {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		op := map[string]any{
			"summary":                  rt.Summary,
			"tags":                     []string{rt.Tag},
			"operationId":              operationID(rt),
			"x-soberana-authorization": rt.Auth.String(),
		}
		var params []any
		for _, seg := range strings.Split(rt.Path, "/") {
			if strings.HasPrefix(seg, "{") {
				name := strings.Trim(seg, "{}")
				params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
		}
		for _, q := range rt.Query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if rt.Method == "PATCH" {
			params = append(params, map[string]any{"name": "If-Match", "in": "header", "schema": map[string]any{"type": "string"},
				"description": "ETag of the version being updated; a stale one gets 412"})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if rt.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaRef(reflect.TypeOf(rt.Request), schemas)}}}
		}
		status := rt.Status
		if status == 0 {
			status = http.StatusOK
		}
		resps := map[string]any{}
		if rt.Response != nil {
			resps[itoa(status)] = map[string]any{"description": http.StatusText(status), "content": map[string]any{
				"application/json": map[string]any{"schema": schemaRef(reflect.TypeOf(rt.Response), schemas)}}}
		} else {
			resps["204"] = map[string]any{"description": "No Content"}
		}
		resps["default"] = map[string]any{"description": "Problem (RFC 9457)", "content": map[string]any{
			"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
		op["responses"] = resps
		if rt.Auth == AuthPublic {
			op["security"] = []any{}
		}
		item[strings.ToLower(rt.Method)] = op
	}
	for _, p := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json"} {
		paths[p] = map[string]any{"get": map[string]any{"summary": "Operational endpoint", "tags": []string{"meta"},
			"operationId": "get" + strings.NewReplacer("/", "_", ".", "_").Replace(p),
			"security":    []any{}, "responses": map[string]any{"200": map[string]any{"description": "OK"}}}}
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "soberana API",
			"version":     "v1",
			"description": "Sovereign cloud control plane. Errors are RFC 9457 problem+json, localized by Accept-Language (es, pt-BR, en).",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
		"security": []any{map[string]any{"bearer": []string{}}},
	}
}

func (a *API) serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(a.OpenAPI())
}

func operationID(rt *Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, seg := range strings.Split(strings.TrimPrefix(rt.Path, "/v1/"), "/") {
		seg = strings.NewReplacer("{", "by_", "}", "", "-", "_", ":", "_").Replace(seg)
		b.WriteString("_" + seg)
	}
	return b.String()
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

var timeType = reflect.TypeOf(time.Time{})

// schemaRef returns an inline schema or a $ref to a named component.
func schemaRef(t reflect.Type, schemas map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Struct:
		name := schemaName(t)
		if _, ok := schemas[name]; !ok {
			schemas[name] = map[string]any{} // break cycles
			schemas[name] = structSchema(t, schemas)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return map[string]any{"type": "array", "items": schemaRef(t.Elem(), schemas)}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaRef(t.Elem(), schemas)}
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return map[string]any{"type": "number"}
	case t.Kind() == reflect.Interface:
		return map[string]any{}
	}
	return map[string]any{}
}

func schemaName(t reflect.Type) string {
	name := t.Name()
	if i := strings.Index(name, "["); i >= 0 { // generic: listPage[model.Site] → SiteList
		inner := name[i+1 : len(name)-1]
		if j := strings.LastIndex(inner, "."); j >= 0 {
			inner = inner[j+1:]
		}
		name = inner + "List"
	}
	return name
}

func structSchema(t reflect.Type, schemas map[string]any) map[string]any {
	props := map[string]any{}
	var names []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = schemaRef(f.Type, schemas)
			names = append(names, name)
		}
	}
	walk(t)
	sort.Strings(names)
	s := map[string]any{"type": "object", "properties": props}
	for _, ro := range readOnlyFields {
		if p, ok := props[ro].(map[string]any); ok {
			p["readOnly"] = true
		}
	}
	return s
}
