-- Telco edge (issue 21, docs/edge.md). A provider of kind 'edge' holds
-- subclouds (a StarlingX subcloud or any small Kubernetes/OpenStack
-- endpoint), each one or more sites, organised in groups (region,
-- operator, rollout ring) as StarlingX's dcmanager does.
-- providers.kind: '' for a cloud (every existing row), 'edge'; a release
-- that does not know the column keeps inserting clouds (expand only).
-- subclouds.public_key: the Ed25519 public key that verifies the
-- subcloud's heartbeats; the private key is handed out once at import
-- and never stored. revoked_at (0: valid) revokes it.

-- +goose Up
ALTER TABLE providers ADD COLUMN kind TEXT NOT NULL DEFAULT '';
CREATE TABLE edge_groups (
    id          TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL REFERENCES providers(id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    UNIQUE (provider_id, name)
);
CREATE TABLE subclouds (
    id          TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL REFERENCES providers(id),
    group_id    TEXT NOT NULL REFERENCES edge_groups(id),
    name        TEXT NOT NULL,
    endpoint    TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    revoked_at  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    UNIQUE (provider_id, name)
);
CREATE INDEX subclouds_group ON subclouds (group_id);
CREATE TABLE subcloud_sites (
    site_id     TEXT PRIMARY KEY REFERENCES sites(id),
    subcloud_id TEXT NOT NULL REFERENCES subclouds(id)
);
CREATE INDEX subcloud_sites_subcloud ON subcloud_sites (subcloud_id);

-- +goose Down
DROP TABLE subcloud_sites;
DROP TABLE subclouds;
DROP TABLE edge_groups;
ALTER TABLE providers DROP COLUMN kind;
