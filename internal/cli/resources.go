package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

// resource maps a CLI noun to its API collection and table columns.
type resource struct {
	path    string
	aliases []string
	columns []string // JSON keys; dotted for nested
}

var resources = []resource{
	{"providers", []string{"provider", "prv"}, []string{"id", "name", "driver", "jurisdiction", "certification", "currency", "health", "simulated"}},
	{"sites", []string{"site"}, []string{"id", "name", "provider_id", "country", "subdivision", "city", "tier", "failure_domain", "health", "capacity.vcpus", "capacity.memory_mib", "simulated"}},
	{"offerings", []string{"offering", "off"}, []string{"id", "name", "kind", "vcpus", "memory_mib", "disk_gib"}},
	{"prices", []string{"price"}, []string{"id", "provider_id", "offering_id", "currency", "per_hour", "valid_from"}},
	{"fx-rates", []string{"fx-rate", "fxrate", "fxrates", "rates", "rate"}, []string{"id", "from", "to", "rate", "valid_on", "source"}},
	{"institutions", []string{"institution", "ins"}, []string{"id", "name", "country", "currency", "auto_approve_minor"}},
	{"budget-lines", []string{"budget-line", "budgetline", "bl"}, []string{"id", "institution_id", "fiscal_year", "code", "name", "currency", "amount_minor"}},
	{"projects", []string{"project", "prj"}, []string{"id", "name", "institution_id", "budget_line_id"}},
}

func findResource(name string) (resource, error) {
	if r, ok := named(resources, name, func(r resource) (string, []string) { return r.path, r.aliases }); ok {
		return r, nil
	}
	names := make([]string, len(resources))
	for i, r := range resources {
		names[i] = r.path
	}
	return resource{}, usageErr(msgErr("cli.resources.unknown_noun", name, strings.Join(names, ", ")))
}

func createCmd(g *globals) *cobra.Command {
	var file, data string
	c := &cobra.Command{
		Use:   "create NOUN -f FILE | --data JSON",
		Short: "Create an object from a YAML or JSON file (- for stdin) or inline JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := findResource(args[0])
			if err != nil {
				return err
			}
			body, err := readInput(file, data, cmd.InOrStdin())
			if err != nil {
				return err
			}
			var obj map[string]any
			if _, err := g.call(cmd.Context(), "POST", "/v1/"+res.path, body, &obj); err != nil {
				return err
			}
			return g.print(res.columns, []map[string]any{obj}, obj)
		},
	}
	c.Flags().StringVarP(&file, "file", "f", "", "YAML or JSON file, - for standard input")
	c.Flags().StringVar(&data, "data", "", "inline JSON object")
	// --help names the fields: all of NOUN's (create NOUN --help), else
	// the required ones of every noun (soberana explain has the rest).
	c.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		cmd.Long = cmd.Short + ".\n\n" + createFieldsHelp(g.language(), cmd.Flags().Args())
		if p := cmd.Parent(); p != nil {
			p.HelpFunc()(cmd, args)
		}
	})
	return c
}

func deleteCmd(g *globals) *cobra.Command {
	var sf scopeFlags
	c := &cobra.Command{
		Use:   "delete NOUN NAME|ID",
		Short: "Delete an object, named by its name or id",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			lang := g.language()
			n, err := findNoun(lang, args[0])
			if err != nil {
				return err
			}
			if !n.deletable {
				var can []string
				for _, d := range nouns {
					if d.deletable {
						can = append(can, d.name)
					}
				}
				return usageErr(errors.New(g.tr("cli.err.not_deletable", n.name, strings.Join(can, ", "))))
			}
			cl, err := g.client()
			if err != nil {
				return err
			}
			q, err := sf.query(ctx, g, cl)
			if err != nil {
				return err
			}
			id, err := g.argID(ctx, cl, n.name, args[1], q)
			if err != nil {
				return err
			}
			if _, err := cl.Do(ctx, "DELETE", n.path+"/"+url.PathEscape(id), nil, nil); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, g.tr("cli.deleted", n.singular(lang), id))
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&sf.institution, "institution", "", "institution name or id (narrows a name)")
	f.StringVar(&sf.project, "project", "", "project name or id (narrows a name)")
	for flag, n := range map[string]string{"institution": "institutions", "project": "projects"} {
		_ = c.RegisterFlagCompletionFunc(flag, g.completeRef(n))
	}
	c.ValidArgsFunction = g.completeNounArgs
	return c
}

// readInput returns a JSON body from a YAML/JSON file, stdin or a string.
func readInput(file, data string, stdin io.Reader) ([]byte, error) {
	var raw []byte
	switch {
	case file != "" && data != "":
		return nil, msgErr("cli.resources.both_inputs")
	case file == "-":
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, err
		}
		raw = b
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		raw = b
	case data != "":
		raw = []byte(data)
	default:
		return nil, msgErr("cli.resources.no_input")
	}
	var v any
	if err := yaml.Unmarshal(raw, &v); err != nil { // YAML is a superset of JSON
		return nil, fmt.Errorf("reading input: %w", err)
	}
	return json.Marshal(v)
}

// print writes items as a table, or whole as JSON/YAML.
func (g *globals) print(columns []string, items []map[string]any, whole any) error {
	kind, tmpl, err := g.outputKind()
	if err != nil {
		return err
	}
	if done, err := g.writeData(kind, tmpl, whole); done {
		return err
	}
	if len(columns) == 0 && len(items) > 0 {
		for k := range items[0] {
			columns = append(columns, k)
		}
		sort.Strings(columns)
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 2, 2, ' ', 0)
	head := make([]string, len(columns))
	for i, c := range columns {
		head[i] = strings.ToUpper(strings.ReplaceAll(c[strings.LastIndex(c, ".")+1:], "_", " "))
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, it := range items {
		row := make([]string, len(columns))
		for i, c := range columns {
			row[i] = cell(lookup(it, c), c)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

func lookup(m map[string]any, path string) any {
	var cur any = m
	for _, p := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

func cell(v any, col string) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case bool:
		if col == "simulated" {
			if x {
				return "SIMULATED"
			}
			return "no"
		}
		return fmt.Sprint(x)
	case float64:
		if x == float64(int64(x)) {
			return fmt.Sprint(int64(x))
		}
		return fmt.Sprint(x)
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
