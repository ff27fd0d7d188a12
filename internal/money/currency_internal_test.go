package money

import (
	"testing"

	"golang.org/x/text/currency"
)

// TestCorrectionsStillNeeded reports corrections to x/text that a newer
// x/text has made redundant, so they can be deleted. It only logs: a
// dependency bump must not break the build over a now-agreeing table.
func TestCorrectionsStillNeeded(t *testing.T) {
	t.Parallel()
	for code, digits := range isoDigits {
		u, err := currency.ParseISO(code)
		if err != nil {
			t.Errorf("isoDigits has %s, which x/text does not know", code)
			continue
		}
		if scale, _ := currency.Standard.Rounding(u); scale == int(digits) {
			t.Logf("isoDigits[%s] now agrees with x/text; delete it", code)
		}
	}
	for code := range newerCodes {
		if _, err := currency.ParseISO(code); err == nil {
			t.Logf("newerCodes[%s] is now in x/text; delete it", code)
		}
	}
	if len(registry) < 150 {
		t.Errorf("registry holds %d currencies; x/text query broken?", len(registry))
	}
}
