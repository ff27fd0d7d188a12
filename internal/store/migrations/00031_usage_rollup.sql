-- Utilization at edge scale (issue 21): per-minute samples of 100,000
-- replicas are 144 million rows a day. Samples older than the fine window
-- (config utilization.fine_window, default 2 h) are rolled up into one
-- row per replica and bucket (utilization.rollup, default 1 h) and
-- deleted; the rollups are kept for the retention (24 h). Expand only:
-- the previous release keeps reading and pruning replica_usage and does
-- not know this table (its readers then see the fine window only).

-- +goose Up
CREATE TABLE replica_usage_rollup (
    placement_id        TEXT NOT NULL,
    workload_id         TEXT NOT NULL,
    -- start of the bucket (microseconds), and its length in seconds
    at                  BIGINT NOT NULL,
    bucket_seconds      BIGINT NOT NULL,
    samples             BIGINT NOT NULL,
    cpu_permille_sum    BIGINT NOT NULL,
    cpu_permille_max    BIGINT NOT NULL,
    memory_used_mib_sum BIGINT NOT NULL,
    memory_used_mib_max BIGINT NOT NULL,
    memory_mib_max      BIGINT NOT NULL,
    simulated           BOOLEAN NOT NULL,
    PRIMARY KEY (placement_id, at)
);
CREATE INDEX replica_usage_rollup_workload ON replica_usage_rollup (workload_id, at);
CREATE INDEX replica_usage_rollup_at ON replica_usage_rollup (at);

-- +goose Down
DROP TABLE replica_usage_rollup;
