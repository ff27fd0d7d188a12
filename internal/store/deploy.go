package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// envText encodes an app's environment for its JSON column ("{}" when
// nil).
func envText(e model.EnvVars) string {
	if e == nil {
		return "{}"
	}
	return jsonText(map[string]string(e))
}

// stepsText encodes a rollout's steps for their JSON column ("[]" when
// nil).
func stepsText(s model.Steps) string {
	if s == nil {
		return "[]"
	}
	return jsonText([]model.Step(s))
}

// strategyValue encodes the strategy ("" when nil).
func strategyValue(s *model.Strategy) string {
	if s == nil {
		return ""
	}
	return jsonText(*s)
}

var apps = noun(&entity[model.App]{
	table: "apps",
	cols: []string{"project_id", "institution_id", "workload_id", "name", "image", "port", "replicas", "env",
		"health_path", "webhook_secret", "current_release_id", "created_by",
		"secret_by", "grant_id"},
	filters: map[string]bool{"project_id": true, "institution_id": true, "workload_id": true, "name": true},
	values: func(v *model.App) []any {
		return []any{v.ProjectID, v.InstitutionID, v.WorkloadID, v.Name, v.Image, v.Port, v.Replicas, envText(v.Env),
			v.HealthPath, v.WebhookSecret, v.CurrentReleaseID, v.CreatedBy,
			v.SecretBy, v.GrantID}
	},
	scanDest: func(v *model.App) []any {
		return []any{&v.ProjectID, &v.InstitutionID, &v.WorkloadID, &v.Name, &v.Image, &v.Port, &v.Replicas, jsonCol{&v.Env},
			&v.HealthPath, &v.WebhookSecret, &v.CurrentReleaseID, &v.CreatedBy,
			&v.SecretBy, &v.GrantID}
	},
})

var releases = noun(&entity[model.Release]{
	table: "releases",
	cols: []string{"app_id", "seq", "image", "commit_sha", "source", "rollback_of", "previous_id", "state", "reason",
		"steps", "created_by", "next_attempt_at", "strategy"},
	filters: map[string]bool{"app_id": true, "state": true},
	values: func(v *model.Release) []any {
		return []any{v.AppID, v.Seq, v.Image, v.Commit, v.Source, v.RollbackOf, v.PreviousID, v.State, v.Reason,
			stepsText(v.Steps), v.CreatedBy, nullMicros(v.NextAttemptAt), strategyValue(v.Strategy)}
	},
	scanDest: func(v *model.Release) []any {
		return []any{&v.AppID, &v.Seq, &v.Image, &v.Commit, &v.Source, &v.RollbackOf, &v.PreviousID, &v.State, &v.Reason,
			jsonCol{&v.Steps}, &v.CreatedBy, nullTime{&v.NextAttemptAt}, jsonCol{&v.Strategy}}
	},
})

// Apps gives create/get/list/update over apps.
func (t *Tx) Apps() Repo[model.App] { return Repo[model.App]{t, apps} }

// Releases gives create/get/list/update over releases.
func (t *Tx) Releases() Repo[model.Release] { return Repo[model.Release]{t, releases} }

// NextReleaseSeq is the number the app's next release gets.
func (t *Tx) NextReleaseSeq(ctx context.Context, appID string) (int64, error) {
	var n sql.NullInt64
	if err := t.QueryRow(ctx, `SELECT MAX(seq) FROM releases WHERE app_id = ?`, appID).Scan(&n); err != nil {
		return 0, mapErr(err)
	}
	return n.Int64 + 1, nil
}

// ReleasesOf returns an app's releases, newest first.
func (t *Tx) ReleasesOf(ctx context.Context, appID string) ([]model.Release, error) {
	return t.queryReleases(ctx, `WHERE app_id = ? ORDER BY seq DESC`, appID)
}

// DueReleases returns the releases whose rollout needs work (state in
// states) and is due at now, oldest first.
func (t *Tx) DueReleases(ctx context.Context, now time.Time, states ...model.ReleaseState) ([]model.Release, error) {
	if len(states) == 0 {
		return nil, nil
	}
	args := []any{micros(now)}
	for _, s := range states {
		args = append(args, s)
	}
	return t.queryReleases(ctx, `WHERE (next_attempt_at IS NULL OR next_attempt_at <= ?) AND state IN (`+placeholders(len(states))+`) ORDER BY created_at, id`, args...)
}

func (t *Tx) queryReleases(ctx context.Context, where string, args ...any) ([]model.Release, error) {
	return queryRepo(ctx, t.Releases(), "releases", "SELECT "+releases.allCols()+" FROM releases "+where, args...)
}

// ErrReplayed: a webhook delivery with this id was already accepted.
var ErrReplayed = errors.New("webhook delivery already received")

// RecordDelivery remembers an accepted webhook delivery; the same forge
// and delivery id again gives ErrReplayed.
func (t *Tx) RecordDelivery(ctx context.Context, forge, deliveryID, appID, releaseID string) error {
	_, err := t.Exec(ctx, `INSERT INTO webhook_deliveries (forge, delivery_id, app_id, release_id, received_at) VALUES (?, ?, ?, ?, ?)`,
		forge, deliveryID, appID, releaseID, micros(t.Now()))
	if errors.Is(mapErr(err), ErrDuplicate) {
		return fmt.Errorf("%w: %s %s", ErrReplayed, forge, deliveryID)
	}
	return mapErr(err)
}
