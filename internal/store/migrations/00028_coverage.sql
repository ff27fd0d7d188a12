-- Nearest-site placement for people (issue 21, item 3): a workload may
-- ask for a replica of its own near each of some points (JSON list of
-- {latitude, longitude, radius_km, label}) and in each of some ISO 3166-2
-- subdivisions (JSON list of codes). Empty text: none.

-- +goose Up
ALTER TABLE workloads ADD COLUMN near_points TEXT NOT NULL DEFAULT '';
ALTER TABLE workloads ADD COLUMN per_subdivision TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE workloads DROP COLUMN per_subdivision;
ALTER TABLE workloads DROP COLUMN near_points;
