package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// jsonBench is the command of a bench scenario that measures once and
// prints its result as one JSON line: flags fills the options o from the
// command line, run measures with them.
func jsonBench[O, R any](g *globals, use, short string, run func(context.Context, O) (R, error), flags func(f *pflag.FlagSet, o *O)) *cobra.Command {
	var o O
	c := benchScenarioCmd(use, short, func(ctx context.Context) error {
		res, err := run(ctx, o)
		if err != nil {
			return err
		}
		return printJSONLine(g, res)
	})
	flags(c.Flags(), &o)
	return c
}
