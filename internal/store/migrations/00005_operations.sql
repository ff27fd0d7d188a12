-- Operations: alerts (one row per firing condition, deduplicated by key),
-- the webhooks they are delivered to and each delivery with its retries
-- (dead letters are deliveries that gave up), and the durable records of
-- workload migrations and provider evacuations so that both resume after a
-- restart.

-- +goose Up
CREATE TABLE alerts (
    id           TEXT PRIMARY KEY,
    dedup_key    TEXT NOT NULL UNIQUE,
    rule         TEXT NOT NULL,
    severity     TEXT NOT NULL,
    state        TEXT NOT NULL,
    target_kind  TEXT NOT NULL,
    target_id    TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    -- the localizable summary: JSON {key,args}
    summary      TEXT NOT NULL,
    value        TEXT NOT NULL,
    fired_at     BIGINT NOT NULL,
    resolved_at  BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX alerts_state ON alerts (state, fired_at);

CREATE TABLE alert_webhooks (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL
);

CREATE TABLE alert_deliveries (
    id              TEXT PRIMARY KEY,
    alert_id        TEXT NOT NULL,
    webhook_id      TEXT NOT NULL,
    event           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    last_error      TEXT NOT NULL,
    next_attempt_at BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (state, next_attempt_at);

CREATE TABLE migrations (
    id              TEXT PRIMARY KEY,
    workload_id     TEXT NOT NULL,
    evacuation_id   TEXT NOT NULL,
    state           TEXT NOT NULL,
    -- JSON: the plan (targets, cost, steps, data) and the placements made
    plan            TEXT NOT NULL,
    new_placements  TEXT NOT NULL,
    old_placements  TEXT NOT NULL,
    reason          TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL
);
CREATE INDEX migrations_state ON migrations (state);
CREATE INDEX migrations_workload ON migrations (workload_id);
CREATE INDEX migrations_evacuation ON migrations (evacuation_id);

CREATE TABLE evacuations (
    id          TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL,
    state       TEXT NOT NULL,
    concurrency BIGINT NOT NULL,
    -- JSON: workload ids still to start
    queue       TEXT NOT NULL,
    total       BIGINT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL
);

-- +goose Down
DROP TABLE evacuations;
DROP TABLE migrations;
DROP TABLE alert_deliveries;
DROP TABLE alert_webhooks;
DROP TABLE alerts;
