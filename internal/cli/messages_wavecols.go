package cli

import "github.com/soberana/soberana/internal/i18n"

// Table headers of a release's wave strategy and progress (get releases).
func init() {
	i18n.Add(map[string]i18n.Text{
		"cli.col.waves_done":        {ES: "OLAS HECHAS", PT: "ONDAS FEITAS", EN: "WAVES DONE"},
		"cli.col.waves_total":       {ES: "OLAS", PT: "ONDAS", EN: "WAVES"},
		"cli.col.sites_ok":          {ES: "SITIOS OK", PT: "SITES OK", EN: "SITES OK"},
		"cli.col.sites_failed":      {ES: "SITIOS FALLIDOS", PT: "SITES COM FALHA", EN: "SITES FAILED"},
		"cli.col.sites_pending":     {ES: "SITIOS PENDIENTES", PT: "SITES PENDENTES", EN: "SITES PENDING"},
		"cli.col.sites_rolled_back": {ES: "SITIOS REVERTIDOS", PT: "SITES REVERTIDOS", EN: "SITES ROLLED BACK"},
		"cli.col.group_name":        {ES: "GRUPO", PT: "GRUPO", EN: "GROUP"},
		"cli.col.max_parallel":      {ES: "MÁX. PARALELO", PT: "MÁX. PARALELO", EN: "MAX PARALLEL"},
		"cli.col.commit":            {ES: "COMMIT", PT: "COMMIT", EN: "COMMIT"},
	})
}
