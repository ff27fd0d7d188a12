-- A budget line cut below what it already carries (committed + accrued)
-- is a "contingenciamento": it is only done with a reason, and each one
-- is kept here, append-only, so that it is visible as a budget alert and
-- named by the audit event of the change.

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

-- +goose Down
DROP TABLE budget_reductions;
