-- Several serve replicas on one database (docs/operations.md, production).
-- console_sessions: the web console's sign-in sessions, so that a session
-- made through one replica works through every other behind the load
-- balancer. The browser's cookie holds a random id; the row is found by
-- the id's SHA-256 and its body (the API credential, who, language) is
-- sealed with AES-256-GCM under a key derived from the id itself: the
-- database alone cannot open a session, the cookie alone finds nothing.
-- rate_counters: the per-window request counts each replica adds to, so
-- that the abuse limits hold for the whole service, not per replica.

-- +goose Up
CREATE TABLE console_sessions (
    id_hash    TEXT PRIMARY KEY,
    sealed     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_expires ON console_sessions (expires_at);
CREATE TABLE rate_counters (
    key        TEXT NOT NULL,
    win        BIGINT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (key, win)
);
CREATE INDEX rate_counters_win ON rate_counters (win);

-- +goose Down
DROP TABLE rate_counters;
DROP TABLE console_sessions;
