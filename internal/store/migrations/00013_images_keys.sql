-- Images, SSH keys and first boot (issue 18).
-- `images` is each provider's catalogue of operating system families
-- (ubuntu-24.04, debian-12, …) per site, as its driver discovers it
-- (Glance os_distro/os_version, or the operator's mapping by name; the sim
-- provider's simulated catalogue): placement only considers the sites
-- that have a workload's family. `ssh_keys` are public keys of a user
-- (project_id empty) or of a project. A workload keeps its image family,
-- the keys it asked for (name, fingerprint and public key as they were at
-- request time) and its user-data; `replica_boot` holds the cloud-init
-- document rendered once per replica and the image reference it boots, so
-- that retries and audits see exactly what the provider got. `sim_boot` is
-- what the simulated provider received, for tests to read back.

-- +goose Up
CREATE TABLE images (
    id          TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL,
    site_id     TEXT NOT NULL,
    family      TEXT NOT NULL,
    image_ref   TEXT NOT NULL,
    image_name  TEXT NOT NULL,
    simulated   BOOLEAN NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    UNIQUE (provider_id, site_id, family)
);
CREATE INDEX images_family ON images (family, id);

CREATE TABLE ssh_keys (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    owner_id       TEXT NOT NULL,
    institution_id TEXT NOT NULL,
    project_id     TEXT NOT NULL,
    public_key     TEXT NOT NULL,
    fingerprint    TEXT NOT NULL,
    key_type       TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX ssh_keys_owner ON ssh_keys (owner_id, id);
CREATE INDEX ssh_keys_project ON ssh_keys (project_id, id);

ALTER TABLE workloads ADD COLUMN image TEXT NOT NULL DEFAULT '';
ALTER TABLE workloads ADD COLUMN ssh_keys TEXT NOT NULL DEFAULT '[]';
ALTER TABLE workloads ADD COLUMN user_data TEXT NOT NULL DEFAULT '';

CREATE TABLE replica_boot (
    placement_id TEXT PRIMARY KEY,
    workload_id  TEXT NOT NULL,
    image_ref    TEXT NOT NULL,
    cloud_init   TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX replica_boot_workload ON replica_boot (workload_id);

CREATE TABLE sim_boot (
    provider_id TEXT NOT NULL,
    replica_id  TEXT NOT NULL,
    image_ref   TEXT NOT NULL,
    user_data   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (provider_id, replica_id)
);

-- +goose Down
DROP TABLE sim_boot;
DROP TABLE replica_boot;
ALTER TABLE workloads DROP COLUMN user_data;
ALTER TABLE workloads DROP COLUMN ssh_keys;
ALTER TABLE workloads DROP COLUMN image;
DROP TABLE ssh_keys;
DROP TABLE images;
