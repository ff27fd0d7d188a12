package store

// FleetVersionsUp exposes migration 00032's statements to the expand-only
// check (expand_test.go), which otherwise reads only migrations/*.sql.
var FleetVersionsUp = fleetVersionsUp
