package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/i18n"
)

func init() { extraCommands = append(extraCommands, explainCmd) }

// The fields explain names come from the OpenAPI document the server
// serves at /openapi.json, generated here by the same code (api.OpenAPI
// builds it from the route table and the wire types): explain works
// without a server and always matches the binary's own API version.
var (
	openAPIOnce sync.Once
	openAPIDoc  map[string]any
)

func openAPI() map[string]any {
	openAPIOnce.Do(func() {
		// Through JSON, so that the document has the shapes a client of
		// /openapi.json sees ([]any, not []string).
		a := api.New(api.Options{})
		// The routes the server adds from its services: only their
		// shapes are needed, the handlers never run here.
		a.AddLedger(nil)
		a.AddWorkloads(api.WorkloadOptions{})
		a.AddApps(nil)
		b, err := json.Marshal(a.OpenAPI())
		if err == nil {
			err = json.Unmarshal(b, &openAPIDoc)
		}
		if err != nil {
			panic("cli: the OpenAPI document: " + err.Error())
		}
	})
	return openAPIDoc
}

// applyKindNouns are the kinds apply -f accepts, as nouns.
var applyKindNouns = map[string]string{"app": "apps", "workload": "workloads", "grant": "grants"}

// creatable are the nouns create -f and apply -f accept, in help order.
func creatable() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range resources {
		seen[r.path] = true
	}
	for _, n := range applyKindNouns {
		seen[n] = true
	}
	for _, n := range nouns {
		if seen[n.name] {
			out = append(out, n.name)
		}
	}
	return out
}

// explainable are the nouns whose collection has a POST with a body.
func explainable() []string {
	var out []string
	for _, n := range nouns {
		if _, ok := createSchema(n); ok {
			out = append(out, n.name)
		}
	}
	return out
}

var pathParamRE = regexp.MustCompile(`\{[^}]+\}`)

// createSchema is the request body schema of POST on n's collection.
func createSchema(n noun) (map[string]any, bool) {
	paths, _ := openAPI()["paths"].(map[string]any)
	want := pathParamRE.ReplaceAllString(n.path, "{}")
	for p, item := range paths {
		if pathParamRE.ReplaceAllString(p, "{}") != want {
			continue
		}
		post, _ := item.(map[string]any)["post"].(map[string]any)
		body, _ := post["requestBody"].(map[string]any)
		content, _ := body["content"].(map[string]any)
		media, _ := content["application/json"].(map[string]any)
		if s, ok := media["schema"].(map[string]any); ok {
			return deref(s), true
		}
	}
	return nil, false
}

// deref follows $ref and a lone allOf (how the generator documents a
// field of a named type), keeping the field's own description.
func deref(s map[string]any) map[string]any {
	for i := 0; i < 8 && s != nil; i++ {
		if ref, ok := s["$ref"].(string); ok {
			schemas, _ := openAPI()["components"].(map[string]any)["schemas"].(map[string]any)
			t, _ := schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
			s = merge(t, s, ref)
			continue
		}
		if all, ok := s["allOf"].([]any); ok && len(all) == 1 {
			inner, _ := all[0].(map[string]any)
			out := merge(inner, s, "")
			delete(out, "allOf")
			s = out
			continue
		}
		if alts, ok := s["anyOf"].([]any); ok {
			// A nullable named type: {anyOf: [{$ref}, {type: null}]}.
			var keep []map[string]any
			for _, a := range alts {
				if m, _ := a.(map[string]any); m != nil && m["type"] != "null" {
					keep = append(keep, m)
				}
			}
			if len(keep) == 1 {
				out := merge(keep[0], s, "")
				delete(out, "anyOf")
				s = out
				continue
			}
		}
		break
	}
	return s
}

// merge returns base with the description and readOnly of outer, and
// the schema's name when it came from a $ref.
func merge(base, outer map[string]any, ref string) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for _, k := range []string{"description", "readOnly"} {
		if v, ok := outer[k]; ok {
			out[k] = v
		}
	}
	if ref != "" {
		out["x-name"] = strings.TrimPrefix(ref, "#/components/schemas/")
	} else if nm, ok := outer["x-name"]; ok {
		out["x-name"] = nm
	}
	return out
}

// schemaType is a field's type as explain prints it: string, integer,
// []string, object (Redundancy), string (date-time)…
func schemaType(s map[string]any) string {
	s = deref(s)
	var t string
	switch v := s["type"].(type) {
	case string:
		t = v
	case []any:
		var parts []string
		for _, p := range v {
			if p != "null" {
				parts = append(parts, fmt.Sprint(p))
			}
		}
		t = strings.Join(parts, "|")
	}
	if t == "array" {
		items, _ := s["items"].(map[string]any)
		return "[]" + schemaType(items)
	}
	if t == "" && s["properties"] != nil {
		t = "object"
	}
	if t == "" {
		t = "any"
	}
	if nm, _ := s["x-name"].(string); nm != "" && t == "object" {
		return "object (" + nm + ")"
	}
	if f, _ := s["format"].(string); f != "" && f != "int64" && f != "int32" && f != "double" {
		return t + " (" + f + ")"
	}
	return t
}

// writableFields are the properties of s a client sends (readOnly ones
// are the server's), sorted, with whether each is required.
func writableFields(s map[string]any) (names []string, required map[string]bool) {
	props, _ := s["properties"].(map[string]any)
	required = map[string]bool{}
	if req, ok := s["required"].([]any); ok {
		for _, r := range req {
			required[fmt.Sprint(r)] = true
		}
	}
	for k, v := range props {
		if m, _ := v.(map[string]any); m["readOnly"] == true || deref(m)["readOnly"] == true {
			continue
		}
		names = append(names, k)
	}
	sort.Strings(names)
	return names, required
}

// explainTarget walks NOUN.field.field… to the schema it names.
func explainTarget(lang i18n.Lang, target string) (noun, []string, map[string]any, error) {
	parts := strings.Split(target, ".")
	n, err := findNoun(lang, parts[0])
	if err != nil {
		return noun{}, nil, nil, err
	}
	s, ok := createSchema(n)
	if !ok {
		return noun{}, nil, nil, usageErr(errors.New(i18n.T(lang, "cli.explain.err.not_created", n.name, strings.Join(explainable(), ", "))))
	}
	for i, f := range parts[1:] {
		props, _ := s["properties"].(map[string]any)
		p, ok := props[f].(map[string]any)
		if !ok {
			names, _ := writableFields(s)
			return noun{}, nil, nil, usageErr(errors.New(i18n.T(lang, "cli.explain.err.field", strings.Join(parts[:i+2], "."), strings.Join(names, ", "))))
		}
		s = deref(p)
		for s["type"] == "array" {
			items, _ := s["items"].(map[string]any)
			desc := s["description"]
			s = deref(items)
			if s["description"] == nil && desc != nil {
				s = merge(s, map[string]any{"description": desc}, "")
			}
		}
	}
	return n, parts[1:], s, nil
}

// writeExplain prints the fields of s the way kubectl explain does, with
// the labels in lang (descriptions are the API's, in English).
func writeExplain(w io.Writer, lang i18n.Lang, n noun, field []string, s map[string]any) {
	label := func(k string) string { return i18n.T(lang, "cli.explain."+k) }
	res := n.name
	if len(field) > 0 {
		res += "." + strings.Join(field, ".")
	}
	fmt.Fprintf(w, "%s %s (%s)\n", label("resource"), res, n.singular(lang))
	fmt.Fprintf(w, "%s %s\n", label("type"), schemaType(s))
	fmt.Fprintf(w, "%s %s\n", label("create"), createHow(n))
	if d, _ := s["description"].(string); d != "" {
		fmt.Fprintf(w, "\n%s\n", label("description"))
		wrapIndent(w, d, "    ")
	}
	names, required := writableFields(s)
	if len(names) == 0 {
		writeConstraints(w, lang, s, "    ")
		return
	}
	fmt.Fprintf(w, "\n%s\n", label("fields"))
	props, _ := s["properties"].(map[string]any)
	for _, k := range names {
		p, _ := props[k].(map[string]any)
		line := "  " + k + "  <" + schemaType(p) + ">"
		if required[k] {
			line += "  -" + label("required") + "-"
		}
		fmt.Fprintln(w, line)
		d := deref(p)
		if desc, _ := d["description"].(string); desc != "" {
			wrapIndent(w, desc, "    ")
		}
		writeConstraints(w, lang, d, "    ")
	}
}

// createHow is the command that creates an object of n from a file.
func createHow(n noun) string {
	var how []string
	for _, r := range resources {
		if r.path == n.name {
			how = append(how, "soberana create "+n.name+" -f FILE.yaml")
		}
	}
	if n.name == "workloads" {
		how = append(how, "soberana workload create -f FILE.yaml")
	}
	for k, v := range applyKindNouns {
		if v == n.name {
			how = append(how, "soberana apply -f FILE.yaml (kind: "+strings.ToUpper(k[:1])+k[1:]+", spec: …)")
		}
	}
	if len(how) == 0 {
		how = append(how, "POST "+n.path)
	}
	return strings.Join(how, " | ")
}

// writeConstraints names a field's closed set, default, pattern and bounds.
func writeConstraints(w io.Writer, lang i18n.Lang, s map[string]any, indent string) {
	if s["type"] == "array" {
		items, _ := s["items"].(map[string]any)
		s = deref(items)
	}
	if e, ok := s["enum"].([]any); ok && len(e) > 0 {
		var vals []string
		for _, v := range e {
			if v != nil {
				vals = append(vals, fmt.Sprint(v))
			}
		}
		fmt.Fprintf(w, "%s%s %s\n", indent, i18n.T(lang, "cli.explain.enum"), strings.Join(vals, ", "))
	}
	if d, ok := s["default"]; ok && d != nil {
		fmt.Fprintf(w, "%s%s %v\n", indent, i18n.T(lang, "cli.explain.default"), d)
	}
	if p, _ := s["pattern"].(string); p != "" {
		fmt.Fprintf(w, "%s%s %s\n", indent, i18n.T(lang, "cli.explain.pattern"), p)
	}
}

// wrapIndent writes text wrapped at 76 columns after indent.
func wrapIndent(w io.Writer, text, indent string) {
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > 76 {
			fmt.Fprintln(w, line)
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	if len(line) > len(indent) {
		fmt.Fprintln(w, line)
	}
}

func explainCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "explain NOUN[.FIELD…]",
		Short: "Name the fields create -f and apply -f accept: type, required, allowed values, description",
		Long: "Name the fields an object of NOUN takes in create -f and apply -f (the spec of an apply document):\n" +
			"type, whether it is required, its allowed values and its description, from the API's OpenAPI document.\n" +
			"NOUN.FIELD descends into a nested object. Nouns: " + strings.Join(creatable(), ", ") + ".",
		Example: `  soberana explain institutions
  soberana explain workloads.redundancy
  soberana explain grant`,
		Args: cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return explainable(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			lang := g.language()
			n, field, s, err := explainTarget(lang, args[0])
			if err != nil {
				return err
			}
			writeExplain(g.stdout, lang, n, field, s)
			return nil
		},
	}
}

// createFieldsHelp is what create --help adds: the fields of the noun
// given (create NOUN --help), else each noun's required fields.
func createFieldsHelp(lang i18n.Lang, args []string) string {
	var b strings.Builder
	if len(args) > 0 {
		if n, field, s, err := explainTarget(lang, args[0]); err == nil {
			writeExplain(&b, lang, n, field, s)
			return b.String()
		}
	}
	fmt.Fprintln(&b, i18n.T(lang, "cli.explain.create_help"))
	for _, r := range resources {
		n, err := findNoun(lang, r.path)
		if err != nil {
			continue
		}
		s, ok := createSchema(n)
		if !ok {
			continue
		}
		names, req := writableFields(s)
		var must []string
		for _, k := range names {
			if req[k] {
				must = append(must, k)
			}
		}
		fmt.Fprintf(&b, "  %-14s %s\n", r.path, strings.Join(must, ", "))
	}
	return b.String()
}
