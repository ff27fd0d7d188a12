-- A budget line cut below what it already carries (committed + accrued)
-- is a "contingenciamento": it is only done with a reason, and each one
-- is kept here, append-only, so that it is visible as a budget alert and
-- named by the audit event of the change.

-- Failed sign-ins of e-mail addresses that belong to no user are counted
-- and locked exactly as a user's are (users.failed_logins, locked_until),
-- so that neither the lock nor its timing tells whether an account exists.
-- The key is a SHA-256 of the normalised address, never the address.

-- +goose Up
CREATE TABLE budget_reductions (
    id              TEXT PRIMARY KEY,
    institution_id  TEXT NOT NULL,
    budget_line_id  TEXT NOT NULL,
    currency        TEXT NOT NULL,
    from_minor      BIGINT NOT NULL,
    to_minor        BIGINT NOT NULL,
    committed_minor BIGINT NOT NULL,
    accrued_minor   BIGINT NOT NULL,
    reason          TEXT NOT NULL,
    actor_id        TEXT NOT NULL,
    actor_name      TEXT NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX budget_reductions_institution ON budget_reductions (institution_id, at);
CREATE INDEX budget_reductions_line ON budget_reductions (budget_line_id, at);

CREATE TABLE login_failures (
    email_hash    TEXT PRIMARY KEY,
    failed_logins BIGINT NOT NULL,
    locked_until  BIGINT
);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE budget_reductions;
