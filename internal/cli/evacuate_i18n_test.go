package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/soberana/soberana/internal/cli"
	"github.com/soberana/soberana/internal/server/servertest"
)

// TestEvacuatePlanReasonInLanguage: `provider evacuate P --plan` shows why
// a workload has nowhere to go in the language asked for (LANG or --lang).
func TestEvacuatePlanReasonInLanguage(t *testing.T) {
	t.Parallel()
	h := servertest.Start(t, servertest.Options{})
	ctx := context.Background()
	project, offering := h.FirstID(t, "/v1/projects?name=prontuario-eletronico"), h.FirstID(t, "/v1/offerings?name=SCS-1V-2-20s")
	// Only Nuvem Verde may hold it: restricted, national, São Paulo/Rio/Brasília.
	var w struct {
		ID         string `json:"id"`
		State      string `json:"state"`
		Placements []struct {
			ProviderID string `json:"provider_id"`
		} `json:"placements"`
	}
	if _, err := h.Admin.Do(ctx, "POST", "/v1/workloads", map[string]any{
		"project_id": project, "offering_id": offering, "replicas": 1, "classification": "restricted",
		"residency":   map[string]any{"countries": []string{"BR"}, "subdivisions": []string{"BR-SP", "BR-RJ", "BR-DF"}},
		"sovereignty": map[string]any{"mode": "national"},
	}, &w); err != nil {
		t.Fatal(err)
	}
	h.WaitRunning(t, w.ID, time.Minute)
	if _, err := h.Admin.Do(ctx, "GET", "/v1/workloads/"+w.ID, nil, &w); err != nil || len(w.Placements) == 0 {
		t.Fatalf("workload %s: %v %+v", w.ID, err, w)
	}
	prov := w.Placements[0].ProviderID
	for _, c := range []struct{ lang, flag, want string }{
		{"es", "", "sitios cumplen"},
		{"en", "pt-BR", "sites atendem"},
		{"es", "en", "sites fit"},
	} {
		env := map[string]string{"SOBERANA_SERVER": h.URL, "SOBERANA_TOKEN": servertest.AdminToken, "LANG": c.lang}
		args := []string{"provider", "evacuate", prov, "--plan"}
		if c.flag != "" {
			args = append(args, "--lang", c.flag)
		}
		var out, errOut bytes.Buffer
		code := cli.RunEnv(ctx, args, &out, &errOut, func(k string) string { return env[k] })
		if code != 0 || !strings.Contains(out.String(), w.ID) || !strings.Contains(out.String(), c.want) {
			t.Fatalf("LANG=%s --lang %s: %d %s %s; want a reason with %q", c.lang, c.flag, code, out.String(), errOut.String(), c.want)
		}
	}
}
