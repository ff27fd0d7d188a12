-- Wave rollouts (issue 21, docs/edge.md "Wave rollouts"). A release may
-- target an edge group (or a set of sites) with a strategy: sites per wave
-- (max_parallel), the canary wave's size and the share of a wave's sites
-- that may fail before the rollout stops and rolls back. The strategy and
-- the wave in progress are the strategy column (JSON); each step of the
-- steps column names its wave, so a restarted server resumes the wave it
-- was in. '' (every existing row): site by site as before (expand only).

-- +goose Up
ALTER TABLE releases ADD COLUMN strategy TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE releases DROP COLUMN strategy;
