package workload

import (
	"testing"
	"time"

	"github.com/soberana/soberana/internal/i18n"
)

// An instant in a message's arguments is written in the reader's language
// and zone; the other arguments are left as they are.
func TestMsgRenderInZone(t *testing.T) {
	t.Parallel()
	i18n.Add(map[string]i18n.Text{"test.msgtime": {ES: "%s caído desde %s", PT: "%s fora desde %s", EN: "%s down since %s"}})
	m := M("test.msgtime", "site-a", "2026-03-04T18:04:05Z")
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	got, times := m.RenderIn(i18n.EN, sp)
	if got != "site-a down since Mar 4, 2026, 3:04 PM -03" {
		t.Fatalf("en, São Paulo: %q", got)
	}
	if len(times) != 1 || times[0].At != "2026-03-04T18:04:05Z" || times[0].Text != "Mar 4, 2026, 3:04 PM -03" {
		t.Fatalf("times %+v", times)
	}
	if got, _ := m.RenderIn(i18n.PTBR, nil); got != "site-a fora desde 04/03/2026 18:04 UTC" {
		t.Fatalf("pt-BR, UTC: %q", got)
	}
	if got := m.Render(i18n.ES); got != "site-a caído desde 2026-03-04T18:04:05Z" {
		t.Fatalf("Render keeps the stored argument: %q", got)
	}
}
