package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/store"
)

// TestBusyIsRetryable: a transaction PostgreSQL kept refusing for
// concurrent changes (store.ErrBusy) is answered 503 with Retry-After and
// a reason that says nothing was saved, in the caller's language — not a
// 500 "internal error" that tells a client nothing it can do.
func TestBusyIsRetryable(t *testing.T) {
	a := &API{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	err := fmt.Errorf("deleting workload wl_1: %w", fmt.Errorf("%w: 20 attempts: %w", store.ErrBusy, io.ErrUnexpectedEOF))
	for lang, want := range map[i18n.Lang]string{
		i18n.ES: "no se guardó nada", i18n.PTBR: "nada foi gravado", i18n.EN: "nothing was saved",
	} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodDelete, "/v1/workloads/wl_1", nil)
		r = r.WithContext(context.WithValue(r.Context(), keyLang, lang))
		a.writeProblem(rec, r, err)
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("%s: status %d, want 503", lang, rec.Code)
		}
		if got := rec.Header().Get("Retry-After"); got != "1" {
			t.Errorf("%s: Retry-After %q, want 1", lang, got)
		}
		var p map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(p["type"].(string), "/busy") || !strings.Contains(p["detail"].(string), want) {
			t.Errorf("%s: problem %v, want type …/busy and a detail saying %q", lang, p, want)
		}
	}
}
