package api

import (
	"fmt"
	"testing"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/workload"
)

func TestRenderReasonIsDecodeRender(t *testing.T) {
	stored := []string{"", "free text", "{not json", workload.Enc(workload.M("workload.reason.delete_requested")),
		workload.Enc(workload.M("replica.reason.workload_deleted")), workload.Enc(workload.Msg{Text: "a note"})}
	for _, lang := range []i18n.Lang{"en", "es", "pt-BR"} {
		for _, s := range stored {
			for range 2 { // the second from the memo
				if got, want := renderReason(s, lang), workload.Decode(s).Render(lang); got != want {
					t.Fatalf("renderReason(%q, %s) = %q, want %q", s, lang, got, want)
				}
			}
		}
	}
}

func TestRenderReasonMemoIsBounded(t *testing.T) {
	for i := range reasonsMax + 10 {
		renderReason(workload.Enc(workload.Msg{Text: fmt.Sprint(i)}), "en")
	}
	reasons.mu.RLock()
	n := len(reasons.m)
	reasons.mu.RUnlock()
	if n > reasonsMax {
		t.Fatalf("%d reasons kept, at most %d", n, reasonsMax)
	}
}

func TestKnowWorkloadFeedsTheOwnerCache(t *testing.T) {
	a := &API{}
	a.knowWorkload(model.Workload{Meta: model.Meta{ID: "w1"}, InstitutionID: "i1", ProjectID: "p1"})
	a.knowWorkload(model.Workload{Meta: model.Meta{ID: "w2"}}) // not placed: not remembered
	if got, ok := a.owners.get("workloads", "w1"); !ok || got != (auth.Target{Institution: "i1", Project: "p1"}) {
		t.Fatalf("w1: %+v %v", got, ok)
	}
	if _, ok := a.owners.get("workloads", "w2"); ok {
		t.Fatal("w2 without project remembered")
	}
}
