-- Utilization: what each running replica uses, sampled from its provider
-- (Nova server diagnostics; made up by the sim) by the utilization loop
-- of the reconciler lease's holder. One row per replica and sample;
-- samples older than the retention (24 h) are pruned by the same loop.

-- +goose Up
CREATE TABLE replica_usage (
    placement_id    TEXT NOT NULL,
    workload_id     TEXT NOT NULL,
    at              BIGINT NOT NULL,
    -- share of the replica's vCPUs busy over the window, in thousandths
    cpu_permille    BIGINT NOT NULL,
    memory_used_mib BIGINT NOT NULL,
    memory_mib      BIGINT NOT NULL,
    simulated       BOOLEAN NOT NULL,
    PRIMARY KEY (placement_id, at)
);
CREATE INDEX replica_usage_workload ON replica_usage (workload_id, at);
CREATE INDEX replica_usage_at ON replica_usage (at);

-- +goose Down
DROP TABLE replica_usage;
