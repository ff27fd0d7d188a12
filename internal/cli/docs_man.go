package cli

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/soberana/soberana/internal/buildinfo"
)

func init() { extraCommands = append(extraCommands, docsCmd) }

// docsCmd generates reference documentation from the command tree itself,
// so that it can never name a command or flag that does not exist.
func docsCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "docs", Short: "Generate reference documentation of the CLI"}
	man := &cobra.Command{
		Use:     "man DIR",
		Short:   "Write a man page per command (section 1) into DIR, in the language of --lang/LANG",
		Example: "  soberana docs man /usr/local/share/man/man1",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return err
			}
			root := cmd.Root()
			root.DisableAutoGenTag = true
			return doc.GenManTree(root, &doc.GenManHeader{Title: "SOBERANA", Section: "1", Source: "soberana " + buildinfo.Get().Version}, args[0])
		},
	}
	c.AddCommand(man)
	return c
}
