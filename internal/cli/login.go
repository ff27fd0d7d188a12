package cli

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
)

func loginCmd(g *globals) *cobra.Command {
	var email string
	var save bool
	c := &cobra.Command{
		Use:   "login --email ADDR",
		Short: "Sign in with e-mail and password (read from standard input) and get a personal API token for 30 days",
		Long: "The password is read from standard input (one line), so it never appears in the shell history.\n" +
			"The token is printed as an export line; with --save it is also written (0600) to\n" +
			"$XDG_CONFIG_HOME/soberana/token, where later commands find it when SOBERANA_TOKEN is unset.\n" +
			"Single sign-on users get a token from the console.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if email == "" {
				return msgErr("cli.login.email_required")
			}
			fmt.Fprint(g.stderr, "password: ")
			line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
			if err != nil && line == "" {
				return msgErr("cli.login.no_password")
			}
			cl := client.New(g.serverURL(), "")
			cl.Lang = g.lang
			var out struct {
				Token     string `json:"token"`
				ExpiresAt string `json:"expires_at"`
			}
			body := map[string]any{"email": email, "password": strings.TrimRight(line, "\r\n"), "issue_token": true, "token_name": "soberana login"}
			if _, err := cl.Do(cmd.Context(), "POST", "/v1/auth/login", body, &out); err != nil {
				return err
			}
			fmt.Fprintln(g.stderr)
			if save {
				path := tokenPath(g.getenv)
				if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
					return err
				}
				if err := os.WriteFile(path, []byte(out.Token+"\n"), 0o600); err != nil {
					return err
				}
				fmt.Fprintln(g.stderr, "saved to", path)
			}
			fmt.Fprintf(g.stdout, "export SOBERANA_TOKEN=%s  # until %s\n", out.Token, out.ExpiresAt)
			return nil
		},
	}
	c.Flags().StringVar(&email, "email", "", "your e-mail")
	c.Flags().BoolVar(&save, "save", false, "also write the token to $XDG_CONFIG_HOME/soberana/token (0600)")
	return c
}

// tokenPath is where `soberana login --save` keeps the token.
func tokenPath(getenv func(string) string) string {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "soberana", "token")
}

// savedToken reads the token `soberana login --save` kept, if any.
func savedToken(getenv func(string) string) string {
	b, err := os.ReadFile(tokenPath(getenv))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
