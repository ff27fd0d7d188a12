package console

import (
	"encoding/json"
	"strings"
	"testing"
)

// An instant inside an alert's summary becomes a <time> element (which
// console.js rewrites in the reader's zone); the rest stays escaped text.
func TestAlertSummaryTimesMarkedUp(t *testing.T) {
	t.Parallel()
	var a opsAlert
	body := `{"summary": "site <Q1> has been down since Mar 4, 2026, 6:04 PM UTC",
		"summary_times": [{"at": "2026-03-04T18:04:05Z", "text": "Mar 4, 2026, 6:04 PM UTC"}]}`
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	got := string(a.SummaryHTML())
	want := `site &lt;Q1&gt; has been down since <time datetime="2026-03-04T18:04:05Z" data-local>Mar 4, 2026, 6:04 PM UTC</time>`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	a.SummaryTimes[0].At = "not a time"
	if got := string(a.SummaryHTML()); strings.Contains(got, "<time") {
		t.Fatalf("a bad instant was marked up: %s", got)
	}
}
