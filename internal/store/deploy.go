package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/soberana/soberana/internal/model"
)

// App is a deployable application of a project, placed on the sites of
// one of its namespace workloads.
type App struct {
	model.Meta
	ProjectID     string  `json:"project_id"`
	InstitutionID string  `json:"institution_id"`
	WorkloadID    string  `json:"workload_id"`
	Name          string  `json:"name"`
	Image         string  `json:"image"`
	Port          int64   `json:"port"`
	Replicas      int64   `json:"replicas"`
	Env           EnvVars `json:"env"`
	HealthPath    string  `json:"health_path,omitempty"`
	// WebhookSecret is sealed; it never leaves the server in a response.
	WebhookSecret    string `json:"-"`
	CurrentReleaseID string `json:"current_release_id,omitempty"`
	CreatedBy        string `json:"created_by"`
	// SecretBy is the principal the webhook secret derives from (its
	// creator, or whoever rotated it since) and GrantID the vendor grant it
	// acted through (empty: a role binding): the secret dies with them.
	SecretBy string `json:"secret_by,omitempty"`
	GrantID  string `json:"grant_id,omitempty"`
}

// EnvVars are an app's environment variables, stored as JSON.
type EnvVars map[string]string

// Value encodes the map for the database.
func (e EnvVars) Value() (driver.Value, error) {
	if e == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]string(e))
	return string(b), err
}

// Scan decodes the stored map.
func (e *EnvVars) Scan(src any) error { return scanJSON(src, e) }

// Release is one version of an app and its rollout.
type Release struct {
	model.Meta
	AppID      string `json:"app_id"`
	Seq        int64  `json:"seq"`
	Image      string `json:"image"`
	Commit     string `json:"commit,omitempty"`
	Source     string `json:"source"`
	RollbackOf string `json:"rollback_of,omitempty"`
	// PreviousID is the release that was current when this one started:
	// what a failed rollout returns the sites to.
	PreviousID    string     `json:"previous_id,omitempty"`
	State         string     `json:"state"`
	Reason        string     `json:"reason,omitempty"`
	Steps         Steps      `json:"steps"`
	CreatedBy     string     `json:"created_by"`
	NextAttemptAt *time.Time `json:"-"`
	// Strategy is a wave rollout's strategy and progress (nil: site by
	// site over the app's workload).
	Strategy *Strategy `json:"strategy,omitempty"`
}

// Strategy is how a release rolls out in waves over an edge group or a
// set of sites, and which wave it is in.
type Strategy struct {
	// GroupID and GroupName: the edge group targeted ("" with SiteIDs).
	GroupID   string `json:"group_id,omitempty"`
	GroupName string `json:"group_name,omitempty"`
	// SiteIDs: the sites targeted when no group is.
	SiteIDs []string `json:"site_ids,omitempty"`
	// MaxParallel is the number of sites of every wave after the canary.
	MaxParallel int `json:"max_parallel"`
	// Canary is the size of the first wave (0: no canary wave).
	Canary int `json:"canary"`
	// FailureThreshold is the share of a wave's sites that may fail
	// (a decimal from 0 to 1, e.g. "0.2"); more stops the rollout.
	FailureThreshold string `json:"failure_threshold"`
	// Wave is the wave in progress (0-based); Waves is their number.
	Wave  int `json:"wave"`
	Waves int `json:"waves"`
}

// strategyValue encodes the strategy (” when nil).
func strategyValue(s *Strategy) string {
	if s == nil {
		return ""
	}
	b, _ := json.Marshal(*s)
	return string(b)
}

// strategyCol scans the strategy column (” → nil).
type strategyCol struct{ p **Strategy }

func (c strategyCol) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	}
	if len(b) == 0 {
		*c.p = nil
		return nil
	}
	s := new(Strategy)
	if err := json.Unmarshal(b, s); err != nil {
		return err
	}
	*c.p = s
	return nil
}

// Step is one site of a rollout.
type Step struct {
	SiteID     string     `json:"site_id"`
	ProviderID string     `json:"provider_id"`
	Namespace  string     `json:"namespace"`
	State      string     `json:"state"`
	Reason     string     `json:"reason,omitempty"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	DoneAt     *time.Time `json:"done_at,omitempty"`
	// URL is where the site serves the release once available (an
	// Ingress host or a Service name; a simulated URL on the sim).
	URL string `json:"url,omitempty"`
	// Simulated: the site is the sim provider's.
	Simulated bool `json:"simulated,omitempty"`
	// RolledBack: a failed step whose site was returned to the previous
	// release; RollbackAttempts counts the tries that did not answer.
	RolledBack       bool `json:"rolled_back,omitempty"`
	RollbackAttempts int  `json:"rollback_attempts,omitempty"`
	// Wave is the wave of a wave rollout the site is in (0-based).
	Wave int `json:"wave,omitempty"`
}

// Steps are a rollout's sites in order, stored as JSON.
type Steps []Step

// Value encodes the steps.
func (s Steps) Value() (driver.Value, error) {
	if s == nil {
		return "[]", nil
	}
	b, err := json.Marshal([]Step(s))
	return string(b), err
}

// Scan decodes the steps.
func (s *Steps) Scan(src any) error { return scanJSON(src, s) }

func scanJSON(src any, dst any) error {
	switch v := src.(type) {
	case string:
		return json.Unmarshal([]byte(v), dst)
	case []byte:
		return json.Unmarshal(v, dst)
	case nil:
		return nil
	}
	return fmt.Errorf("store: cannot scan %T as JSON", src)
}

var apps = &entity[App]{
	table: "apps",
	cols: []string{"project_id", "institution_id", "workload_id", "name", "image", "port", "replicas", "env",
		"health_path", "webhook_secret", "current_release_id", "created_by",
		"secret_by", "grant_id"},
	filters: map[string]bool{"project_id": true, "institution_id": true, "workload_id": true, "name": true},
	meta:    func(v *App) *model.Meta { return &v.Meta },
	values: func(v *App) []any {
		return []any{v.ProjectID, v.InstitutionID, v.WorkloadID, v.Name, v.Image, v.Port, v.Replicas, v.Env,
			v.HealthPath, v.WebhookSecret, v.CurrentReleaseID, v.CreatedBy,
			v.SecretBy, v.GrantID}
	},
	scanDest: func(v *App) []any {
		return []any{&v.ProjectID, &v.InstitutionID, &v.WorkloadID, &v.Name, &v.Image, &v.Port, &v.Replicas, &v.Env,
			&v.HealthPath, &v.WebhookSecret, &v.CurrentReleaseID, &v.CreatedBy,
			&v.SecretBy, &v.GrantID}
	},
}

var releases = &entity[Release]{
	table: "releases",
	cols: []string{"app_id", "seq", "image", "commit_sha", "source", "rollback_of", "previous_id", "state", "reason",
		"steps", "created_by", "next_attempt_at", "strategy"},
	filters: map[string]bool{"app_id": true, "state": true},
	meta:    func(v *Release) *model.Meta { return &v.Meta },
	values: func(v *Release) []any {
		return []any{v.AppID, v.Seq, v.Image, v.Commit, v.Source, v.RollbackOf, v.PreviousID, v.State, v.Reason,
			v.Steps, v.CreatedBy, nullMicros(v.NextAttemptAt), strategyValue(v.Strategy)}
	},
	scanDest: func(v *Release) []any {
		return []any{&v.AppID, &v.Seq, &v.Image, &v.Commit, &v.Source, &v.RollbackOf, &v.PreviousID, &v.State, &v.Reason,
			&v.Steps, &v.CreatedBy, nullTime{&v.NextAttemptAt}, strategyCol{&v.Strategy}}
	},
}

// Apps gives create/get/list/update over apps.
func (t *Tx) Apps() Repo[App] { return Repo[App]{t, apps} }

// Releases gives create/get/list/update over releases.
func (t *Tx) Releases() Repo[Release] { return Repo[Release]{t, releases} }

// NextReleaseSeq is the number the app's next release gets.
func (t *Tx) NextReleaseSeq(ctx context.Context, appID string) (int64, error) {
	var n sql.NullInt64
	if err := t.QueryRow(ctx, `SELECT MAX(seq) FROM releases WHERE app_id = ?`, appID).Scan(&n); err != nil {
		return 0, mapErr(err)
	}
	return n.Int64 + 1, nil
}

// ReleasesOf returns an app's releases, newest first.
func (t *Tx) ReleasesOf(ctx context.Context, appID string) ([]Release, error) {
	return t.queryReleases(ctx, `WHERE app_id = ? ORDER BY seq DESC`, appID)
}

// DueReleases returns the releases whose rollout needs work (state in
// states) and is due at now, oldest first.
func (t *Tx) DueReleases(ctx context.Context, now time.Time, states ...string) ([]Release, error) {
	if len(states) == 0 {
		return nil, nil
	}
	args := []any{micros(now)}
	for _, s := range states {
		args = append(args, s)
	}
	return t.queryReleases(ctx, `WHERE (next_attempt_at IS NULL OR next_attempt_at <= ?) AND state IN (`+placeholders(len(states))+`) ORDER BY created_at, id`, args...)
}

func (t *Tx) queryReleases(ctx context.Context, where string, args ...any) ([]Release, error) {
	r := t.Releases()
	rows, err := t.Query(ctx, "SELECT "+releases.allCols()+" FROM releases "+where, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []Release
	for rows.Next() {
		v, err := r.scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
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
