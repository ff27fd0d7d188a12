package api

import (
	"net/http"
	"strings"

	"github.com/soberana/soberana/internal/workload"
)

// PowerRequest is the body of :start, :stop and :reboot: one replica, or
// (absent) every replica the action applies to.
type PowerRequest struct {
	Replica *int `json:"replica,omitempty"`
}

const powerSummary = "on a running workload, {id}:start, {id}:stop and {id}:reboot (body {\"replica\": N} for one replica, else all) act on its replicas' power, and {id}:resize (body {\"offering\": id or name}) moves it to another offering at the same sites, re-committing its budget (workloads:write)"

// powerVerbs are the custom methods a workload's writers may call (the
// others, :approve and :reject, need workloads:approve).
var powerVerbs = map[string]bool{"start": true, "stop": true, "reboot": true, "resize": true}

func powerAuth(r *http.Request) (Perm, bool) {
	_, verb, _ := strings.Cut(r.PathValue("id"), ":")
	if powerVerbs[verb] {
		return Object("workloads:write", "id"), true
	}
	return Perm{}, false
}

// addPowerActions adds :start, :stop, :reboot and :resize to the
// workload's custom methods.
func addPowerActions(a *API, svc *workload.Service, actions map[string]Handle) {
	for _, act := range []workload.PowerAction{workload.ActionStart, workload.ActionStop, workload.ActionReboot} {
		actions[string(act)] = func(r *http.Request) (any, error) {
			id, _, _ := strings.Cut(r.PathValue("id"), ":")
			var body PowerRequest
			if err := decodeOptional(r, &body); err != nil {
				return nil, err
			}
			if _, err := svc.Power(r.Context(), actor(r), id, act, body.Replica); err != nil {
				return nil, err
			}
			return a.workloadView(r.Context(), id, langOf(r.Context()))
		}
	}
	actions["resize"] = func(r *http.Request) (any, error) {
		id, _, _ := strings.Cut(r.PathValue("id"), ":")
		var body workload.ResizeRequest
		if err := decodeOptional(r, &body); err != nil {
			return nil, err
		}
		if _, err := svc.Resize(r.Context(), actor(r), id, body); err != nil {
			return nil, err
		}
		return a.workloadView(r.Context(), id, langOf(r.Context()))
	}
}
