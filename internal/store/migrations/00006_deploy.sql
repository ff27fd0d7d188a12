-- Apps (a deployable application of a project, placed on the sites of one
-- of its namespace workloads), their releases (one version rolled out site
-- by site; the rollout's progress is the steps column, so a restarted
-- server resumes where it stopped) and the webhook deliveries already
-- accepted (a replayed delivery is refused).

-- +goose Up
CREATE TABLE apps (
    id                 TEXT PRIMARY KEY,
    project_id         TEXT NOT NULL REFERENCES projects(id),
    institution_id     TEXT NOT NULL,
    workload_id        TEXT NOT NULL REFERENCES workloads(id),
    name               TEXT NOT NULL,
    image              TEXT NOT NULL,
    port               BIGINT NOT NULL,
    replicas           BIGINT NOT NULL,
    env                TEXT NOT NULL,
    health_path        TEXT NOT NULL,
    -- sealed webhook secret (HMAC key or token of the forge)
    webhook_secret     TEXT NOT NULL,
    current_release_id TEXT NOT NULL,
    created_by         TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    version            BIGINT NOT NULL
);
CREATE UNIQUE INDEX apps_project_name ON apps (project_id, name);

CREATE TABLE releases (
    id              TEXT PRIMARY KEY,
    app_id          TEXT NOT NULL REFERENCES apps(id),
    seq             BIGINT NOT NULL,
    image           TEXT NOT NULL,
    commit_sha      TEXT NOT NULL,
    source          TEXT NOT NULL,
    rollback_of     TEXT NOT NULL,
    previous_id     TEXT NOT NULL,
    state           TEXT NOT NULL,
    reason          TEXT NOT NULL,
    steps           TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    next_attempt_at BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL
);
CREATE UNIQUE INDEX releases_app_seq ON releases (app_id, seq);
CREATE INDEX releases_state ON releases (state, next_attempt_at);

CREATE TABLE webhook_deliveries (
    forge       TEXT NOT NULL,
    delivery_id TEXT NOT NULL,
    app_id      TEXT NOT NULL,
    release_id  TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (forge, delivery_id)
);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE releases;
DROP TABLE apps;
