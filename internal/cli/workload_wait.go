package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/i18n"
)

func init() { workloadSubcommands = append(workloadSubcommands, workloadWaitCmd) }

// workloadWaitCmd waits for several workloads at once, as `kubectl wait`
// does, from one process (a script polling with curl and jq spends more
// CPU than the server): one GET per interval, of the first workload still
// pending, and on to the next as soon as one is there.
func workloadWaitCmd(g *globals) *cobra.Command {
	var (
		want     string
		timeout  time.Duration
		interval time.Duration
	)
	c := &cobra.Command{
		Use:   "wait ID...",
		Short: "Wait until every given workload is running (or deleted, with --for deleted); stops with an error when one fails",
		Example: `  soberana workload wait --for running --timeout 10m wl_… wl_…
  soberana workload wait --for deleted --interval 1s wl_…`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lang := g.language()
			if want != "running" && want != "deleted" {
				return usageErr(errors.New(i18n.T(lang, "cli.wait.for", want)))
			}
			cl, err := g.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			start := time.Now()
			pending := map[string]bool{}
			order := []string{}
			for _, id := range args {
				if !pending[id] {
					pending[id] = true
					order = append(order, id)
				}
			}
			done := 0
			for round := 0; ; round++ {
				// One GET per interval while the first pending workload
				// is not there yet: all must get there, so asking about the
				// others first costs the server and tells nothing sooner.
				// Every tenth round asks about all, to fail early on any.
				sweep := round%10 == 0
				for _, id := range order {
					if !pending[id] {
						continue
					}
					var w struct {
						State  string `json:"state"`
						Reason string `json:"reason"`
					}
					if _, err := cl.Do(ctx, "GET", "/v1/workloads/"+id, nil, &w); err != nil {
						return err
					}
					if w.State == "failed" || w.State == "rejected" || (w.State == "deleted" && want != "deleted") {
						return errors.New(i18n.T(lang, "cli.workload.ended", id, w.State, w.Reason))
					}
					if w.State != want {
						if sweep {
							continue
						}
						break
					}
					delete(pending, id)
					done++
					fmt.Fprintln(g.stdout, i18n.T(lang, "cli.wait.reached", time.Now().Format("15:04:05.000"), id, want, done, len(order), time.Since(start).Seconds()))
				}
				if len(pending) == 0 {
					fmt.Fprintln(g.stdout, i18n.T(lang, "cli.wait.done", len(order), want, time.Since(start).Seconds()))
					return nil
				}
				if timeout > 0 && time.Since(start) >= timeout {
					var left []string
					for _, id := range order {
						if pending[id] {
							left = append(left, id)
						}
					}
					return timeoutErr(errors.New(i18n.T(lang, "cli.wait.timeout", timeout, done, len(order), want, strings.Join(left, ", "))))
				}
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(interval):
				}
			}
		},
	}
	f := c.Flags()
	f.StringVar(&want, "for", "running", "the state to wait for: running or deleted")
	f.DurationVar(&timeout, "timeout", 30*time.Minute, "give up after this long (0: never)")
	f.DurationVar(&interval, "interval", 250*time.Millisecond, "pause between two rounds of polls")
	return c
}
