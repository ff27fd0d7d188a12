package server_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/cli"
)

// Docs name only routes and commands that exist: every "METHOD /path" in
// README.md and docs/*.md is an operation of /openapi.json (which
// TestOpenAPICoversEveryRoute ties to the router), and every
// `soberana …` command in their code is in the CLI's command tree.
var (
	routeRe   = regexp.MustCompile("\\b(GET|POST|PUT|PATCH|DELETE) (/(?:v1/|healthz|readyz|metrics|openapi\\.json)[^\\s`\"'),;|]*)")
	codeRe    = regexp.MustCompile("(?s)```[a-z]*\\n(.*?)```|`([^`\\n]+)`")
	commandRe = regexp.MustCompile(`(?m)(?:^|[\s$(|;&]|\./)(?:cmd/)?soberana((?:\s+[a-z][a-z0-9-]*)+)`)
)

func docFiles(t *testing.T) map[string]string {
	t.Helper()
	files, _ := filepath.Glob("../../docs/*.md")
	files = append(files, "../../README.md")
	out := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimPrefix(f, "../../")] = string(b)
	}
	return out
}

func TestDocsNameOnlyRoutesThatExist(t *testing.T) {
	t.Parallel()
	_, c := served(t)
	n := 0
	for file, text := range docFiles(t) {
		for _, m := range routeRe.FindAllStringSubmatch(text, -1) {
			method, path := m[1], m[2]
			path, _, _ = strings.Cut(path, "?")
			path = strings.TrimRight(path, ".:")
			// Placeholders as the docs write them: {id}, <id>, …
			path = strings.NewReplacer("…", "x", "<", "{", ">", "}").Replace(path)
			n++
			route, _, ok := c.Find(method, path)
			if !ok {
				t.Errorf("%s names %s %s, which no route serves (see /openapi.json)", file, method, m[2])
				continue
			}
			// "{id}:verb" must be that action, not the plain route.
			if i := strings.LastIndex(path, "}:"); i >= 0 && !strings.HasSuffix(route.Path, path[i+1:]) {
				t.Errorf("%s names %s %s, which no route serves", file, method, m[2])
			}
		}
	}
	t.Logf("%d routes named in the docs", n)
}

func TestDocsNameOnlyCommandsThatExist(t *testing.T) {
	t.Parallel()
	root := cli.CommandTree()
	n := 0
	for file, text := range docFiles(t) {
		for _, cm := range codeRe.FindAllStringSubmatch(text, -1) {
			code := cm[1] + cm[2]
			for _, m := range commandRe.FindAllStringSubmatch(code, -1) {
				words := strings.Fields(m[1])
				n++
				if msg := checkCommand(root, words); msg != "" {
					t.Errorf("%s names `soberana %s`: %s", file, strings.Join(words, " "), msg)
				}
			}
		}
	}
	t.Logf("%d commands named in the docs", n)
}

// checkCommand walks words down the tree: the first is a command, and a
// command that only groups others (not runnable) must be followed by one
// of them.
func checkCommand(root *cobra.Command, words []string) string {
	cmd := root
	for i, w := range words {
		var next *cobra.Command
		for _, sub := range cmd.Commands() {
			if sub.Name() == w || sub.HasAlias(w) {
				next = sub
			}
		}
		if next == nil {
			if i == 0 || (!cmd.Runnable() && cmd.HasSubCommands()) {
				return "no command " + w + " under " + cmd.CommandPath()
			}
			return "" // an argument
		}
		cmd = next
	}
	if !cmd.Runnable() && cmd.HasSubCommands() && len(words) > 0 {
		return "" // naming a group is fine ("soberana sim")
	}
	return ""
}
