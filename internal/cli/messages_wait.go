package cli

import "github.com/soberana/soberana/internal/i18n"

// The messages of `soberana workload wait` (workload_wait.go).
func init() {
	i18n.Add(map[string]i18n.Text{
		"cli.wait.reached": {ES: "%s  %s en %s (%d/%d) tras %.2fs", PT: "%s  %s em %s (%d/%d) após %.2fs", EN: "%s  %s is %s (%d/%d) after %.2fs"},
		"cli.wait.for":     {ES: "--for debe ser running o deleted, no %q", PT: "--for deve ser running ou deleted, não %q", EN: "--for must be running or deleted, not %q"},
	})
}
