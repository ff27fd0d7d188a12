// Package geo validates the geographic codes the control plane stores and
// computes distances between sites.
//
//   - ISO 3166-1 alpha-2 country codes (ValidCountry) and their display
//     names in Spanish, Brazilian Portuguese and English (CountryName).
//   - ISO 3166-2 subdivision codes (ValidSubdivision): checked against the
//     full official list for the Latin American countries in Subdivisions,
//     and by format (CC-X to CC-XXX) for every other country.
//   - Great-circle distance on the mean Earth sphere (DistanceKm) and
//     coordinate validation (ValidLatLon).
//   - Cities: real Latin American cities for the demo fleet.
//
// Codes are case-sensitive: ISO writes them in upper case, and so must
// callers. The package is pure: no I/O, no mutable state but Cities.
package geo
