package bench

import (
	"context"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/seed"
	"github.com/soberana/soberana/internal/store"
	"github.com/soberana/soberana/internal/workload"
)

// Demo names the demo fleet's objects the benches and the operations
// tests (internal/opstest) use.
type Demo struct {
	ProjectBR, ProjectCL string
	Offering             string
	Sites                map[string]model.Site // by name
	Providers            map[string]model.Provider
}

// ReadDemo reads the demo fleet's objects: the Brazilian and Chilean
// projects and the SCS-1V-2-20s offering (left empty when the fleet lacks
// them), and every site and provider by name.
func ReadDemo(ctx context.Context, st *store.Store) (Demo, error) {
	tx := st.Read()
	d := Demo{Sites: map[string]model.Site{}, Providers: map[string]model.Provider{}}
	projs, err := tx.Projects().All(ctx)
	if err != nil {
		return d, err
	}
	for _, p := range projs {
		switch p.Name {
		case "prontuario-eletronico":
			d.ProjectBR = p.ID
		case "registro-clinico":
			d.ProjectCL = p.ID
		}
	}
	offs, err := tx.Offerings().All(ctx)
	if err != nil {
		return d, err
	}
	for _, o := range offs {
		if o.Name == "SCS-1V-2-20s" {
			d.Offering = o.ID
		}
	}
	sites, err := tx.Sites().All(ctx)
	if err != nil {
		return d, err
	}
	for _, s := range sites {
		d.Sites[s.Name] = s
	}
	provs, err := tx.Providers().All(ctx)
	if err != nil {
		return d, err
	}
	for _, p := range provs {
		d.Providers[p.Name] = p
	}
	return d, nil
}

// Mixed returns the i-th request of a fleet of mixed policies: Brazilian
// workloads of one or two replicas, national or any sovereignty, some
// restricted to states, some spread over failure domains or providers,
// and Chilean ones.
func (d Demo) Mixed(i int) workload.CreateRequest {
	return seed.MixedRequest(i, d.ProjectBR, d.ProjectCL, d.Offering)
}

// Internal is a request for an internal workload of the Brazilian project
// on the demo offering: replicas replicas, under sovereignty mode, in
// countries.
func (d Demo) Internal(replicas int, mode string, countries ...string) workload.CreateRequest {
	return workload.CreateRequest{ProjectID: d.ProjectBR, WorkloadPolicy: model.WorkloadPolicy{OfferingID: d.Offering, Replicas: replicas,
		Classification: model.ClassInternal, Residency: model.Residency{Countries: countries},
		Sovereignty: model.Sovereignty{Mode: mode}}}
}
