-- Workloads, their placements (one row per replica on a site) and the
-- timeline of events; idempotency keys of POST /v1/workloads; the leases
-- that elect one reconciler among several servers; and the state of the
-- built-in simulated provider (its resources and injected faults), kept in
-- the same database so that `soberana up` restarts keep it.
-- Policy fields are JSON text; reasons are JSON {key,args} or {text}
-- rendered in the reader's language.

-- +goose Up
CREATE TABLE workloads (
    id                     TEXT PRIMARY KEY,
    project_id             TEXT NOT NULL REFERENCES projects(id),
    institution_id         TEXT NOT NULL REFERENCES institutions(id),
    budget_line_id         TEXT NOT NULL,
    offering_id            TEXT NOT NULL REFERENCES offerings(id),
    replicas               BIGINT NOT NULL,
    classification         TEXT NOT NULL,
    residency              TEXT NOT NULL,
    sovereignty            TEXT NOT NULL,
    redundancy             TEXT NOT NULL,
    nearness               TEXT NOT NULL,
    tier                   TEXT NOT NULL,
    cost_ceiling_minor     BIGINT NOT NULL,
    preference             TEXT NOT NULL,
    currency               TEXT NOT NULL,
    forecast_monthly_minor BIGINT NOT NULL,
    state                  TEXT NOT NULL,
    reason                 TEXT NOT NULL,
    created_by             TEXT NOT NULL,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL,
    version                BIGINT NOT NULL
);
CREATE INDEX workloads_project ON workloads (project_id, id);
CREATE INDEX workloads_institution ON workloads (institution_id, id);
CREATE INDEX workloads_state ON workloads (state, id);

CREATE TABLE placements (
    id              TEXT PRIMARY KEY,
    workload_id     TEXT NOT NULL REFERENCES workloads(id),
    replica         BIGINT NOT NULL,
    site_id         TEXT NOT NULL,
    provider_id     TEXT NOT NULL,
    state           TEXT NOT NULL,
    resource_id     TEXT NOT NULL,
    reason          TEXT NOT NULL,
    monthly_minor   BIGINT NOT NULL,
    vcpus           BIGINT NOT NULL,
    memory_mib      BIGINT NOT NULL,
    disk_gib        BIGINT NOT NULL,
    simulated       BOOLEAN NOT NULL,
    -- what a deleting placement becomes: deleted, or failed
    final_state     TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    -- when the reconciler should look at it next; NULL: not scheduled
    next_attempt_at BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL
);
CREATE INDEX placements_workload ON placements (workload_id);
CREATE INDEX placements_due ON placements (next_attempt_at);
CREATE INDEX placements_site ON placements (site_id, state);

CREATE TABLE workload_events (
    id          TEXT PRIMARY KEY,
    workload_id TEXT NOT NULL REFERENCES workloads(id),
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    reason      TEXT NOT NULL
);
CREATE INDEX workload_events_workload ON workload_events (workload_id, id);

CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    workload_id  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE sim_resources (
    resource_id TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL,
    site_id     TEXT NOT NULL,
    replica_id  TEXT NOT NULL,
    workload_id TEXT NOT NULL,
    state       TEXT NOT NULL,
    vcpus       BIGINT NOT NULL,
    memory_mib  BIGINT NOT NULL,
    disk_gib    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (provider_id, replica_id)
);
CREATE INDEX sim_resources_site ON sim_resources (site_id);

CREATE TABLE sim_faults (
    scope       TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL,
    site_id     TEXT NOT NULL,
    error_rate  TEXT NOT NULL,
    latency_ms  BIGINT NOT NULL,
    delay_ms    BIGINT NOT NULL,
    outage      BOOLEAN NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE sim_faults;
DROP TABLE sim_resources;
DROP TABLE leases;
DROP TABLE idempotency_keys;
DROP TABLE workload_events;
DROP TABLE placements;
DROP TABLE workloads;
