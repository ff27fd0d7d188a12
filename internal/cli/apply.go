package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/soberana/soberana/internal/client"
)

func init() { extraCommands = append(extraCommands, applyCmd) }

// Doc is one object of an apply file.
type Doc struct {
	Kind string `yaml:"kind"`
	// Name identifies a workload or a grant across applies (workloads and
	// grants have no name of their own): it becomes the workload's
	// Idempotency-Key and the grant's reason.
	Name string         `yaml:"name"`
	Spec map[string]any `yaml:"spec"`
}

// ParseDocs reads a multi-document YAML file.
func ParseDocs(r io.Reader) ([]Doc, error) {
	dec := yaml.NewDecoder(r)
	var out []Doc
	for i := 1; ; i++ {
		var d Doc
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if d.Kind == "" && d.Spec == nil {
			continue
		}
		d.Kind = strings.ToLower(d.Kind)
		switch d.Kind {
		case "app", "workload", "grant":
		default:
			return nil, msgErr("cli.apply.bad_kind", i, d.Kind)
		}
		if d.Spec == nil {
			return nil, msgErr("cli.apply.no_spec", i, d.Kind)
		}
		if (d.Kind == "workload" || d.Kind == "grant") && d.Name == "" && d.Spec["user_id"] == nil {
			return nil, msgErr("cli.apply.no_name", i, d.Kind)
		}
		out = append(out, jsonish(d))
	}
}

// jsonish turns YAML values into what encoding/json would decode.
func jsonish(d Doc) Doc {
	b, _ := json.Marshal(d.Spec)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	d.Spec = m
	return d
}

func applyCmd(g *globals) *cobra.Command {
	var (
		file   string
		dryRun bool
	)
	c := &cobra.Command{
		Use:   "apply -f FILE.yaml [--dry-run]",
		Short: "Make workloads, apps and grants match a file (GitOps); --dry-run shows the diff and changes nothing",
		Example: `  soberana apply -f salud.yaml --dry-run
  soberana apply -f salud.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var r io.Reader = cmd.InOrStdin()
			if file != "-" {
				b, err := os.ReadFile(file)
				if err != nil {
					return err
				}
				r = bytes.NewReader(b)
			}
			docs, err := ParseDocs(r)
			if err != nil {
				return err
			}
			cl, err := g.client()
			if err != nil {
				return err
			}
			changed := 0
			for _, d := range docs {
				n, err := applyDoc(cmd.Context(), cl, g.stdout, d, dryRun)
				if err != nil {
					return fmt.Errorf("%s %s: %w", d.Kind, docName(d), err)
				}
				changed += n
			}
			verb := "changed"
			if dryRun {
				verb = "would change"
			}
			fmt.Fprintf(g.stdout, "%d of %d objects %s\n", changed, len(docs), verb)
			return nil
		},
	}
	c.Flags().StringVarP(&file, "file", "f", "", "the file (- reads standard input)")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "show what would change, change nothing")
	_ = c.MarkFlagRequired("file")
	return c
}

func docName(d Doc) string {
	if d.Name != "" {
		return d.Name
	}
	if n, ok := d.Spec["name"].(string); ok {
		return n
	}
	return fmt.Sprint(d.Spec["user_id"])
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// diff prints the fields of want that differ from have ("~ k: old → new")
// and reports whether any did.
func diff(w io.Writer, have, want map[string]any) bool {
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	any := false
	for _, k := range keys {
		if !reflect.DeepEqual(have[k], want[k]) && !(have[k] == nil && isZero(want[k])) {
			fmt.Fprintf(w, "    ~ %s: %s → %s\n", k, str(have[k]), str(want[k]))
			any = true
		}
	}
	return any
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case map[string]any:
		return len(x) == 0
	}
	return false
}

func printSpec(w io.Writer, spec map[string]any) {
	keys := make([]string, 0, len(spec))
	for k := range spec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "    + %s: %s\n", k, str(spec[k]))
	}
}

// applyDoc brings one object to its spec; it returns 1 if it changed (or,
// with dryRun, would change) something.
func applyDoc(ctx context.Context, cl *client.Client, w io.Writer, d Doc, dryRun bool) (int, error) {
	switch d.Kind {
	case "app":
		return applyApp(ctx, cl, w, d, dryRun)
	case "workload":
		return applyWorkload(ctx, cl, w, d, dryRun)
	case "grant":
		return applyGrant(ctx, cl, w, d, dryRun)
	}
	return 0, nil
}

// applyApp creates the app named in d's spec in its project when there is
// none (printing the webhook secret, shown once), or else updates it when
// it differs from the spec (project_id aside), printing the difference.
func applyApp(ctx context.Context, cl *client.Client, w io.Writer, d Doc, dryRun bool) (int, error) {
	name, project := str(d.Spec["name"]), str(d.Spec["project_id"])
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := cl.Do(ctx, "GET", "/v1/apps"+client.Query(map[string]string{"project_id": project, "name": name}), nil, &page); err != nil {
		return 0, err
	}
	if len(page.Items) == 0 {
		fmt.Fprintf(w, "+ app %s (project %s)\n", name, project)
		printSpec(w, d.Spec)
		if dryRun {
			return 1, nil
		}
		var out map[string]any
		_, err := cl.Do(ctx, "POST", "/v1/apps", d.Spec, &out)
		if err == nil {
			fmt.Fprintf(w, "    created %s; webhook secret (shown once): %s\n", out["id"], out["webhook_secret"])
		}
		return 1, err
	}
	have := page.Items[0]
	want := map[string]any{}
	for k, v := range d.Spec {
		if k != "project_id" {
			want[k] = v
		}
	}
	var buf bytes.Buffer
	if !diff(&buf, have, want) {
		fmt.Fprintf(w, "= app %s (unchanged)\n", name)
		return 0, nil
	}
	fmt.Fprintf(w, "~ app %s (%s)\n%s", name, have["id"], buf.String())
	if dryRun {
		return 1, nil
	}
	_, err := cl.Do(ctx, "PUT", "/v1/apps/"+str(have["id"]), mergedApp(have, want), nil)
	return 1, err
}

// mergedApp is the body that updates the app have to want: have's
// updatable members, overwritten by want's (PUT replaces the whole app).
func mergedApp(have, want map[string]any) map[string]any {
	merged := map[string]any{}
	for _, k := range []string{"name", "image", "port", "replicas", "env", "health_path", "workload_id"} {
		if v, ok := have[k]; ok {
			merged[k] = v
		}
	}
	for k, v := range want {
		merged[k] = v
	}
	return merged
}

// applyWorkload creates the workload d once, under the Idempotency-Key
// "apply:<name>": applied again with the same spec it is unchanged; with
// another, it is refused (workloads are not changed in place).
func applyWorkload(ctx context.Context, cl *client.Client, w io.Writer, d Doc, dryRun bool) (int, error) {
	key := "apply:" + d.Name
	if dryRun {
		fmt.Fprintf(w, "+ workload %s (Idempotency-Key %q: created once, unchanged when applied again with the same spec)\n", d.Name, key)
		printSpec(w, d.Spec)
		return 1, nil
	}
	var out map[string]any
	hdr, err := cl.Do(ctx, "POST", "/v1/workloads", d.Spec, &out, "Idempotency-Key", key)
	var p *client.Problem
	if errors.As(err, &p) && p.Status == 422 && strings.Contains(p.Type, "idempotency") {
		return 0, msgErr("cli.apply.spec_changed", key)
	}
	if err != nil {
		return 0, err
	}
	if hdr.Get("Location") == "" {
		fmt.Fprintf(w, "= workload %s (%s, unchanged)\n", d.Name, out["id"])
		return 0, nil
	}
	fmt.Fprintf(w, "+ workload %s created: %s (%s)\n", d.Name, out["id"], out["state"])
	return 1, nil
}

// applyGrant creates the grant d in its project unless an active grant of
// the same role is there for the same user or with the same reason (a
// named grant's reason defaults to "apply:<name>", set in d.Spec).
func applyGrant(ctx context.Context, cl *client.Client, w io.Writer, d Doc, dryRun bool) (int, error) {
	project := str(d.Spec["project_id"])
	if d.Name != "" && d.Spec["reason"] == nil {
		d.Spec["reason"] = "apply:" + d.Name
	}
	var page struct {
		Items []map[string]any `json:"items"`
	}
	if _, err := cl.Do(ctx, "GET", "/v1/grants?"+url.Values{"project_id": {project}, "active": {"true"}}.Encode(), nil, &page); err != nil {
		return 0, err
	}
	for _, gr := range page.Items {
		same := (d.Spec["user_id"] != nil && gr["user_id"] == d.Spec["user_id"]) || (d.Spec["reason"] != nil && gr["reason"] == d.Spec["reason"])
		if same && gr["role"] == d.Spec["role"] {
			fmt.Fprintf(w, "= grant %s (%s, unchanged; expires %s)\n", docName(d), gr["id"], gr["expires_at"])
			return 0, nil
		}
	}
	fmt.Fprintf(w, "+ grant %s (project %s)\n", docName(d), project)
	printSpec(w, d.Spec)
	if dryRun {
		return 1, nil
	}
	_, err := cl.Do(ctx, "POST", "/v1/grants", d.Spec, nil)
	return 1, err
}
