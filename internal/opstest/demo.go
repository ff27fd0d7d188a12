package opstest

import (
	"testing"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/server/servertest"
)

// StartDemo is Start and LoadDemo: a demo server with mon's health
// monitor on a fake clock, and the demo fleet's objects.
func StartDemo(t testing.TB, mon config.Monitoring) (*servertest.Harness, *Clock, Demo) {
	t.Helper()
	h, clk := Start(t, mon)
	return h, clk, LoadDemo(t, h.Server.Store)
}
