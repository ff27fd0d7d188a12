-- The schema is written in the SQL that SQLite and PostgreSQL share:
-- TEXT, BIGINT, BOOLEAN, and times as BIGINT microseconds since the Unix
-- epoch (UTC), so one set of migrations serves both and values compare
-- exactly. Migrations are append-only: never edit a released one.

-- +goose Up
CREATE TABLE providers (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    driver        TEXT NOT NULL,
    jurisdiction  TEXT NOT NULL,
    certification TEXT NOT NULL,
    currency      TEXT NOT NULL,
    simulated     BOOLEAN NOT NULL,
    health        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL
);

CREATE TABLE sites (
    id             TEXT PRIMARY KEY,
    provider_id    TEXT NOT NULL REFERENCES providers(id),
    name           TEXT NOT NULL,
    country        TEXT NOT NULL,
    subdivision    TEXT NOT NULL,
    city           TEXT NOT NULL,
    latitude       DOUBLE PRECISION NOT NULL,
    longitude      DOUBLE PRECISION NOT NULL,
    tier           TEXT NOT NULL,
    failure_domain TEXT NOT NULL,
    certification  TEXT NOT NULL,
    vcpus          BIGINT NOT NULL,
    memory_mib     BIGINT NOT NULL,
    disk_gib       BIGINT NOT NULL,
    overcommit_vcpu   TEXT NOT NULL,
    overcommit_memory TEXT NOT NULL,
    overcommit_disk   TEXT NOT NULL,
    health         TEXT NOT NULL,
    simulated      BOOLEAN NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL,
    UNIQUE (provider_id, name)
);
CREATE INDEX sites_country ON sites (country);

CREATE TABLE offerings (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    vcpus       BIGINT NOT NULL,
    memory_mib  BIGINT NOT NULL,
    disk_gib    BIGINT NOT NULL,
    description TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL
);

CREATE TABLE prices (
    id          TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL REFERENCES providers(id),
    offering_id TEXT NOT NULL REFERENCES offerings(id),
    currency    TEXT NOT NULL,
    per_hour    TEXT NOT NULL,
    valid_from  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    UNIQUE (provider_id, offering_id, valid_from)
);

CREATE TABLE institutions (
    id                       TEXT PRIMARY KEY,
    name                     TEXT NOT NULL UNIQUE,
    country                  TEXT NOT NULL,
    currency                 TEXT NOT NULL,
    auto_approve_minor       BIGINT NOT NULL,
    allow_overdraft_requests BOOLEAN NOT NULL,
    created_at               BIGINT NOT NULL,
    updated_at               BIGINT NOT NULL,
    version                  BIGINT NOT NULL
);

CREATE TABLE budget_lines (
    id             TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    fiscal_year    BIGINT NOT NULL,
    code           TEXT NOT NULL,
    name           TEXT NOT NULL,
    currency       TEXT NOT NULL,
    amount_minor   BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL,
    UNIQUE (institution_id, fiscal_year, code)
);

CREATE TABLE projects (
    id             TEXT PRIMARY KEY,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    budget_line_id TEXT NOT NULL REFERENCES budget_lines(id),
    name           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL,
    UNIQUE (institution_id, name)
);

CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    expires_at   BIGINT,
    last_used_at BIGINT,
    revoked      BOOLEAN NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL
);

CREATE TABLE fx_rates (
    id            TEXT PRIMARY KEY,
    from_currency TEXT NOT NULL,
    to_currency   TEXT NOT NULL,
    rate          TEXT NOT NULL,
    valid_on      TEXT NOT NULL,
    source        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    UNIQUE (from_currency, to_currency, valid_on)
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE fx_rates;
DROP TABLE tokens;
DROP TABLE projects;
DROP TABLE budget_lines;
DROP TABLE institutions;
DROP TABLE prices;
DROP TABLE offerings;
DROP TABLE sites;
DROP TABLE providers;
