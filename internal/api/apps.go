package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/soberana/soberana/internal/auth"
	"github.com/soberana/soberana/internal/deploy"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// AppView is an app as the API shows it (model.AppView).
type AppView = model.AppView

// ReleaseView is a release with its reasons in the reader's language
// (model.ReleaseView).
type ReleaseView = model.ReleaseView

// RollbackRequest is the body of POST /v1/apps/{id}:rollback.
type RollbackRequest struct {
	ReleaseID string `json:"release_id"`
}

func appView(app model.App, secret string) AppView {
	v := AppView{App: app, WebhookSecret: secret, WebhookURLs: map[string]string{}}
	for _, f := range []string{deploy.ForgeGitHub, deploy.ForgeGitLab, deploy.ForgeGitea, deploy.ForgeForgejo} {
		v.WebhookURLs[f] = "/v1/webhooks/" + f + "/" + app.ID
	}
	return v
}

func releaseView(r model.Release, lang i18n.Lang) ReleaseView {
	r.Reason = deploy.Render(lang, r.Reason)
	if r.Steps == nil {
		r.Steps = model.Steps{}
	}
	return ReleaseView{Release: r, Progress: deploy.ProgressOf(r)}
}

func principalActor(r *http.Request) string {
	if p := principalOf(r.Context()); p != nil {
		return p.ActorID()
	}
	return "unknown"
}

var appFilters = []string{"project_id", "institution_id", "workload_id", "name"}

// AddApps registers /v1/apps (apps, releases, rollback); the deploy
// service's errors are mapped by mapError.
func (a *API) AddApps(svc *deploy.Service) {
	a.AddResolver("apps", func(ctx context.Context, id string) (auth.Target, error) {
		app, err := a.store.Read().Apps().Get(ctx, id)
		if err != nil {
			return auth.Target{}, err
		}
		return auth.Target{Institution: app.InstitutionID, Project: app.ProjectID}, nil
	})
	a.AddRoutes(func(a *API) []*Route {
		base := "/v1/apps"
		getApp := func(r *http.Request) (model.App, error) {
			id, _, _ := strings.Cut(r.PathValue("id"), ":")
			return a.store.Read().Apps().Get(r.Context(), id)
		}
		rollback := func(r *http.Request) (any, error) {
			app, err := getApp(r)
			if err != nil {
				return nil, err
			}
			var body RollbackRequest
			if err := decodeOptional(r, &body); err != nil {
				return nil, err
			}
			rel, err := svc.Rollback(r.Context(), principalActor(r), app.ID, body.ReleaseID)
			if err != nil {
				return nil, err
			}
			return Created{Value: releaseView(rel, langOf(r.Context())), Location: base + "/" + app.ID + "/releases/" + rel.ID}, nil
		}
		return []*Route{
			{Method: "POST", Path: base, Summary: "Create an app: a container image served on the sites of one of the project's namespace workloads; the answer carries the webhook secret, once",
				Tag: "apps", Auth: InScope("apps:write", "project_id", auth.Project), Request: deploy.AppRequest{}, Response: AppView{}, Status: http.StatusCreated,
				Handle: withBody(func(r *http.Request, req deploy.AppRequest) (any, error) {
					app, secret, err := svc.CreateAppFrom(r.Context(), principalActor(r), a.grantOf(r, "apps:write", req.ProjectID), req)
					if err != nil {
						return nil, err
					}
					return Created{Value: appView(app, secret), Location: base + "/" + app.ID}, nil
				})},
			{Method: "GET", Path: base, Summary: "List apps", Tag: "apps", Auth: Any("apps:read"),
				Response: listPage[AppView]{}, Query: append([]string{"limit", "cursor"}, appFilters...),
				Handle: func(r *http.Request) (any, error) {
					p, err := listScoped(r, a.store.Read(), (*store.Tx).Apps, appFilters, "apps:read", ScopeColumns{Institution: "institution_id", Project: "project_id"})
					if err != nil {
						return nil, err
					}
					return pageOf(p.Items, p.Next, func(app model.App) AppView { return appView(app, "") }), nil
				}},
			{Method: "GET", Path: base + "/{id}", Summary: "Get an app", Tag: "apps", Auth: Object("apps:read", "id"), Response: AppView{},
				Handle: func(r *http.Request) (any, error) {
					app, err := getApp(r)
					return appView(app, ""), err
				}},
			{Method: "PUT", Path: base + "/{id}", Summary: "Change an app's image, port, replicas, env or health path (the next release uses them)",
				Tag: "apps", Auth: Object("apps:write", "id"), Request: deploy.AppRequest{}, Response: AppView{},
				Handle: withBody(func(r *http.Request, req deploy.AppRequest) (any, error) {
					app, err := getApp(r)
					if err != nil {
						return nil, err
					}
					app, err = svc.UpdateApp(r.Context(), app, req)
					return appView(app, ""), err
				})},
			{Method: "POST", Path: base + "/{id}", Summary: "Roll back ({id}:rollback): a new release with the image and commit of an earlier successful release; or ({id}:rotate-secret) replace the webhook secret, which then derives from the caller (the answer carries it, once)",
				Tag: "apps", Auth: Object("apps:write", "id"), Request: RollbackRequest{}, Response: ReleaseView{}, Status: http.StatusCreated,
				Actions: []Action{
					{Verb: "rollback", Summary: "Roll back: a new release with the image and commit of an earlier successful release", Request: RollbackRequest{}, Response: ReleaseView{}},
					{Verb: "rotate-secret", Summary: "Replace the app's webhook secret (the answer carries it, once)", Response: AppView{}, Status: http.StatusOK},
				},
				dispatch: func(r *http.Request) (Handle, error) {
					switch _, verb, _ := strings.Cut(r.PathValue("id"), ":"); verb {
					case "rollback":
						return rollback, nil
					case "rotate-secret":
						return a.rotateSecret(svc), nil
					}
					return nil, Errorf(http.StatusNotFound, "not-found", "problem.route-not-found.detail", r.Method, r.URL.Path)
				}},
			{Method: "POST", Path: base + "/{id}/releases", Summary: "Release an image tag, digest or reference (and the commit it came from): rolled out site by site, health-gated, rolled back on failure",
				Tag: "apps", Auth: Object("apps:write", "id"), Request: deploy.ReleaseRequest{}, Response: ReleaseView{}, Status: http.StatusCreated,
				Handle: withBody(func(r *http.Request, req deploy.ReleaseRequest) (any, error) {
					app, err := getApp(r)
					if err != nil {
						return nil, err
					}
					rel, err := svc.CreateRelease(r.Context(), principalActor(r), deploy.SourceAPI, app.ID, req)
					if err != nil {
						return nil, err
					}
					return Created{Value: releaseView(rel, langOf(r.Context())), Location: base + "/" + app.ID + "/releases/" + rel.ID}, nil
				})},
			{Method: "GET", Path: base + "/{id}/releases", Summary: "An app's release history, newest first, with each rollout's sites",
				Tag: "apps", Auth: Object("apps:read", "id"), Response: listPage[ReleaseView]{},
				Handle: func(r *http.Request) (any, error) {
					app, err := getApp(r)
					if err != nil {
						return nil, err
					}
					list, err := svc.Releases(r.Context(), app.ID)
					if err != nil {
						return nil, err
					}
					lang := langOf(r.Context())
					return pageOf(list, "", func(rel model.Release) ReleaseView { return releaseView(rel, lang) }), nil
				}},
			{Method: "GET", Path: base + "/{id}/releases/{release}", Summary: "One release and its rollout", Tag: "apps", Auth: Object("apps:read", "id"), Response: ReleaseView{},
				Handle: func(r *http.Request) (any, error) {
					rel, err := getChild(r, a.store.Read().Releases().Get, "release", func(rel model.Release) string { return rel.AppID })
					if err != nil {
						return nil, err
					}
					return releaseView(rel, langOf(r.Context())), nil
				}},
		}
	})
}
