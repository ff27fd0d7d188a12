package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/soberana/soberana/problem"
)

// power starts, stops, reboots or resizes a workload (its requesters).
// A refusal the caller can act on (a state, an offering no site has, a
// budget) comes back on the workload page in the caller's language.
func (c *Console) power(w http.ResponseWriter, r *http.Request, v *view) error {
	id := r.PathValue("id")
	verb := r.FormValue("action")
	var body any
	switch verb {
	case "start", "stop", "reboot":
		body = map[string]any{}
	case "resize":
		body = map[string]any{"offering": strings.TrimSpace(r.FormValue("offering"))}
	default:
		return &problem.Problem{Status: http.StatusBadRequest, Title: v.T("console.error.power")}
	}
	back := "/workloads/" + url.PathEscape(id)
	if _, err := c.do(r.Context(), v, http.MethodPost, "/v1/workloads/"+url.PathEscape(id)+":"+verb, body, nil); err != nil {
		var ae *problem.Problem
		if errors.As(err, &ae) && ae.Status != http.StatusUnauthorized {
			v.Redirect = back + "?error=" + url.QueryEscape(ae.Message())
			return nil
		}
		return err
	}
	v.Redirect = back + "?done=" + verb
	return nil
}
