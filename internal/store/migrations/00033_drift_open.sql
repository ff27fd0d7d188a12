-- Drift cleared (the resync records a drift found back in spec): each
-- resync asks for a provider's open drifts — the latest drift of each
-- placement and kind, when its action is reported, adopted or
-- restore_failed. Without these indexes that read went through the
-- provider's whole drift history every pass. placement_drifts_open finds
-- the provider's drifts with an open action; placement_drifts_latest
-- tells whether a later drift of the same placement and kind supersedes
-- one (and serves LatestDriftOf). Expand only: indexes.

-- +goose Up
CREATE INDEX placement_drifts_open ON placement_drifts (provider_id, action);
CREATE INDEX placement_drifts_latest ON placement_drifts (placement_id, kind, detected_at, id);

-- +goose Down
DROP INDEX placement_drifts_latest;
DROP INDEX placement_drifts_open;
