-- Ownership of what soberana creates in the clouds. `installation` holds
-- one row: the id this installation made at its first start, which every
-- provider resource it creates carries (Nova metadata, Keystone project
-- tags, Kubernetes labels) so that two installations on one cloud never
-- take each other's resources for orphans. `workloads.allow_simulated` is
-- a request's explicit consent to simulated sites next to (or instead of)
-- real ones; without it placement never mixes the two nor moves a replica
-- from a real provider to a simulated one.

-- +goose Up
CREATE TABLE installation (
    singleton  BIGINT PRIMARY KEY CHECK (singleton = 1),
    id         TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
ALTER TABLE workloads ADD COLUMN allow_simulated BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE workloads DROP COLUMN allow_simulated;
DROP TABLE installation;
