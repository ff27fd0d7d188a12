package server

import (
	"context"
	"fmt"
	"time"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/deploy"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/provider"
	_ "github.com/soberana/soberana/internal/provider/install" // every driver
	kube "github.com/soberana/soberana/internal/provider/kubernetes"
)

// EnvWebhookBranch names the branch whose pushes deploy through webhooks
// (empty: every branch).
const EnvWebhookBranch = "SOBERANA_WEBHOOK_BRANCH"

// deployParts are the kubernetes driver, the deploy service and the
// rollout loop.
type deployParts struct {
	kube     *kube.Driver
	svc      *deploy.Service
	rollouts *deploy.Rollouts
}

// grantSource gives the kubernetes driver the grants in force of a project
// (internal/auth's grants, as RoleBindings want them).
type grantSource struct{ a *auth.Service }

func (g grantSource) ActiveGrants(ctx context.Context, projectID string) ([]kube.Grant, error) {
	list, err := g.a.ActiveGrants(ctx, projectID)
	if err != nil {
		return nil, err
	}
	out := make([]kube.Grant, len(list))
	for i, x := range list {
		out[i] = kube.Grant{ID: x.ID, ProjectID: x.ProjectID, UserID: x.UserID, Role: x.Role, ExpiresAt: x.ExpiresAt}
	}
	return out, nil
}

// wireDeploy installs the kubernetes driver, the app and webhook routes
// and the rollout loop.
func (s *Server) wireDeploy() {
	d := &s.deploy
	d.kube = kube.New(s.KubernetesConfigs(), kube.StoreLookup{St: s.Store})
	d.kube.Log = s.log
	d.kube.Installation = s.Installation.ID
	if a := s.API.Auth(); a != nil {
		d.kube.SetGrants(grantSource{a})
	}
	s.Drivers.Set(kube.Name, d.kube)
	d.svc = deploy.NewService(s.Store, func() deploy.Box {
		if b := s.Secrets(); b != nil {
			return b
		}
		return nil
	})
	d.rollouts = deploy.NewRollouts(deploy.Options{}, s.Store, deploy.DeployersFunc(s.deployer), s.log)
	d.svc.Kick = d.rollouts.Kick
	d.svc.MayRelease = s.appCreatorMayRelease
	s.API.AddApps(d.svc)
	s.API.AddWebhooks(d.svc, s.getenv(EnvWebhookBranch))
}

// appCreatorMayRelease: an app's webhook secret acts with the live
// authority of the principal that made it (the app's creator, or whoever
// rotated it; through the grant it acted through), so it dies with that
// grant or role binding.
func (s *Server) appCreatorMayRelease(ctx context.Context, app model.App) error {
	by := app.SecretBy
	if by == "" {
		by = app.CreatedBy
	}
	p, err := s.API.Auth().LivePrincipal(ctx, by, app.GrantID)
	if err != nil {
		return err
	}
	if _, ok := p.Can("apps:write", auth.Target{Institution: app.InstitutionID, Project: app.ProjectID}); !ok {
		return deploy.ErrRevoked
	}
	return nil
}

// KubernetesConfigs reads and writes kubernetes providers' configs, sealed
// with the secrets key when one is configured.
func (s *Server) KubernetesConfigs() kube.StoreConfigs {
	return kube.StoreConfigs{St: s.Store, Box: func() kube.Box {
		if b := s.Secrets(); b != nil {
			return b
		}
		return nil
	}}
}

// deployer finds the driver of a provider that can deploy apps.
func (s *Server) deployer(_ context.Context, providerID string) (deploy.Deployer, error) {
	p, ok := s.Fleet.Provider(providerID)
	if !ok {
		return nil, fmt.Errorf("provider %s is not in the fleet", providerID)
	}
	drv, err := s.Drivers.Get(p.Driver)
	if err != nil {
		return nil, err
	}
	dep, ok := drv.(deploy.Deployer)
	if !ok {
		return nil, fmt.Errorf("provider %s (driver %s) cannot run apps", providerID, p.Driver)
	}
	return dep, nil
}

// runDeploy runs the rollout loop and mirrors vendor grants into the
// kubernetes providers' RoleBindings.
// It returns only once the mirror has stopped too: Run closes the store
// after its loops return, and database/sql's Close does not wait for a
// connection in use, so a mirror still reading would keep the database
// open (and, on SQLite, locked) after Run returned.
func (s *Server) runDeploy(ctx context.Context) error {
	mctx, stop := context.WithCancel(ctx)
	mirrored := make(chan struct{})
	go func() {
		defer close(mirrored)
		_ = s.whileLeader(mctx, "grant-mirror", func(c context.Context) error { s.mirrorGrants(c, 2*time.Second); return nil })
	}()
	err := s.deploy.rollouts.Run(ctx)
	stop()
	<-mirrored
	return err
}

// mirrorGrants follows the grant change feed (creations, revocations and
// the expiries the identity reconciler notes) and makes each named
// project's RoleBindings equal its grants in force on every kubernetes
// provider. It starts from the beginning of the feed, so a restart
// converges every project.
func (s *Server) mirrorGrants(ctx context.Context, every time.Duration) {
	a := s.API.Auth()
	if a == nil {
		return
	}
	src := grantSource{a}
	var after int64
	_ = pace.Repeat(ctx, every, func() {
		changes, err := a.GrantChanges(ctx, after, 500)
		if err != nil {
			return
		}
		projects := map[string]bool{}
		for _, c := range changes {
			projects[c.ProjectID] = true
		}
		ok := true
		for p := range projects {
			if err := s.syncProjectGrants(ctx, src, p); err != nil {
				s.log.Warn("mirroring grants into providers", "project", p, "err", err)
				ok = false
			}
		}
		if ok && len(changes) > 0 {
			after = changes[len(changes)-1].Seq
		}
	})
}

func (s *Server) syncProjectGrants(ctx context.Context, src grantSource, projectID string) error {
	gs, err := src.ActiveGrants(ctx, projectID)
	if err != nil {
		return err
	}
	var raw []model.Grant // what the OpenStack driver mirrors, fetched once
	for _, p := range s.Fleet.Providers() {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		switch p.Driver {
		case model.DriverKubernetes:
			err = s.deploy.kube.SyncGrants(cctx, p.ID, projectID, gs)
		case model.DriverOpenStack:
			// Keystone role assignments for the vendors' users.
			var d provider.Driver
			if d, err = s.Drivers.Get(model.DriverOpenStack); err == nil {
				m, ok := d.(openStackGrants)
				if !ok {
					break
				}
				if raw == nil {
					raw, err = src.a.ActiveGrants(cctx, projectID)
				}
				if err == nil {
					err = m.SyncGrants(cctx, p.ID, projectID, raw)
				}
			}
		}
		cancel()
		if err != nil {
			return fmt.Errorf("provider %s: %w", p.ID, err)
		}
	}
	return nil
}

// openStackGrants is the OpenStack driver's grant mirror.
type openStackGrants interface {
	SyncGrants(ctx context.Context, providerID, projectID string, active []model.Grant) error
}
