package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
	"github.com/soberana/soberana/internal/i18n"
)

// scopeFlags are the flags that narrow a list or a name to a scope; they
// take names or ids.
type scopeFlags struct {
	institution, project, app, month string
	filters                          []string
}

func (s *scopeFlags) add(g *globals, c *cobra.Command) {
	f := c.Flags()
	f.StringVar(&s.institution, "institution", "", "institution name or id")
	f.StringVar(&s.project, "project", "", "project name or id")
	f.StringVar(&s.app, "app", "", "app name or id (releases)")
	f.StringVar(&s.month, "month", "", "month YYYY-MM (statements)")
	f.StringArrayVar(&s.filters, "filter", nil, "key=value filter passed to the API (repeatable), e.g. --filter country=BR")
	for flag, n := range map[string]string{"institution": "institutions", "project": "projects", "app": "apps"} {
		_ = c.RegisterFlagCompletionFunc(flag, g.completeRef(n))
	}
}

// nounCall is what get and describe both start from: the noun named by
// the user, the output format, a client and the scope's query.
type nounCall struct {
	n          noun
	kind, tmpl string
	cl         *client.Client
	q          scopeQuery
}

// nounCmd completes c, a command on NOUN [NAME|ID] (get, describe): the
// scope flags, completion of nouns and names, and a RunE that prepares
// the nounCall of args[0] for run.
func (s *scopeFlags) nounCmd(g *globals, c *cobra.Command, run func(ctx context.Context, nc nounCall, args []string) error) *cobra.Command {
	c.ValidArgsFunction = g.completeNounArgs
	c.RunE = func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		var nc nounCall
		var err error
		if nc.n, err = findNoun(g.language(), args[0]); err != nil {
			return err
		}
		if nc.kind, nc.tmpl, err = g.outputKind(); err != nil {
			return err
		}
		if nc.cl, err = g.client(); err != nil {
			return err
		}
		if nc.q, err = s.query(ctx, g, nc.cl); err != nil {
			return err
		}
		return run(ctx, nc, args)
	}
	s.add(g, c)
	return c
}

// query resolves the scope flags' names into ids.
func (s *scopeFlags) query(ctx context.Context, g *globals, cl *client.Client) (scopeQuery, error) {
	q := scopeQuery{}
	var err error
	if q["institution_id"], err = g.resolveID(ctx, cl, "institutions", s.institution, nil); err != nil {
		return nil, err
	}
	if q["project_id"], err = g.resolveID(ctx, cl, "projects", s.project, scopeQuery{"institution_id": q["institution_id"]}); err != nil {
		return nil, err
	}
	if q["app_id"], err = g.resolveID(ctx, cl, "apps", s.app, scopeQuery{"institution_id": q["institution_id"], "project_id": q["project_id"]}); err != nil {
		return nil, err
	}
	q["month"] = s.month
	for _, f := range s.filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, usageErr(errors.New(g.tr("cli.err.filter", f)))
		}
		q["filter."+k] = v
	}
	return q, nil
}

func getCmd(g *globals) *cobra.Command {
	var sf scopeFlags
	return sf.nounCmd(g, &cobra.Command{
		Use:   "get NOUN [NAME|ID]",
		Short: "List objects of a noun, or show one by name or id",
		Long: "List objects of a noun, or show one by name or id. Nouns: " + strings.Join(nounNames(), ", ") + ".\n" +
			"Tables show names, money in the institution's currency and the reader's locale, times in TZ;\n" +
			"-o wide adds ids and more columns, -o json|yaml|jsonpath=TEMPLATE print the API's objects.",
		Example: `  soberana get projects --institution "Ministério da Saúde"
  soberana get workloads --project prontuario-eletronico -o wide
  soberana get sites -o jsonpath='{.items[*].name}'
  soberana get releases --app citas`,
		Args: cobra.RangeArgs(1, 2),
	}, func(ctx context.Context, nc nounCall, args []string) error {
		var rows []map[string]any
		var whole any
		if len(args) == 2 {
			obj, err := g.resolve(ctx, nc.cl, nc.n, args[1], nc.q)
			if err != nil {
				return err
			}
			rows, whole = []map[string]any{obj}, obj
		} else {
			var err error
			if rows, whole, err = g.list(ctx, nc.cl, nc.n, nc.q); err != nil {
				return err
			}
		}
		if done, err := g.writeData(nc.kind, nc.tmpl, whole); done {
			return err
		}
		cols := nc.n.columns
		if nc.kind == "wide" {
			cols = append(append([]string{}, nc.n.columns...), nc.n.wide...)
		}
		return g.newTable(ctx, newRefs(nc.cl)).write(cols, rows)
	})
}

func describeCmd(g *globals) *cobra.Command {
	var sf scopeFlags
	return sf.nounCmd(g, &cobra.Command{
		Use:   "describe NOUN NAME|ID",
		Short: "Show every field of one object, with names for the objects it refers to",
		Example: `  soberana describe project prontuario-eletronico
  soberana describe budget-line "Saúde digital" --institution "Ministério da Saúde"`,
		Args: cobra.ExactArgs(2),
	}, func(ctx context.Context, nc nounCall, args []string) error {
		obj, err := g.resolve(ctx, nc.cl, nc.n, args[1], nc.q)
		if err != nil {
			return err
		}
		if done, err := g.writeData(nc.kind, nc.tmpl, obj); done {
			return err
		}
		g.newTable(ctx, newRefs(nc.cl)).describe(obj, "")
		return nil
	})
}

// describe prints obj as indented "Label: value" lines, nested objects
// and lists below their label.
func (t *table) describe(obj map[string]any, indent string) {
	keys := sortedKeys(obj)
	// Identity first, then the rest in order.
	sort.SliceStable(keys, func(i, j int) bool { return rank(keys[i]) < rank(keys[j]) })
	width := 0
	for _, k := range keys {
		width = max(width, len([]rune(t.label(k))))
	}
	for _, k := range keys {
		v := obj[k]
		label := t.label(k)
		pad := strings.Repeat(" ", width-len([]rune(label)))
		switch x := v.(type) {
		case map[string]any:
			if _, isMoney := x["minor"]; isMoney {
				break
			}
			fmt.Fprintf(t.g.stdout, "%s%s:\n", indent, label)
			t.describe(x, indent+"  ")
			continue
		case []any:
			if len(x) > 0 {
				if _, ok := x[0].(map[string]any); ok {
					fmt.Fprintf(t.g.stdout, "%s%s:\n", indent, label)
					for i, e := range asMaps(x) {
						fmt.Fprintf(t.g.stdout, "%s  [%d]\n", indent, i)
						t.describe(e, indent+"    ")
					}
					continue
				}
			}
		}
		val := t.cell(obj, k)
		if _, isRef := refNouns[k]; isRef {
			if id, _ := v.(string); id != "" && val != id {
				val += " (" + id + ")"
			}
		}
		fmt.Fprintf(t.g.stdout, "%s%s:%s %s\n", indent, label, pad, val)
	}
}

func rank(k string) int {
	switch k {
	case "name", "family":
		return 0
	case "id":
		return 1
	case "state":
		return 2
	}
	return 3
}

// label is the translated name of a field, as in table headers but in
// sentence case.
func (t *table) label(k string) string {
	h := t.header(k)
	if h == strings.ToUpper(h) {
		r := []rune(strings.ToLower(h))
		if len(r) > 0 {
			r[0] = []rune(strings.ToUpper(string(r[0])))[0]
		}
		return string(r)
	}
	return h
}

// completeNounArgs completes nouns, then the names (or ids) of the
// noun's objects from the server.
func (g *globals) completeNounArgs(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) == 0 {
		var out []cobra.Completion
		for _, n := range nouns {
			if strings.HasPrefix(n.name, toComplete) {
				out = append(out, cobra.CompletionWithDesc(n.name, n.singular(g.language())))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	if len(args) > 1 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	n, err := findNoun(g.language(), args[0])
	if err != nil || n.single {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return g.completeObjects(cmd.Context(), n, toComplete), cobra.ShellCompDirectiveNoFileComp
}

// completeObjects lists names (and ids of unnamed objects) of n.
func (g *globals) completeObjects(ctx context.Context, n noun, prefix string) []cobra.Completion {
	cl, err := g.client()
	if err != nil {
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	items, _, err := g.list(ctx, cl, n, nil)
	if err != nil {
		return nil
	}
	var out []cobra.Completion
	for _, it := range items {
		id, _ := it["id"].(string)
		name, _ := it[n.nameKey].(string)
		for _, cand := range []string{name, id} {
			if cand != "" && strings.HasPrefix(cand, prefix) {
				desc := id
				if cand == id {
					desc = name
				}
				out = append(out, cobra.CompletionWithDesc(cand, desc))
			}
		}
	}
	return out
}

// completeRef is a flag completion for a noun's names and ids.
func (g *globals) completeRef(nounName string) func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		n, err := findNoun(i18n.EN, nounName)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return g.completeObjects(cmd.Context(), n, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}
