-- Power, size and addresses of replicas. `placements.power` is the power
-- state soberana gave a running replica (running, stopping, stopped,
-- starting, rebooting; empty: running, for rows made before it existed) —
-- the resync does not take a replica soberana stopped for drift.
-- `placements.addresses` is what the provider reports as the replica's
-- addresses (JSON [{network, address, version, kind}]): data location too.
-- `usage_intervals.stopped` marks the stretches a replica was stopped,
-- rated at `prices.stopped_per_hour` (empty: the full per_hour, since the
-- capacity stays reserved).

-- +goose Up
ALTER TABLE placements ADD COLUMN power TEXT NOT NULL DEFAULT '';
ALTER TABLE placements ADD COLUMN addresses TEXT NOT NULL DEFAULT '';
ALTER TABLE usage_intervals ADD COLUMN stopped BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE prices ADD COLUMN stopped_per_hour TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE prices DROP COLUMN stopped_per_hour;
ALTER TABLE usage_intervals DROP COLUMN stopped;
ALTER TABLE placements DROP COLUMN addresses;
ALTER TABLE placements DROP COLUMN power;
