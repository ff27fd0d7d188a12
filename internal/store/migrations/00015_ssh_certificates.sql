-- Vendor access by short-lived SSH certificates (docs/ssh-access.md).
-- ssh_cas holds one SSH certificate authority per institution, made on
-- first need: its public key in the authorized_keys format; the private
-- key is sealed in `secrets` (owner_kind 'institution', name 'ssh-ca').
-- ssh_certificates records every certificate issued: its serial (unique,
-- random, positive 63-bit), the SHA256 fingerprint of the key it
-- certifies, who asked, for which workload and principal, its validity,
-- the vendor grant it derives from (empty: none) and its revocation. The
-- key revocation list is the live certificates revoked directly or
-- through their grant.

-- +goose Up
CREATE TABLE ssh_cas (
    institution_id TEXT PRIMARY KEY,
    public_key     TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE ssh_certificates (
    serial          BIGINT PRIMARY KEY,
    institution_id  TEXT NOT NULL,
    project_id      TEXT NOT NULL,
    workload_id     TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    key_fingerprint TEXT NOT NULL,
    principal       TEXT NOT NULL,
    grant_id        TEXT NOT NULL,
    valid_after     BIGINT NOT NULL,
    valid_before    BIGINT NOT NULL,
    revoked_at      BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ssh_certificates_institution ON ssh_certificates (institution_id, valid_before);
CREATE INDEX ssh_certificates_workload ON ssh_certificates (workload_id, serial);
CREATE INDEX ssh_certificates_grant ON ssh_certificates (grant_id);

-- +goose Down
DROP TABLE ssh_certificates;
DROP TABLE ssh_cas;
