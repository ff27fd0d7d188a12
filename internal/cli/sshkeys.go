package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	sdk "github.com/soberana/soberana/client"
	"github.com/spf13/cobra"

	"github.com/soberana/soberana/internal/client"
)

func init() {
	extraCommands = append(extraCommands, sshKeyCmd, imageCmd)
}

var sshKeyColumns = []string{"id", "name", "project_id", "key_type", "fingerprint"}

// firstBootFlags adds --image, --ssh-key and --user-data to a request.
func firstBootFlags(m map[string]any, image string, keys []string, userDataFile string) error {
	if image != "" {
		m["image"] = image
	}
	if len(keys) > 0 {
		m["ssh_keys"] = keys
	}
	if userDataFile != "" {
		b, err := os.ReadFile(userDataFile)
		if err != nil {
			return fmt.Errorf("--user-data: %w", err)
		}
		m["user_data"] = string(b)
	}
	return nil
}

func sshKeyCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "ssh-key", Aliases: []string{"ssh-keys"}, Short: "Add, list and delete SSH public keys (yours or a project's)"}
	var project string
	add := &cobra.Command{
		Use:     "add NAME [PUBLIC_KEY_FILE]",
		Short:   "Add an SSH public key (default file: ~/.ssh/id_ed25519.pub)",
		Example: "  soberana ssh-key add laptop ~/.ssh/id_ed25519.pub\n  soberana ssh-key add deploy deploy.pub --project prj_…",
		Args:    cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := ""
			if len(args) == 2 {
				path = args[1]
			} else if home, err := os.UserHomeDir(); err == nil {
				path = home + "/.ssh/id_ed25519.pub"
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			cl, err := g.client()
			if err != nil {
				return err
			}
			k, err := cl.SSHKeys().Create(cmd.Context(), sdk.SSHKeySpec{Name: args[0], PublicKey: strings.TrimSpace(string(b)), ProjectID: project})
			if err != nil {
				return err
			}
			rows, err := jsonRows([]sdk.SSHKey{*k})
			if err != nil {
				return err
			}
			return g.print(sshKeyColumns, rows, k)
		},
	}
	add.Flags().StringVar(&project, "project", "", "make it a key of this project (id) instead of yours")
	list := &cobra.Command{
		Use:   "list",
		Short: "Your SSH keys and those of your projects",
		Args:  cobra.NoArgs,
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, _ []string) error {
			keys, err := sdk.Collect(cl.SSHKeys().List(cmd.Context(), sdk.ListOptions{}))
			if err != nil {
				return err
			}
			rows, err := jsonRows(keys)
			if err != nil {
				return err
			}
			return g.print(sshKeyColumns, rows, map[string]any{"items": rows})
		}),
	}
	del := &cobra.Command{
		Use:   "delete ID",
		Short: "Delete an SSH key (workloads already asked for keep it)",
		Args:  cobra.ExactArgs(1),
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, args []string) error {
			return cl.SSHKeys().Delete(cmd.Context(), args[0])
		}),
	}
	c.AddCommand(add, list, del)
	return c
}

// jsonRows turns typed SDK values into the rows g.print shows, by their
// JSON field names (the columns are the API's names).
func jsonRows[T any](items []T) ([]map[string]any, error) {
	if len(items) == 0 {
		return []map[string]any{}, nil // JSON output: "items": [], not null
	}
	b, err := json.Marshal(items)
	if err != nil {
		return nil, err
	}
	rows := []map[string]any{}
	return rows, json.Unmarshal(b, &rows)
}

func imageCmd(g *globals) *cobra.Command {
	c := &cobra.Command{Use: "image", Aliases: []string{"images"}, Short: "Operating system image families and where they boot"}
	c.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "Image families with the providers and sites that have them",
		Args:  cobra.NoArgs,
		RunE: clientRunE(g, func(cmd *cobra.Command, cl *client.Client, _ []string) error {
			var page struct {
				Items []struct {
					Family    string `json:"family"`
					Simulated bool   `json:"simulated"`
					Providers []struct {
						ProviderName string `json:"provider_name"`
						Sites        []any  `json:"sites"`
					} `json:"providers"`
				} `json:"items"`
				WithoutImages []map[string]any `json:"without_images"`
			}
			if _, err := cl.Do(cmd.Context(), "GET", "/v1/images", nil, &page); err != nil {
				return err
			}
			rows := make([]map[string]any, 0, len(page.Items))
			for _, f := range page.Items {
				var provs []string
				sites := 0
				for _, p := range f.Providers {
					provs = append(provs, p.ProviderName)
					sites += len(p.Sites)
				}
				rows = append(rows, map[string]any{"family": f.Family, "providers": strings.Join(provs, ", "), "sites": sites, "simulated": f.Simulated})
			}
			return g.print([]string{"family", "providers", "sites", "simulated"}, rows, page)
		}),
	})
	return c
}
