package opstest

import (
	"testing"

	"github.com/soberana/soberana/internal/config"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/server/servertest"
	"github.com/soberana/soberana/internal/workload"
)

// StartDemo is Start and LoadDemo: a demo server with mon's health
// monitor on a fake clock, and the demo fleet's objects.
func StartDemo(t testing.TB, mon config.Monitoring) (*servertest.Harness, *Clock, Demo) {
	t.Helper()
	h, clk := Start(t, mon)
	return h, clk, LoadDemo(t, h.Server.Store)
}

// Internal is a request for an internal workload of the Brazilian project
// on the demo offering: replicas replicas, under sovereignty mode, in
// countries.
func (d Demo) Internal(replicas int, mode string, countries ...string) workload.CreateRequest {
	return workload.CreateRequest{ProjectID: d.ProjectBR, WorkloadPolicy: model.WorkloadPolicy{OfferingID: d.Offering, Replicas: replicas,
		Classification: model.ClassInternal, Residency: model.Residency{Countries: countries},
		Sovereignty: model.Sovereignty{Mode: mode}}}
}
