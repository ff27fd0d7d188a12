package deploy

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/secrets"
	"github.com/soberana/soberana/internal/store"
)

// Sources of a release.
const (
	SourceAPI     = "api"
	SourceWebhook = "webhook"
	SourceApply   = "apply"
)

var (
	// ErrInvalid is wrapped by every validation error (a *FieldError).
	ErrInvalid = errors.New("deploy: invalid request")
	// ErrNotFound: no such app or release.
	ErrNotFound = store.ErrNotFound
	// ErrNoSecretsKey: an app's webhook secret cannot be stored because
	// no secrets key is configured (it is never kept in clear text).
	ErrNoSecretsKey = errors.New("deploy: no secrets key configured; webhook secrets are never stored in clear text")
)

// FieldError names the invalid field and why, as a message.
type FieldError struct {
	Field string
	Msg   Msg
}

func (e *FieldError) Error() string { return "invalid " + e.Field + ": " + e.Msg.Key }

// Unwrap makes a FieldError an ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

func bad(field, key string, args ...string) error {
	return &FieldError{Field: field, Msg: M(key, args...)}
}

// Box keeps secrets encrypted at rest (internal/secrets.Box).
type Box interface {
	Put(ctx context.Context, tx *store.Tx, ownerKind, ownerID, name string, v []byte) error
	Get(ctx context.Context, ownerKind, ownerID, name string) (secrets.Value, error)
}

// Where an app's webhook secret is sealed, and the marker its row holds.
const (
	secretOwner  = "app"
	secretName   = "webhook"
	sealedMarker = "sealed:secrets"
)

// Service creates apps and releases.
type Service struct {
	st *store.Store
	// box returns the secrets box, or nil without a secrets key (then no
	// app can be created: its webhook secret would be in clear text).
	box func() Box
	// Kick wakes the rollout loop after a release is created (optional).
	Kick func()
	// MayRelease, when set, says whether the principal an app's webhook
	// secret derives from (app.SecretBy, through app.GrantID) may still
	// release it; a
	// webhook delivery is refused with ErrRevoked when it may not.
	MayRelease func(ctx context.Context, app model.App) error
}

// ErrRevoked: the app's webhook secret derives from a principal (or a
// vendor grant) that no longer may release the app.
var ErrRevoked = errors.New("webhook: the authority the app's webhook secret derives from has ended")

// NewService returns the service; box may be nil or return nil (no
// secrets key: creating an app fails with ErrNoSecretsKey).
func NewService(st *store.Store, box func() Box) *Service {
	if box == nil {
		box = func() Box { return nil }
	}
	return &Service{st: st, box: box}
}

// Store returns the store (for the API's reads).
func (s *Service) Store() *store.Store { return s.st }

// AppRequest creates or updates an app.
type AppRequest struct {
	ProjectID string `json:"project_id" yaml:"project_id"`
	// WorkloadID is the namespace workload whose sites the app runs on;
	// empty picks the project's only running namespace workload.
	WorkloadID string            `json:"workload_id,omitempty" yaml:"workload_id,omitempty"`
	Name       string            `json:"name" yaml:"name"`
	Image      string            `json:"image" yaml:"image"`
	Port       int64             `json:"port" yaml:"port"`
	Replicas   int64             `json:"replicas" yaml:"replicas"`
	Env        map[string]string `json:"env,omitempty" yaml:"env,omitempty"`
	HealthPath string            `json:"health_path,omitempty" yaml:"health_path,omitempty"`
}

var (
	nameRe   = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$`)
	envRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)
	imageRe  = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$`)
	commitRe = regexp.MustCompile(`^[0-9a-f]{7,64}$`)
	tagRe    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	digestRe = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
)

// Validate checks the request and fills defaults.
func (r *AppRequest) Validate() error {
	if r.ProjectID == "" {
		return bad("project_id", "deploy.field.required")
	}
	if !nameRe.MatchString(r.Name) {
		return bad("name", "deploy.field.name")
	}
	if !imageRe.MatchString(r.Image) {
		return bad("image", "deploy.field.image")
	}
	if r.Port == 0 {
		r.Port = 8080
	}
	if r.Port < 1 || r.Port > 65535 {
		return bad("port", "deploy.field.port")
	}
	if r.Replicas == 0 {
		r.Replicas = 1
	}
	if r.Replicas < 1 || r.Replicas > 100 {
		return bad("replicas", "deploy.field.replicas")
	}
	for k := range r.Env {
		if !envRe.MatchString(k) {
			return bad("env", "deploy.field.env", k)
		}
	}
	if r.HealthPath != "" && !strings.HasPrefix(r.HealthPath, "/") {
		return bad("health_path", "deploy.field.health_path")
	}
	return nil
}

// NewSecret returns a fresh webhook secret.
func NewSecret() string {
	s, _ := newToken()
	return s
}

// CreateApp validates and stores an app with a fresh webhook secret, which
// it returns once in clear.
func (s *Service) CreateApp(ctx context.Context, by string, req AppRequest) (model.App, string, error) {
	return s.CreateAppFrom(ctx, by, "", req)
}

// CreateAppFrom is CreateApp for a principal acting through a vendor
// grant: the app's webhook secret derives from by and grant and dies
// with them.
func (s *Service) CreateAppFrom(ctx context.Context, by, grant string, req AppRequest) (model.App, string, error) {
	if err := req.Validate(); err != nil {
		return model.App{}, "", err
	}
	return s.sealNewSecret(ctx, func(tx *store.Tx) (model.App, error) {
		proj, err := tx.Projects().Get(ctx, req.ProjectID)
		if errors.Is(err, store.ErrNotFound) {
			return model.App{}, bad("project_id", "deploy.field.required")
		}
		if err != nil {
			return model.App{}, err
		}
		wl, err := namespaceWorkload(ctx, tx, proj.ID, req.WorkloadID)
		if err != nil {
			return model.App{}, err
		}
		app := model.App{ProjectID: proj.ID, InstitutionID: proj.InstitutionID, WorkloadID: wl, Name: req.Name,
			Image: req.Image, Port: req.Port, Replicas: req.Replicas, Env: req.Env, HealthPath: req.HealthPath,
			WebhookSecret: sealedMarker, CreatedBy: by, SecretBy: by, GrantID: grant}
		err = tx.Apps().Create(ctx, &app, "app")
		if errors.Is(err, store.ErrDuplicate) {
			return app, bad("name", "deploy.field.exists")
		}
		return app, err
	})
}

// UpdateApp changes an app's settings (the next release uses them).
func (s *Service) UpdateApp(ctx context.Context, app model.App, req AppRequest) (model.App, error) {
	req.ProjectID = app.ProjectID
	if err := req.Validate(); err != nil {
		return app, err
	}
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.Apps().Get(ctx, app.ID)
		if err != nil {
			return err
		}
		if req.WorkloadID != "" && req.WorkloadID != cur.WorkloadID {
			if cur.WorkloadID, err = namespaceWorkload(ctx, tx, cur.ProjectID, req.WorkloadID); err != nil {
				return err
			}
		}
		cur.Image, cur.Port, cur.Replicas, cur.Env, cur.HealthPath = req.Image, req.Port, req.Replicas, req.Env, req.HealthPath
		app = cur
		return tx.Apps().Update(ctx, &app)
	})
	return app, err
}

// RotateSecret replaces an app's webhook secret: the old one stops at
// once, and the new one, returned once in clear, derives from by (through
// grant) and dies with them.
func (s *Service) RotateSecret(ctx context.Context, by, grant, appID string) (model.App, string, error) {
	return s.sealNewSecret(ctx, func(tx *store.Tx) (model.App, error) {
		cur, err := tx.Apps().Get(ctx, appID)
		if err != nil {
			return model.App{}, err
		}
		cur.WebhookSecret, cur.SecretBy, cur.GrantID = sealedMarker, by, grant
		return cur, tx.Apps().Update(ctx, &cur)
	})
}

// sealNewSecret runs write, which stores an app whose webhook secret is
// sealed, and seals a fresh secret for it in the same transaction; the
// secret is returned once in clear. Without a secrets key nothing runs.
func (s *Service) sealNewSecret(ctx context.Context, write func(tx *store.Tx) (model.App, error)) (model.App, string, error) {
	secret := NewSecret()
	box := s.box()
	if box == nil {
		return model.App{}, "", ErrNoSecretsKey
	}
	var app model.App
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if app, err = write(tx); err != nil {
			return err
		}
		return box.Put(ctx, tx, secretOwner, app.ID, secretName, []byte(secret))
	})
	return app, secret, err
}

// WebhookSecret opens an app's webhook secret.
func (s *Service) WebhookSecret(ctx context.Context, app model.App) (string, error) {
	if app.WebhookSecret != sealedMarker {
		return app.WebhookSecret, nil
	}
	box := s.box()
	if box == nil {
		return "", errors.New("deploy: the webhook secret is encrypted and no secrets key is configured")
	}
	v, err := box.Get(ctx, secretOwner, app.ID, secretName)
	return string(v.Reveal()), err
}

func namespaceWorkload(ctx context.Context, tx *store.Tx, projectID, want string) (string, error) {
	list, err := tx.Workloads().List(ctx, store.ListOptions{Filters: map[string]string{"project_id": projectID}, Limit: 1000})
	if err != nil {
		return "", err
	}
	var found []string
	for _, w := range list.Items {
		off, err := tx.Offerings().Get(ctx, w.OfferingID)
		if err != nil || off.Kind != model.KindNamespace {
			continue
		}
		if want != "" && w.ID == want {
			return w.ID, nil
		}
		if w.State == model.StateRunning {
			found = append(found, w.ID)
		}
	}
	if want != "" {
		return "", bad("workload_id", "deploy.field.workload_kind", want)
	}
	if len(found) != 1 {
		return "", bad("workload_id", "deploy.field.workload")
	}
	return found[0], nil
}

// The request's fields are declared once, in model.ReleaseRequest, which
// the public SDK sends as client.ReleaseSpec; the service validates it
// (createRelease, validateStrategy).

// ReleaseRequest asks for a release.
type ReleaseRequest model.ReleaseRequest

// ImageRef resolves a release's image against the app's image: a tag or a
// digest replaces the app image's tag or digest; a whole reference is used
// as it is.
func ImageRef(appImage, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	repo := appImage
	if i := strings.Index(repo, "@"); i >= 0 {
		repo = repo[:i]
	}
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
	switch {
	case ref == "":
		return appImage, nil
	case digestRe.MatchString(ref):
		return repo + "@" + ref, nil
	case strings.ContainsAny(ref, "/@") || (strings.Contains(ref, ":") && !tagRe.MatchString(ref)):
		if !imageRe.MatchString(ref) {
			return "", bad("image", "deploy.field.image")
		}
		return ref, nil
	case tagRe.MatchString(ref):
		return repo + ":" + ref, nil
	}
	return "", bad("image", "deploy.field.image")
}

// CreateRelease queues a release of app; the rollout loop starts it when
// no other release of the app is rolling.
func (s *Service) CreateRelease(ctx context.Context, by, source string, appID string, req ReleaseRequest) (model.Release, error) {
	var rel model.Release
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		rel, err = s.createRelease(ctx, tx, by, source, appID, req, "")
		return err
	})
	if err == nil && s.Kick != nil {
		s.Kick()
	}
	return rel, err
}

func (s *Service) createRelease(ctx context.Context, tx *store.Tx, by, source, appID string, req ReleaseRequest, rollbackOf string) (model.Release, error) {
	app, err := tx.Apps().Get(ctx, appID)
	if err != nil {
		return model.Release{}, err
	}
	img, err := ImageRef(app.Image, req.Image)
	if err != nil {
		return model.Release{}, err
	}
	if req.Commit != "" && !commitRe.MatchString(strings.ToLower(req.Commit)) {
		return model.Release{}, bad("commit", "deploy.field.commit")
	}
	var strategy *model.Strategy
	if req.Waved() {
		if strategy, err = validateStrategy(req.StrategyRequest); err != nil {
			return model.Release{}, err
		}
		if err := resolveTargets(ctx, tx, req.StrategyRequest, strategy); err != nil {
			return model.Release{}, err
		}
	}
	seq, err := tx.NextReleaseSeq(ctx, app.ID)
	if err != nil {
		return model.Release{}, err
	}
	rel := model.Release{AppID: app.ID, Seq: seq, Image: img, Commit: strings.ToLower(req.Commit), Source: source,
		RollbackOf: rollbackOf, State: model.ReleaseQueued, Reason: M("release.reason.queued").enc(), Steps: model.Steps{}, CreatedBy: by,
		Strategy: strategy}
	return rel, tx.Releases().Create(ctx, &rel, "rel")
}

// Rollback queues a release that brings back an earlier release's image
// and commit.
func (s *Service) Rollback(ctx context.Context, by, appID, releaseID string) (model.Release, error) {
	var rel model.Release
	err := s.st.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.Releases().Get(ctx, releaseID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (old.AppID != appID || old.State != model.ReleaseSucceeded)) {
			return bad("release_id", "deploy.field.rollback", releaseID)
		}
		if err != nil {
			return err
		}
		rel, err = s.createRelease(ctx, tx, by, SourceAPI, appID, ReleaseRequest{Image: old.Image, Commit: old.Commit}, old.ID)
		return err
	})
	if err == nil && s.Kick != nil {
		s.Kick()
	}
	return rel, err
}

// Releases returns an app's history, newest first.
func (s *Service) Releases(ctx context.Context, appID string) ([]model.Release, error) {
	return s.st.Read().ReleasesOf(ctx, appID)
}

// Wait polls a release until it ends (succeeded or failed) or ctx ends.
func (s *Service) Wait(ctx context.Context, releaseID string, every time.Duration) (model.Release, error) {
	for {
		r, err := s.st.Read().Releases().Get(ctx, releaseID)
		if err != nil || r.State == model.ReleaseSucceeded || r.State == model.ReleaseFailed {
			return r, err
		}
		select {
		case <-ctx.Done():
			return r, fmt.Errorf("waiting for release %s: %w", releaseID, ctx.Err())
		case <-time.After(every):
		}
	}
}
