package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
)

func init() { extraCommands = append(extraCommands, deployCmd) }

// resolveApp accepts an app id or a name (unique among the apps the token
// sees: a deploy token sees its one project's).
func resolveApp(ctx context.Context, c *client.Client, lang i18n.Lang, app string) (string, error) {
	if strings.HasPrefix(app, "app_") {
		return app, nil
	}
	ids, err := idsNamed(ctx, c, "/v1/apps", app)
	if err != nil {
		return "", err
	}
	switch len(ids) {
	case 0:
		return "", errors.New(i18n.T(lang, "cli.deploy.no_app", app))
	case 1:
		return ids[0], nil
	}
	return "", errors.New(i18n.T(lang, "cli.deploy.many_app", app))
}

func deployCmd(g *globals) *cobra.Command {
	var (
		app, image, commit, rollbackTo string
		wait                           bool
		timeout                        time.Duration
		group                          string
		sites                          []string
		maxParallel, canary            int
		threshold                      float64
	)
	c := &cobra.Command{
		Use:   "deploy --app APP --image IMAGE [--commit SHA] [--wait]",
		Short: "Release an app (for CI/CD pipelines, with a deploy token): rolled out site by site, rolled back on failure",
		Example: `  export SOBERANA_SERVER=https://soberana.gob.mx SOBERANA_TOKEN=$DEPLOY_TOKEN
  soberana deploy --app citas --image registry.gob.mx/salud/citas:$CI_COMMIT_SHA --wait
  soberana deploy --app citas --image v1.4.2            # a tag of the app's image
  soberana deploy --app citas --rollback-to rel_…       # a new release with an earlier one's image
  soberana deploy --app citas --image v1.5.0 --group anillo-1 --max-parallel 100 --canary 10 --failure-threshold 0.2 --wait`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			lang := g.language() // --lang, else LC_ALL, LC_MESSAGES, LANG
			if app == "" || (image == "" && rollbackTo == "") {
				return msgErr("cli.deploy.app_image")
			}
			cl, err := g.client()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			id, err := resolveApp(ctx, cl, lang, app)
			if err != nil {
				return err
			}
			if commit == "" {
				commit = firstEnv(g.getenv, "GITHUB_SHA", "CI_COMMIT_SHA", "GITEA_SHA", "FORGEJO_SHA")
			}
			var rel client.Release
			if rollbackTo != "" {
				_, err = cl.Do(ctx, "POST", "/v1/apps/"+id+":rollback", map[string]string{"release_id": rollbackTo}, &rel)
			} else {
				spec := client.ReleaseSpec{Image: image, Commit: commit}
				spec.Group, spec.Sites = group, sites
				fl := cmd.Flags()
				if fl.Changed("max-parallel") || group != "" || len(sites) > 0 {
					spec.MaxParallel = maxParallel
				}
				if fl.Changed("canary") {
					spec.Canary = canary
				}
				if fl.Changed("failure-threshold") {
					spec.FailureThreshold = &threshold
				}
				var r *client.Release
				if r, err = cl.CreateRelease(ctx, id, spec); err == nil {
					rel = *r
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, i18n.T(lang, "cli.deploy.queued", rel.ID, fmt.Sprint(rel.Seq), rel.Image, rel.Reason))
			if !wait {
				return nil
			}
			wctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			seen := map[string]string{}
			// Steps name sites by id; people read names (a deploy token
			// that may not read sites prints the id).
			names := map[string]string{}
			site := func(id string) string { return nameOf(ctx, cl, "sites", id, names) }
			tty := isTTY(g.stdout)
			lastLine := ""
			for {
				rel.Steps = nil // absent fields must not keep the last answer's
				if _, err := cl.Do(wctx, "GET", "/v1/apps/"+id+"/releases/"+rel.ID, nil, &rel); err != nil {
					return err
				}
				if rel.Progress.WavesTotal > 0 {
					// A wave rollout: one progress line (a bar on a
					// terminal), not a line per site of thousands.
					line := progressLine(lang, rel.Progress, tty)
					switch {
					case tty:
						fmt.Fprint(g.stdout, "\r"+line)
					case line != lastLine:
						fmt.Fprintln(g.stdout, line)
					}
					lastLine = line
					if tty && (rel.State == model.ReleaseSucceeded || rel.State == model.ReleaseFailed) {
						fmt.Fprintln(g.stdout)
					}
					rel.Steps = nil
				}
				for _, s := range rel.Steps {
					if k := string(s.State) + s.Reason; seen[s.SiteID] != k {
						seen[s.SiteID] = k
						fmt.Fprintln(g.stdout, i18n.T(lang, "cli.deploy.step", site(s.SiteID), s.State, s.Reason))
					}
				}
				switch rel.State {
				case model.ReleaseSucceeded:
					fmt.Fprintln(g.stdout, i18n.T(lang, "cli.deploy.ended", rel.ID, rel.State, rel.Reason))
					for _, s := range rel.Steps {
						if s.URL == "" {
							continue
						}
						key := "cli.deploy.url"
						if s.Simulated {
							key = "cli.deploy.url_sim"
						}
						fmt.Fprintln(g.stdout, i18n.T(lang, key, site(s.SiteID), s.URL))
					}
					return nil
				case model.ReleaseFailed:
					return errors.New(i18n.T(lang, "cli.deploy.ended", rel.ID, rel.State, rel.Reason))
				}
				select {
				case <-wctx.Done():
					return fmt.Errorf("release %s is still %s: %w", rel.ID, rel.State, wctx.Err())
				case <-time.After(time.Second):
				}
			}
		},
	}
	fl := c.Flags()
	fl.StringVar(&app, "app", "", "app id (app_…) or name")
	fl.StringVar(&image, "image", "", "image tag, digest (sha256:…) or whole reference")
	fl.StringVar(&commit, "commit", "", "commit the image was built from (default $GITHUB_SHA, $CI_COMMIT_SHA, $GITEA_SHA)")
	fl.StringVar(&rollbackTo, "rollback-to", "", "roll back to this earlier release (rel_…)")
	fl.BoolVar(&wait, "wait", false, "follow the rollout site by site; exit 1 if it fails")
	fl.DurationVar(&timeout, "timeout", 30*time.Minute, "how long --wait waits")
	fl.StringVar(&group, "group", "", "roll out in waves to this edge group's sites (name or id)")
	fl.StringSliceVar(&sites, "sites", nil, "roll out in waves to these sites (ids)")
	fl.IntVar(&maxParallel, "max-parallel", 10, "sites per wave")
	fl.IntVar(&canary, "canary", 0, "size of the first (canary) wave; 0: none")
	fl.Float64Var(&threshold, "failure-threshold", 0, "share of a wave's sites that may fail (0 to 1) before the rollout stops and rolls back")
	return c
}

// isTTY reports whether w is a terminal.
func isTTY(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressLine is a wave rollout's progress: a bar on a terminal.
func progressLine(lang i18n.Lang, p client.RolloutProgress, bar bool) string {
	wave := p.Wave
	if wave == 0 {
		wave = p.WavesDone
	}
	line := i18n.T(lang, "cli.deploy.progress", wave, p.WavesTotal, p.SitesOK, p.SitesTotal, p.SitesFailed, p.SitesPending)
	if p.SitesRolledBack > 0 {
		line += " · " + i18n.T(lang, "cli.deploy.progress_rb", p.SitesRolledBack)
	}
	if !bar {
		return line
	}
	const width = 30
	done := 0
	if p.SitesTotal > 0 {
		done = (p.SitesOK + p.SitesFailed + p.SitesRolledBack) * width / p.SitesTotal
	}
	done = min(done, width)
	return "[" + strings.Repeat("#", done) + strings.Repeat(".", width-done) + "] " + line
}

func firstEnv(getenv func(string) string, names ...string) string {
	for _, n := range names {
		if v := getenv(n); v != "" {
			return v
		}
	}
	return ""
}
