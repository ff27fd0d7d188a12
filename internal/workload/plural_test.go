package workload

import (
	"testing"

	"github.com/soberana/soberana/internal/i18n"
)

func TestReasonRunningPlural(t *testing.T) {
	t.Parallel()
	want := map[i18n.Lang][3]string{ // 0, 1, 2 replicas
		i18n.ES:   {"las 0 réplicas están en ejecución", "1 réplica está en ejecución", "las 2 réplicas están en ejecución"},
		i18n.PTBR: {"0 réplica está em execução", "1 réplica está em execução", "as 2 réplicas estão em execução"},
		i18n.EN:   {"all 0 replicas are running", "1 replica is running", "all 2 replicas are running"},
	}
	for l, w := range want {
		for n, s := range []string{"0", "1", "2"} {
			if got := M("workload.reason.running", s).Render(l); got != w[n] {
				t.Errorf("%s, %s replicas: %q, want %q", l, s, got, w[n])
			}
		}
	}
	if got := M("workload.reason.reprovisioning", "0", "1").Render(i18n.EN); got != "0 of 1 replica running; provisioning the rest" {
		t.Errorf("reprovisioning: %q", got)
	}
	if m := i18n.Missing(); len(m) > 0 {
		t.Errorf("messages lacking a translation: %v", m)
	}
}
