-- Identity, authorization, vendor grants, the hash-chained audit log and
-- encrypted secrets. Same SQL for SQLite and PostgreSQL; times are BIGINT
-- microseconds (UTC).

-- +goose Up
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    oidc_issuer    TEXT NOT NULL,
    oidc_subject   TEXT NOT NULL,
    disabled       BOOLEAN NOT NULL,
    failed_logins  BIGINT NOT NULL,
    locked_until   BIGINT,
    last_login_at  BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_oidc ON users (oidc_issuer, oidc_subject) WHERE oidc_subject <> '';

-- A role bound to a scope: platform (scope_id ''), provider, institution
-- or project.
CREATE TABLE role_bindings (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role        TEXT NOT NULL,
    scope_kind  TEXT NOT NULL,
    scope_id    TEXT NOT NULL,
    source      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (user_id, role, scope_kind, scope_id)
);

-- Tokens gain a kind (personal, service, deploy), an owner and a scope.
-- Existing tokens (the bootstrap admin) are platform service tokens.
ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'service';
ALTER TABLE tokens ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN scope_kind TEXT NOT NULL DEFAULT 'platform';
ALTER TABLE tokens ADD COLUMN scope_id TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN last_used_ip TEXT NOT NULL DEFAULT '';
CREATE INDEX tokens_user ON tokens (user_id);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    hash         TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_hash    TEXT NOT NULL,
    source_ip    TEXT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked      BOOLEAN NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

-- A vendor's time-limited role in one project.
CREATE TABLE grants (
    id             TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL REFERENCES projects(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    user_id        TEXT NOT NULL REFERENCES users(id),
    role           TEXT NOT NULL,
    source_cidrs   TEXT NOT NULL,
    reason         TEXT NOT NULL,
    expires_at     BIGINT NOT NULL,
    revoked_at     BIGINT,
    revoked_by     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX grants_project ON grants (project_id);
CREATE INDEX grants_user ON grants (user_id);

-- The change feed of grants that provider drivers poll to mirror them
-- (created, revoked, expired), in commit order.
CREATE TABLE grant_changes (
    seq        BIGINT PRIMARY KEY,
    grant_id   TEXT NOT NULL,
    project_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    at         BIGINT NOT NULL
);

-- The append-only, hash-chained audit log. hash = SHA-256 over the
-- canonical encoding of every other column and prev_hash.
CREATE TABLE audit_events (
    seq            BIGINT PRIMARY KEY,
    at             BIGINT NOT NULL,
    actor_kind     TEXT NOT NULL,
    actor_id       TEXT NOT NULL,
    actor_name     TEXT NOT NULL,
    via            TEXT NOT NULL,
    action         TEXT NOT NULL,
    target_kind    TEXT NOT NULL,
    target_id      TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    project_id     TEXT NOT NULL,
    request_id     TEXT NOT NULL,
    source_ip      TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    status         BIGINT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX audit_events_institution ON audit_events (institution_id, seq);

-- The chain head: one row that every appender updates inside its
-- transaction, so concurrent writers serialize (PostgreSQL retries).
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- Ed25519-signed checkpoints of the chain head.
CREATE TABLE audit_checkpoints (
    seq        BIGINT PRIMARY KEY,
    hash       TEXT NOT NULL,
    at         BIGINT NOT NULL,
    key_id     TEXT NOT NULL,
    signature  TEXT NOT NULL
);

-- Secrets encrypted at rest (AES-256-GCM); key_id names the data key.
CREATE TABLE secrets (
    id          TEXT PRIMARY KEY,
    owner_kind  TEXT NOT NULL,
    owner_id    TEXT NOT NULL,
    name        TEXT NOT NULL,
    key_id      TEXT NOT NULL,
    ciphertext  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (owner_kind, owner_id, name)
);

-- +goose Down
DROP TABLE secrets;
DROP TABLE audit_checkpoints;
DROP TABLE audit_head;
DROP TABLE audit_events;
DROP TABLE grant_changes;
DROP TABLE grants;
DROP TABLE sessions;
DROP INDEX tokens_user;
ALTER TABLE tokens DROP COLUMN last_used_ip;
ALTER TABLE tokens DROP COLUMN created_by;
ALTER TABLE tokens DROP COLUMN scope_id;
ALTER TABLE tokens DROP COLUMN scope_kind;
ALTER TABLE tokens DROP COLUMN user_id;
ALTER TABLE tokens DROP COLUMN kind;
DROP TABLE role_bindings;
DROP TABLE users;
