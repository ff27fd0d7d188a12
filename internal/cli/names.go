package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// nameArgs are the commands whose positional arguments are objects of a
// noun: each takes a name as well as an id (workloads are named by the
// app that runs on them; see argID).
var nameArgs = map[string]string{
	"workload get": "workloads", "workload describe": "workloads", "workload approve": "workloads",
	"workload reject": "workloads", "workload delete": "workloads", "workload start": "workloads",
	"workload stop": "workloads", "workload reboot": "workloads", "workload resize": "workloads",
	"workload wait": "workloads", "workload migrate": "workloads", "ssh": "workloads",
	"token revoke": "tokens", "ssh-key delete": "ssh-keys", "grant revoke": "grants",
	"institution policy": "institutions", "provider evacuate": "providers",
}

// multiArgs are the commands of nameArgs whose every argument is an
// object (the others take one, then other words: ssh WORKLOAD -- cmd).
var multiArgs = map[string]bool{"workload wait": true}

// nameFlags are the flags that name an object of a noun.
var nameFlags = map[string]map[string]string{
	"sim outage":       {"site": "sites"},
	"sim faults":       {"provider": "providers"},
	"sim resources":    {"provider": "providers"},
	"statement export": {"institution": "institutions", "provider": "providers"},
	"statement close":  {"institution": "institutions"},
	"residency":        {"institution": "institutions"},
	"grant create":     {"project": "projects", "user": "users"},
	"grant list":       {"project": "projects"},
	"alerts list":      {"institution": "institutions"},
	"ssh-key add":      {"project": "projects"},
	"ssh-key list":     {"project": "projects"},
}

// acceptNames wraps the commands of nameArgs and nameFlags so that a
// name given where an id is expected becomes the id before the command
// runs: unique within its scope, else exit 4 (no such name) or 5 (the
// candidates listed). Ids go through untouched, without a request.
func acceptNames(g *globals, root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := strings.TrimSpace(strings.TrimPrefix(c.CommandPath(), root.Name()))
		argNoun, flags := nameArgs[path], nameFlags[path]
		if c.RunE != nil && (argNoun != "" || len(flags) > 0) {
			wrapNames(g, c, argNoun, flags, multiArgs[path])
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

func wrapNames(g *globals, c *cobra.Command, argNoun string, flags map[string]string, multi bool) {
	run := c.RunE
	if argNoun != "" {
		for _, ph := range []string{" GRANT_ID", " TOKEN_ID", " ID", " P "} {
			if strings.Contains(c.Use+" ", ph) && !strings.Contains(c.Use, "NAME|ID") {
				c.Use = strings.TrimSpace(strings.Replace(c.Use+" ", ph, " NAME|ID"+ph[len(strings.TrimRight(ph, " ")):], 1))
				break
			}
		}
	}
	for flag, n := range flags {
		c.Use = strings.ReplaceAll(c.Use, "--"+flag+" ID", "--"+flag+" NAME|ID")
		if f := c.Flags().Lookup(flag); f != nil {
			f.Usage += " (" + strings.TrimSuffix(n, "s") + " name or id)"
			_ = c.RegisterFlagCompletionFunc(flag, g.completeRef(n))
		}
	}
	c.RunE = func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		objs := 0 // how many leading arguments are objects
		if argNoun != "" {
			objs = min(1, len(args))
			if multi {
				objs = len(args)
			}
		}
		need := false
		for _, a := range args[:objs] {
			need = need || !(looksLikeID(a) || argNoun == "workloads" && strings.HasPrefix(a, "wl_"))
		}
		for flag := range flags {
			if f := cmd.Flags().Lookup(flag); f != nil && f.Value.String() != "" && !looksLikeID(f.Value.String()) {
				need = true
			}
		}
		if !need {
			return run(cmd, args)
		}
		cl, err := g.client()
		if err != nil {
			return err
		}
		q := scopeQuery{}
		for _, k := range []string{"institution", "project"} {
			if n, ok := flags[k]; ok {
				if f := cmd.Flags().Lookup(k); f != nil && f.Value.String() != "" {
					id, err := g.argID(ctx, cl, n, f.Value.String(), q)
					if err != nil {
						return err
					}
					q[k+"_id"] = id
				}
			}
		}
		for flag, n := range flags {
			f := cmd.Flags().Lookup(flag)
			if f == nil || f.Value.String() == "" {
				continue
			}
			id, err := g.argID(ctx, cl, n, f.Value.String(), q)
			if err != nil {
				return err
			}
			if err := f.Value.Set(id); err != nil {
				return err
			}
		}
		if objs > 0 {
			out := append([]string{}, args...)
			for i := range objs {
				if out[i], err = g.argID(ctx, cl, argNoun, args[i], q); err != nil {
					return err
				}
			}
			args = out
		}
		return run(cmd, args)
	}
}
