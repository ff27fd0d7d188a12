// Package placement decides where each replica of a workload lives: on the
// cheapest set of provider sites that the law and the request allow.
//
// It is pure: no I/O, no clock, no database. The caller keeps an Engine's
// copy of the fleet current (UpsertProvider, UpsertSite, RemoveSite,
// SetSiteHealth, SetPrice) and replays existing placements with Reserve at
// startup; Place decides and reserves capacity atomically with respect to
// concurrent decisions, Preview decides without reserving, Release gives
// capacity back.
//
// Hard constraints, none of which a chosen set ever breaks: site and
// provider not down; free capacity after reservations (with per-site
// overcommit); residency by country and subdivision; classification at most
// the site's and the provider's certification; sovereignty (the provider's
// jurisdiction); tier; nearness; and, across the set, distinct sites, at
// least MinProviders providers and MinFailureDomains failure domains, every
// two replicas at least MinDistanceKm apart, at most MaxPerFailureDomain
// replicas per domain.
//
// Money is exact: prices are monthly amounts per replica in the national
// currency's minor units (int64), converted by the caller.
//
// For up to MaxExactReplicas replicas the engine finds the proven cheapest
// feasible set (branch and bound over the sites in price order; tests check
// it against brute force). For more it uses a greedy heuristic that still
// meets every hard constraint.
//
// When nothing fits, the error is a *NoFitError whose Reasons count, per
// constraint, the sites it rejected, like a scheduler does; Explain renders
// them in es, pt-BR or en.
package placement
