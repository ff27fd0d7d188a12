package api

import (
	"net/http"

	"github.com/soberana/soberana/internal/deploy"
)

// ForgeEvent documents the body: the forge's own event payload.
type ForgeEvent map[string]any

// AddWebhooks registers POST /v1/webhooks/{forge}/{app}: a push, tag or
// registry event from GitHub, GitLab, Gitea or Forgejo, authenticated by
// its signature (or GitLab's token) under the app's webhook secret rather
// than by an API token. branch limits which branch's pushes deploy.
func (a *API) AddWebhooks(svc *deploy.Service, branch string) {
	a.AddRoutes(func(a *API) []*Route {
		return []*Route{{Method: "POST", Path: "/v1/webhooks/{forge}/{app}",
			Summary: "A forge's push, tag or registry event starts a release (signature under the app's webhook secret; replays refused)",
			Tag:     "apps", Auth: Public(), Request: ForgeEvent{}, Response: deploy.WebhookResult{}, Status: http.StatusCreated,
			Errors: []int{http.StatusUnauthorized, http.StatusForbidden}, // bad signature; a secret without authority
			Handle: func(r *http.Request) (any, error) {
				body, err := readBody(r)
				if err != nil {
					return nil, err
				}
				res, err := svc.Webhook(r.Context(), r.PathValue("forge"), r.PathValue("app"), r.Header, body, branch)
				if err != nil {
					return nil, err
				}
				if res.Release == nil {
					return res, nil // a ping, another branch…: 200 with "skipped"
				}
				v := releaseView(*res.Release, langOf(r.Context()))
				res.Release = &v.Release
				return Created{Value: res, Location: "/v1/apps/" + v.AppID + "/releases/" + v.ID}, nil
			}}}
	})
}
