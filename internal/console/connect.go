package console

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/model"

	"github.com/soberana/soberana/problem"
)

// The "connect" panel of a workload: how to log in with `soberana ssh`,
// and a certificate for a pasted public key (docs/ssh-access.md).

func init() { pageTemplates = append(pageTemplates, "connect") }

type connectData struct {
	ID, Project, Offering string
	Replicas              []int
	CanIssue              bool
	PublicKey             string
	Replica               string
	Cert                  *connectCert
}

type connectCert struct {
	Certificate string    `json:"certificate"`
	Serial      string    `json:"serial"`
	Principal   string    `json:"principal"`
	ValidBefore time.Time `json:"valid_before"`
	LoginUser   string    `json:"login_user"`
	Replicas    []struct {
		Replica   int      `json:"replica"`
		Addresses []string `json:"addresses"`
	} `json:"replicas"`
	Address string `json:"-"`
}

func (c *Console) connectPage(v *view, r *http.Request) (*connectData, error) {
	var wl api.WorkloadView
	if err := c.get(r.Context(), v, "/v1/workloads/"+url.PathEscape(r.PathValue("id")), &wl); err != nil {
		return nil, err
	}
	n, err := c.loadNames(r.Context(), v)
	if err != nil {
		return nil, err
	}
	row := n.row(wl)
	d := &connectData{ID: wl.ID, Project: row.Project, Offering: row.Offering}
	for _, p := range wl.Placements {
		if p.State != model.PlacementDeleted {
			d.Replicas = append(d.Replicas, p.Replica)
		}
	}
	switch wl.State {
	case model.StateDeleting, model.StateDeleted, model.StateRejected, model.StateFailed:
	default:
		d.CanIssue = true
	}
	v.Template = "connect"
	v.Title = v.T("console.connect.title", row.Offering, row.Project)
	v.Data = d
	return d, nil
}

func (c *Console) connect(w http.ResponseWriter, r *http.Request, v *view) error {
	_, err := c.connectPage(v, r)
	return err
}

func (c *Console) connectIssue(w http.ResponseWriter, r *http.Request, v *view) error {
	d, err := c.connectPage(v, r)
	if err != nil {
		return err
	}
	d.PublicKey = strings.TrimSpace(r.FormValue("public_key"))
	d.Replica = r.FormValue("replica")
	body := map[string]any{"public_key": d.PublicKey}
	if n, err := strconv.Atoi(d.Replica); err == nil {
		body["replica"] = n
	}
	var cert connectCert
	if _, err := c.do(r.Context(), v, http.MethodPost, "/v1/workloads/"+url.PathEscape(d.ID)+"/ssh-certificates", body, &cert); err != nil {
		var ae *problem.Problem
		if errors.As(err, &ae) && ae.Status < 500 && ae.Status != http.StatusUnauthorized {
			v.Status = ae.Status
			v.Error = ae.Message()
			return nil
		}
		return err
	}
	for _, rp := range cert.Replicas {
		if len(rp.Addresses) > 0 {
			cert.Address = rp.Addresses[0]
			break
		}
	}
	d.Cert = &cert
	v.Notice = v.T("console.connect.issued", cert.Serial)
	return nil
}
