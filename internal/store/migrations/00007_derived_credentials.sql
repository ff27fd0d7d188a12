-- Credentials derived from a person die with that person's authority
-- (docs/security.md, "Derived credentials and escalation").
--
-- tokens.created_by already names the principal a service or deploy token
-- was derived from, and apps.secret_by (at first the app's creator; whoever
-- rotates the secret since) the one its webhook secret derives from;
-- grant_id adds the vendor grant it came from (empty: a role binding), so
-- that it dies with that grant. tokens.institution_id is the institution
-- a token acts in (empty: platform or provider), so that institution
-- admins list and revoke every credential acting in their institution.
-- workloads.requested_by is the person who asked for a workload: the
-- approver of a workload must be another one.

-- +goose Up
ALTER TABLE tokens ADD COLUMN grant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE tokens ADD COLUMN institution_id TEXT NOT NULL DEFAULT '';
UPDATE tokens SET institution_id = scope_id WHERE scope_kind = 'institution';
UPDATE tokens SET institution_id = COALESCE((SELECT p.institution_id FROM projects p WHERE p.id = tokens.scope_id), '')
    WHERE scope_kind = 'project';
CREATE INDEX tokens_institution ON tokens (institution_id);
ALTER TABLE apps ADD COLUMN secret_by TEXT NOT NULL DEFAULT '';
UPDATE apps SET secret_by = created_by;
ALTER TABLE apps ADD COLUMN grant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE workloads ADD COLUMN requested_by TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE workloads DROP COLUMN requested_by;
ALTER TABLE apps DROP COLUMN grant_id;
ALTER TABLE apps DROP COLUMN secret_by;
DROP INDEX tokens_institution;
ALTER TABLE tokens DROP COLUMN institution_id;
ALTER TABLE tokens DROP COLUMN grant_id;
