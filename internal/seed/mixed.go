package seed

import (
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/workload"
)

// MixedRequest is the i-th request of a fleet of mixed policies on the
// demo fleet, as the operations tests and benches create them: Brazilian
// workloads (of projectBR) of one or two replicas, national or any
// sovereignty, some restricted to states, some spread over failure
// domains or providers, and Chilean ones (of projectCL); every replica
// of the offering.
func MixedRequest(i int, projectBR, projectCL, offering string) workload.CreateRequest {
	r := workload.CreateRequest{ProjectID: projectBR, WorkloadPolicy: model.WorkloadPolicy{OfferingID: offering, Replicas: 1,
		Classification: model.ClassInternal, Residency: model.Residency{Countries: []string{"BR"}},
		Sovereignty: model.Sovereignty{Mode: model.SovereigntyAny}}}
	switch i % 6 {
	case 0:
		r.Classification, r.Sovereignty.Mode = model.ClassConfidential, model.SovereigntyNational
	case 1:
		r.Replicas, r.Redundancy.MinFailureDomains = 2, 2
	case 2:
		r.Residency.Subdivisions = []string{"BR-SP", "BR-RJ", "BR-DF"}
		r.Classification, r.Sovereignty.Mode = model.ClassRestricted, model.SovereigntyNational
	case 3:
		r.Replicas, r.Redundancy.MinProviders = 2, 2
	case 4:
		r.ProjectID, r.Residency.Countries = projectCL, []string{"CL"}
		r.Classification, r.Sovereignty.Mode = model.ClassConfidential, model.SovereigntyNational
	case 5:
		r.Residency.Countries = []string{"BR", "CL"}
	}
	return r
}
