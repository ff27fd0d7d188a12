-- The ledger: commitments, usage intervals, rated charges, budget balances,
-- alerts and month closures. Money is BIGINT minor units with its currency
-- beside it; prices and rates are exact decimals as TEXT; times are BIGINT
-- microseconds (usage is whole seconds). No foreign keys to workloads or
-- placements: the ledger keeps what it needs of a workload in
-- ledger_workloads, written in the transaction that commits its budget.

-- +goose Up
CREATE TABLE ledger_workloads (
    workload_id            TEXT PRIMARY KEY,
    institution_id         TEXT NOT NULL REFERENCES institutions(id),
    project_id             TEXT NOT NULL,
    budget_line_id         TEXT NOT NULL REFERENCES budget_lines(id),
    offering_id            TEXT NOT NULL,
    currency               TEXT NOT NULL,
    forecast_monthly_minor BIGINT NOT NULL,
    -- Commit answered "needs approval" (overdraft request); the approval
    -- that follows commits even beyond the line's available amount.
    overdraft_requested    BOOLEAN NOT NULL,
    created_at             BIGINT NOT NULL
);

-- One interval per stretch of time a replica ran: opened by Meter.Start,
-- closed by Meter.Stop. rated_to is how far rating has booked it.
CREATE TABLE usage_intervals (
    id           TEXT PRIMARY KEY,
    placement_id TEXT NOT NULL,
    workload_id  TEXT NOT NULL REFERENCES ledger_workloads(workload_id),
    offering_id  TEXT NOT NULL,
    site_id      TEXT NOT NULL,
    provider_id  TEXT NOT NULL,
    start_at     BIGINT NOT NULL,
    end_at       BIGINT,
    rated_to     BIGINT NOT NULL,
    UNIQUE (placement_id, start_at)
);
-- At most one open interval per placement: a repeated Start is a no-op.
CREATE UNIQUE INDEX usage_intervals_open ON usage_intervals (placement_id) WHERE end_at IS NULL;
-- What rating still has to book.
CREATE INDEX usage_intervals_unrated ON usage_intervals (rated_to) WHERE end_at IS NULL OR rated_to < end_at;
CREATE INDEX usage_intervals_workload ON usage_intervals (workload_id);

-- Append-only ledger. id is the idempotency key (commit/<workload>,
-- charge/<interval>/<segment start>, …): booking the same fact twice
-- conflicts and books nothing. Lines are never updated; a correction is a
-- reversing line (reverses = the corrected line's id).
CREATE TABLE ledger_lines (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL,
    booked_at         BIGINT NOT NULL,
    period            TEXT NOT NULL,
    institution_id    TEXT NOT NULL,
    budget_line_id    TEXT NOT NULL,
    project_id        TEXT NOT NULL,
    workload_id       TEXT NOT NULL,
    provider_id       TEXT NOT NULL,
    interval_id       TEXT NOT NULL,
    usage_from        BIGINT NOT NULL,
    usage_to          BIGINT NOT NULL,
    seconds           BIGINT NOT NULL,
    unit_price        TEXT NOT NULL,
    price_id          TEXT NOT NULL,
    provider_currency TEXT NOT NULL,
    provider_minor    BIGINT NOT NULL,
    currency          TEXT NOT NULL,
    amount_minor      BIGINT NOT NULL,
    fx_rate           TEXT NOT NULL,
    fx_date           TEXT NOT NULL,
    fx_inverse        BOOLEAN NOT NULL,
    reverses          TEXT NOT NULL,
    memo              TEXT NOT NULL
);
-- Statements read one month: an institution's lines directly, a
-- provider's by scanning the month (one index less to maintain per line).
CREATE INDEX ledger_lines_statement ON ledger_lines (period, institution_id);
CREATE INDEX ledger_lines_workload ON ledger_lines (workload_id, kind);

-- Running totals per budget line, kept in the transaction that books each
-- line (they always equal the sums of ledger_lines; a test checks it).
CREATE TABLE budget_balances (
    budget_line_id  TEXT PRIMARY KEY REFERENCES budget_lines(id),
    committed_minor BIGINT NOT NULL,
    accrued_minor   BIGINT NOT NULL
);

-- Alerts at 50, 80 and 100 % of a line (committed + accrued); each
-- threshold fires once per line.
CREATE TABLE budget_alerts (
    id             TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL,
    budget_line_id TEXT NOT NULL,
    threshold      BIGINT NOT NULL,
    used_minor     BIGINT NOT NULL,
    amount_minor   BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    at             BIGINT NOT NULL,
    UNIQUE (budget_line_id, threshold)
);
CREATE INDEX budget_alerts_institution ON budget_alerts (institution_id, at);

-- A closed month is immutable: nothing more is booked into it. An empty
-- institution_id closes the month for every institution.
CREATE TABLE statement_closures (
    institution_id TEXT NOT NULL,
    month          TEXT NOT NULL,
    closed_at      BIGINT NOT NULL,
    closed_by      TEXT NOT NULL,
    PRIMARY KEY (institution_id, month)
);

-- +goose Down
DROP TABLE statement_closures;
DROP TABLE budget_alerts;
DROP TABLE budget_balances;
DROP TABLE ledger_lines;
DROP TABLE usage_intervals;
DROP TABLE ledger_workloads;
