package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
)

// benchScenarios are the scenario benchmarks behind `soberana bench`; each
// file that adds one registers it here with its own flags.
var benchScenarios = map[string]func(g *globals) *cobra.Command{}

func benchCmd(g *globals) *cobra.Command {
	c := &cobra.Command{
		Use:   "bench SCENARIO",
		Short: "Run a scenario benchmark and print one JSON line with the result",
		Long:  "Scenario benchmarks measure the platform on this machine. Results are JSON on stdout.",
	}
	names := make([]string, 0, len(benchScenarios))
	for n := range benchScenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c.AddCommand(benchScenarios[n](g))
	}
	c.Long += "\nScenarios: " + strings.Join(names, ", ")
	return c
}

// benchScenarioCmd is the command of one bench scenario: no arguments,
// run measures in the command's context.
func benchScenarioCmd(use, short string, run func(ctx context.Context) error) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return run(cmd.Context()) }}
}

func printJSONLine(g *globals, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(g.stdout, string(b))
	return err
}
