-- Drift: the resync re-observes every running replica at its provider.
-- last_seen_at is when a provider list last showed the replica's resource
-- (metering stops there when the resource turns out to be gone);
-- placement_drifts keeps each difference found between what soberana
-- placed and what the provider holds (a resource deleted, stopped,
-- resized or moved outside soberana) and what was done about it;
-- workload_drift_policies says per workload whether a vanished replica is
-- recreated and whether a changed one is restored or adopted (no row: the
-- defaults, recreate and restore).

-- +goose Up
ALTER TABLE placements ADD COLUMN last_seen_at BIGINT;
-- the resync reads a provider's running placements in id order, by pages
CREATE INDEX placements_provider_state ON placements (provider_id, state, id);

CREATE TABLE placement_drifts (
    id             TEXT PRIMARY KEY,
    placement_id   TEXT NOT NULL,
    workload_id    TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    provider_id    TEXT NOT NULL,
    site_id        TEXT NOT NULL,
    resource_id    TEXT NOT NULL,
    -- deleted, stopped, resized, moved
    kind           TEXT NOT NULL,
    -- what differs: JSON [{field, want, got}]
    detail         TEXT NOT NULL,
    -- recreated, failed, restored, adopted, reported
    action         TEXT NOT NULL,
    last_seen_at   BIGINT,
    detected_at    BIGINT NOT NULL
);
CREATE INDEX placement_drifts_detected ON placement_drifts (detected_at);
CREATE INDEX placement_drifts_workload ON placement_drifts (workload_id);

CREATE TABLE workload_drift_policies (
    workload_id TEXT PRIMARY KEY,
    recreate    BOOLEAN NOT NULL,
    -- restore or adopt
    on_change   TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE workload_drift_policies;
DROP TABLE placement_drifts;
DROP INDEX placements_provider_state;
ALTER TABLE placements DROP COLUMN last_seen_at;
