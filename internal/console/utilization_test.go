package console

import "testing"

func TestSparkline(t *testing.T) {
	t.Parallel()
	if got := sparkline([]int64{0, 500, 1000, 2000, -5}); got != "0,24 30,12 60,0 90,0 120,24" {
		t.Errorf("sparkline %q", got)
	}
	if got := sparkline([]int64{250}); got != "120,18" {
		t.Errorf("one point %q", got)
	}
	if sparkline(nil) != "" {
		t.Error("no points")
	}
}
