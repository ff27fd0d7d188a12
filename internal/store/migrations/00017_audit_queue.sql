-- The audit queue: on PostgreSQL a request's audit event is inserted here,
-- in the request's own transaction, and one sealer moves it to
-- audit_events after commit, giving it its chain sequence number and hash
-- (store/auditseal.go; docs/architecture.md, "Sealing the audit chain on
-- PostgreSQL"). Audited transactions no longer queue on the chain head.
-- xid is the inserting transaction's id (pg_current_xact_id), ord the
-- event's position within it. SQLite appends to the chain inline and
-- leaves this table empty.

-- +goose Up
CREATE TABLE audit_queue (
    xid            BIGINT NOT NULL,
    ord            BIGINT NOT NULL,
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
    PRIMARY KEY (xid, ord)
);

-- +goose Down
-- Seal first (any read of the audit log does): queued events are dropped.
DROP TABLE audit_queue;
