package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"time"
)

// ListOptions filter and size the pages of a list; the iterators follow
// next_cursor until the last page.
type ListOptions struct {
	// Limit is the page size (0: the server's default).
	Limit int
	// Filters are the list's query filters (e.g. "name", "project_id").
	Filters map[string]string
}

type page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// list iterates every item of a paginated collection. An error ends the
// iteration after being yielded once.
func list[T any](ctx context.Context, c *Client, path string, o ListOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cursor := ""
		for {
			q := url.Values{}
			for k, v := range o.Filters {
				q.Set(k, v)
			}
			if o.Limit > 0 {
				q.Set("limit", strconv.Itoa(o.Limit))
			}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			p := path
			if len(q) > 0 {
				p += "?" + q.Encode()
			}
			var pg page[T]
			if _, err := c.Do(ctx, "GET", p, nil, &pg); err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range pg.Items {
				if !yield(it, nil) {
					return
				}
			}
			if pg.NextCursor == "" || pg.NextCursor == cursor {
				return
			}
			cursor = pg.NextCursor
		}
	}
}

// Collect gathers an iterator into a slice, stopping at the first error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func get[T any](ctx context.Context, c *Client, path string) (*T, error) {
	var v T
	if _, err := c.Do(ctx, "GET", path, nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// create POSTs with a fresh Idempotency-Key, reused by the retries of Do
// (the API honours it where documented: today on workloads).
func create[T any](ctx context.Context, c *Client, path string, body any) (*T, error) {
	var v T
	if _, err := c.Do(ctx, "POST", path, body, &v, "Idempotency-Key", NewIdempotencyKey()); err != nil {
		return nil, err
	}
	return &v, nil
}

func patch[T any](ctx context.Context, c *Client, path string, p Patch) (*T, error) {
	var v T
	if _, err := c.Do(ctx, "PATCH", path, p, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

func (c *Client) del(ctx context.Context, path string) error {
	_, err := c.Do(ctx, "DELETE", path, nil, nil)
	return err
}

func esc(id string) string { return url.PathEscape(id) }

// Institutions iterates institutions (filters: name, country).
func (c *Client) Institutions(ctx context.Context, o ListOptions) iter.Seq2[Institution, error] {
	return list[Institution](ctx, c, "/v1/institutions", o)
}

// GetInstitution reads one institution.
func (c *Client) GetInstitution(ctx context.Context, id string) (*Institution, error) {
	return get[Institution](ctx, c, "/v1/institutions/"+esc(id))
}

// CreateInstitution creates an institution (platform admins).
func (c *Client) CreateInstitution(ctx context.Context, s InstitutionSpec) (*Institution, error) {
	return create[Institution](ctx, c, "/v1/institutions", s)
}

// UpdateInstitution merges p into an institution (currency is immutable).
func (c *Client) UpdateInstitution(ctx context.Context, id string, p Patch) (*Institution, error) {
	return patch[Institution](ctx, c, "/v1/institutions/"+esc(id), p)
}

// DeleteInstitution deletes an institution.
func (c *Client) DeleteInstitution(ctx context.Context, id string) error {
	return c.del(ctx, "/v1/institutions/"+esc(id))
}

// BudgetLines iterates budget lines (filters: institution_id, fiscal_year, code).
func (c *Client) BudgetLines(ctx context.Context, o ListOptions) iter.Seq2[BudgetLine, error] {
	return list[BudgetLine](ctx, c, "/v1/budget-lines", o)
}

// GetBudgetLine reads one budget line with its ledger figures.
func (c *Client) GetBudgetLine(ctx context.Context, id string) (*BudgetLine, error) {
	return get[BudgetLine](ctx, c, "/v1/budget-lines/"+esc(id))
}

// CreateBudgetLine creates a budget line (currency defaults to the institution's).
func (c *Client) CreateBudgetLine(ctx context.Context, s BudgetLineSpec) (*BudgetLine, error) {
	return create[BudgetLine](ctx, c, "/v1/budget-lines", s)
}

// UpdateBudgetLine merges p into a budget line (a cut below what is
// committed needs "reduction_reason").
func (c *Client) UpdateBudgetLine(ctx context.Context, id string, p Patch) (*BudgetLine, error) {
	return patch[BudgetLine](ctx, c, "/v1/budget-lines/"+esc(id), p)
}

// DeleteBudgetLine deletes a budget line.
func (c *Client) DeleteBudgetLine(ctx context.Context, id string) error {
	return c.del(ctx, "/v1/budget-lines/"+esc(id))
}

// Projects iterates projects (filters: institution_id, budget_line_id, name).
func (c *Client) Projects(ctx context.Context, o ListOptions) iter.Seq2[Project, error] {
	return list[Project](ctx, c, "/v1/projects", o)
}

// GetProject reads one project.
func (c *Client) GetProject(ctx context.Context, id string) (*Project, error) {
	return get[Project](ctx, c, "/v1/projects/"+esc(id))
}

// CreateProject creates a project.
func (c *Client) CreateProject(ctx context.Context, s ProjectSpec) (*Project, error) {
	return create[Project](ctx, c, "/v1/projects", s)
}

// UpdateProject merges p into a project (institution_id is immutable).
func (c *Client) UpdateProject(ctx context.Context, id string, p Patch) (*Project, error) {
	return patch[Project](ctx, c, "/v1/projects/"+esc(id), p)
}

// DeleteProject deletes a project.
func (c *Client) DeleteProject(ctx context.Context, id string) error {
	return c.del(ctx, "/v1/projects/"+esc(id))
}

// FXRates iterates exchange rates (filters: from_currency, to_currency, valid_on).
func (c *Client) FXRates(ctx context.Context, o ListOptions) iter.Seq2[FXRate, error] {
	return list[FXRate](ctx, c, "/v1/fx-rates", o)
}

// GetFXRate reads one exchange rate.
func (c *Client) GetFXRate(ctx context.Context, id string) (*FXRate, error) {
	return get[FXRate](ctx, c, "/v1/fx-rates/"+esc(id))
}

// CreateFXRate publishes an exchange rate.
func (c *Client) CreateFXRate(ctx context.Context, s FXRateSpec) (*FXRate, error) {
	return create[FXRate](ctx, c, "/v1/fx-rates", s)
}

// UpdateFXRate merges p into an exchange rate.
func (c *Client) UpdateFXRate(ctx context.Context, id string, p Patch) (*FXRate, error) {
	return patch[FXRate](ctx, c, "/v1/fx-rates/"+esc(id), p)
}

// DeleteFXRate deletes an exchange rate.
func (c *Client) DeleteFXRate(ctx context.Context, id string) error {
	return c.del(ctx, "/v1/fx-rates/"+esc(id))
}

// Sites iterates sites (filters: provider_id, country, subdivision, tier, health).
func (c *Client) Sites(ctx context.Context, o ListOptions) iter.Seq2[Site, error] {
	return list[Site](ctx, c, "/v1/sites", o)
}

// GetSite reads one site.
func (c *Client) GetSite(ctx context.Context, id string) (*Site, error) {
	return get[Site](ctx, c, "/v1/sites/"+esc(id))
}

// Offerings iterates the catalog's offerings (filters: kind, name).
func (c *Client) Offerings(ctx context.Context, o ListOptions) iter.Seq2[Offering, error] {
	return list[Offering](ctx, c, "/v1/offerings", o)
}

// GetOffering reads one offering.
func (c *Client) GetOffering(ctx context.Context, id string) (*Offering, error) {
	return get[Offering](ctx, c, "/v1/offerings/"+esc(id))
}

// PreviewPlacement tells where a request would be placed and what it
// would cost per month, without reserving anything.
func (c *Client) PreviewPlacement(ctx context.Context, s WorkloadSpec) (*PlacementPreview, error) {
	var v PlacementPreview
	if _, err := c.Do(ctx, "POST", "/v1/placements:preview", s, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Workloads iterates workloads (filters: project_id, institution_id, state, offering_id).
func (c *Client) Workloads(ctx context.Context, o ListOptions) iter.Seq2[Workload, error] {
	return list[Workload](ctx, c, "/v1/workloads", o)
}

// GetWorkload reads a workload with its placements, timeline and cost.
func (c *Client) GetWorkload(ctx context.Context, id string) (*Workload, error) {
	return get[Workload](ctx, c, "/v1/workloads/"+esc(id))
}

// CreateWorkload asks for a workload: placed and stored, then approved
// automatically or left pending_approval. The Idempotency-Key makes a
// retried create return the first answer.
func (c *Client) CreateWorkload(ctx context.Context, s WorkloadSpec) (*Workload, error) {
	return create[Workload](ctx, c, "/v1/workloads", s)
}

// DeleteWorkload deletes a workload (its replicas are deleted at the providers).
func (c *Client) DeleteWorkload(ctx context.Context, id string) (*Workload, error) {
	var v Workload
	if _, err := c.Do(ctx, "DELETE", "/v1/workloads/"+esc(id), nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// ApproveWorkload approves a workload that awaits approval.
func (c *Client) ApproveWorkload(ctx context.Context, id, reason string) (*Workload, error) {
	var v Workload
	if _, err := c.Do(ctx, "POST", "/v1/workloads/"+esc(id)+":approve", map[string]string{"reason": reason}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// RejectWorkload rejects a workload that awaits approval (reason required).
func (c *Client) RejectWorkload(ctx context.Context, id, reason string) (*Workload, error) {
	var v Workload
	if _, err := c.Do(ctx, "POST", "/v1/workloads/"+esc(id)+":reject", map[string]string{"reason": reason}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// ErrPendingApproval is wrapped by WaitWorkload's error when the workload
// awaits a person's approval: waiting longer would not help.
var ErrPendingApproval = errors.New("workload awaits approval")

// WaitError says why a wait ended without the wanted state.
type WaitError struct {
	Workload *Workload
	Want     string
	Err      error
}

func (e *WaitError) Error() string {
	w := e.Workload
	switch {
	case errors.Is(e.Err, ErrPendingApproval):
		return fmt.Sprintf("workload %s awaits approval (state %s: %s): approve it (POST /v1/workloads/%s:approve, `soberana workload approve`) or lower its cost below the institution's auto-approval limit",
			w.ID, w.State, w.Reason, w.ID)
	case errors.Is(e.Err, context.DeadlineExceeded):
		return fmt.Sprintf("workload %s is %s, not %s, after the timeout (%v)", w.ID, w.State, e.Want, e.Err)
	default:
		return fmt.Sprintf("workload %s is %s, not %s: %s", w.ID, w.State, e.Want, w.Reason)
	}
}

func (e *WaitError) Unwrap() error { return e.Err }

// WaitOptions tune WaitWorkload.
type WaitOptions struct {
	// State to wait for (default running).
	State string
	// Timeout bounds the wait (default 10 minutes).
	Timeout time.Duration
	// Poll is the polling interval (default 1 s).
	Poll time.Duration
	// AllowPending keeps waiting while the workload awaits approval
	// (default: return ErrPendingApproval at once).
	AllowPending bool
}

// WaitWorkload polls a workload until it reaches the wanted state. It
// returns a *WaitError (wrapping ErrPendingApproval) as soon as the
// workload awaits approval, and one wrapping context.DeadlineExceeded at
// the timeout; a rejected, failed or deleted workload ends the wait too.
func (c *Client) WaitWorkload(ctx context.Context, id string, o WaitOptions) (*Workload, error) {
	if o.State == "" {
		o.State = StateRunning
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	var last *Workload
	for {
		w, err := c.GetWorkload(ctx, id)
		if err != nil {
			if last != nil && ctx.Err() != nil {
				return last, &WaitError{Workload: last, Want: o.State, Err: ctx.Err()}
			}
			return nil, err
		}
		last = w
		switch {
		case w.State == o.State:
			return w, nil
		case w.State == StatePendingApproval && !o.AllowPending:
			return w, &WaitError{Workload: w, Want: o.State, Err: ErrPendingApproval}
		case w.State == StateRejected || w.State == StateFailed || (w.State == StateDeleted && o.State != StateDeleted):
			return w, &WaitError{Workload: w, Want: o.State, Err: errors.New(w.State)}
		}
		if err := sleepCtx(ctx, o.Poll); err != nil {
			return w, &WaitError{Workload: w, Want: o.State, Err: err}
		}
	}
}

// WorkloadCost reads a workload's forecast, month-to-date and committed cost.
func (c *Client) WorkloadCost(ctx context.Context, id string) (*WorkloadCost, error) {
	return get[WorkloadCost](ctx, c, "/v1/workloads/"+esc(id)+"/cost")
}

// Grants iterates vendor grants (filters: project_id, user_id, active).
func (c *Client) Grants(ctx context.Context, o ListOptions) iter.Seq2[Grant, error] {
	return list[Grant](ctx, c, "/v1/grants", o)
}

// GetGrant reads one grant.
func (c *Client) GetGrant(ctx context.Context, id string) (*Grant, error) {
	return get[Grant](ctx, c, "/v1/grants/"+esc(id))
}

// CreateGrant grants a vendor a role in a project until an expiry.
func (c *Client) CreateGrant(ctx context.Context, s GrantSpec) (*Grant, error) {
	return create[Grant](ctx, c, "/v1/grants", s)
}

// RevokeGrant revokes a grant: access ends on the vendor's next request.
func (c *Client) RevokeGrant(ctx context.Context, id string) error {
	return c.del(ctx, "/v1/grants/"+esc(id))
}

// SSHKeys iterates the caller's SSH keys and those of the projects where
// the caller may ask for workloads (filter: project_id).
func (c *Client) SSHKeys(ctx context.Context, o ListOptions) iter.Seq2[SSHKey, error] {
	return list[SSHKey](ctx, c, "/v1/ssh-keys", o)
}

// GetSSHKey reads one SSH key (404 when it is not visible to the caller).
func (c *Client) GetSSHKey(ctx context.Context, id string) (*SSHKey, error) {
	return get[SSHKey](ctx, c, "/v1/ssh-keys/"+esc(id))
}

// CreateSSHKey adds an SSH public key: the caller's own, or a project's
// when s.ProjectID is set.
func (c *Client) CreateSSHKey(ctx context.Context, s SSHKeySpec) (*SSHKey, error) {
	return create[SSHKey](ctx, c, "/v1/ssh-keys", s)
}

// DeleteSSHKey deletes an SSH key; workloads already asked for keep the
// key they were given.
func (c *Client) DeleteSSHKey(ctx context.Context, id string) error {
	return c.del(ctx, "/v1/ssh-keys/"+esc(id))
}

// RoleBindings lists the role bindings in the scopes the caller administers.
func (c *Client) RoleBindings(ctx context.Context) iter.Seq2[RoleBinding, error] {
	return list[RoleBinding](ctx, c, "/v1/role-bindings", ListOptions{})
}

// GetRoleBinding finds one role binding by id (the API has no single-read
// route: it is looked up in the list); a missing one is a 404 *Problem.
func (c *Client) GetRoleBinding(ctx context.Context, id string) (*RoleBinding, error) {
	for b, err := range c.RoleBindings(ctx) {
		if err != nil {
			return nil, err
		}
		if b.ID == id {
			return &b, nil
		}
	}
	return nil, &Problem{Status: 404, Title: "Not Found", Detail: "role binding " + id + " does not exist"}
}

// CreateRoleBinding binds a role to a user at a scope.
func (c *Client) CreateRoleBinding(ctx context.Context, s RoleBindingSpec) (*RoleBinding, error) {
	return create[RoleBinding](ctx, c, "/v1/role-bindings", s)
}

// DeleteRoleBinding removes a role binding.
func (c *Client) DeleteRoleBinding(ctx context.Context, id string) error {
	return c.del(ctx, "/v1/role-bindings/"+esc(id))
}

// Users iterates users (platform admins).
func (c *Client) Users(ctx context.Context, o ListOptions) iter.Seq2[User, error] {
	return list[User](ctx, c, "/v1/users", o)
}

// CreateUser creates a local user.
func (c *Client) CreateUser(ctx context.Context, s UserSpec) (*User, error) {
	return create[User](ctx, c, "/v1/users", s)
}

// Apps iterates apps (filters: project_id, institution_id, workload_id, name).
func (c *Client) Apps(ctx context.Context, o ListOptions) iter.Seq2[App, error] {
	return list[App](ctx, c, "/v1/apps", o)
}

// GetApp reads one app.
func (c *Client) GetApp(ctx context.Context, id string) (*App, error) {
	return get[App](ctx, c, "/v1/apps/"+esc(id))
}

// CreateApp creates an app (its webhook secret is in this answer only).
func (c *Client) CreateApp(ctx context.Context, s AppSpec) (*App, error) {
	return create[App](ctx, c, "/v1/apps", s)
}

// UpdateApp replaces an app's image, port, replicas, env or health path.
func (c *Client) UpdateApp(ctx context.Context, id string, s AppSpec) (*App, error) {
	var v App
	if _, err := c.Do(ctx, "PUT", "/v1/apps/"+esc(id), s, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// Releases iterates an app's releases, newest first.
func (c *Client) Releases(ctx context.Context, appID string) iter.Seq2[Release, error] {
	return list[Release](ctx, c, "/v1/apps/"+esc(appID)+"/releases", ListOptions{})
}

// GetRelease reads one release and its rollout.
func (c *Client) GetRelease(ctx context.Context, appID, id string) (*Release, error) {
	return get[Release](ctx, c, "/v1/apps/"+esc(appID)+"/releases/"+esc(id))
}

// CreateRelease releases an image (rolled out site by site).
func (c *Client) CreateRelease(ctx context.Context, appID string, s ReleaseSpec) (*Release, error) {
	return create[Release](ctx, c, "/v1/apps/"+esc(appID)+"/releases", s)
}

// AlertWebhooks lists the alert webhooks (secrets are never shown again).
func (c *Client) AlertWebhooks(ctx context.Context) iter.Seq2[AlertWebhook, error] {
	return list[AlertWebhook](ctx, c, "/v1/alert-webhooks", ListOptions{})
}

// GetAlertWebhook finds one alert webhook by id in the list; a missing
// one is a 404 *Problem.
func (c *Client) GetAlertWebhook(ctx context.Context, id string) (*AlertWebhook, error) {
	for w, err := range c.AlertWebhooks(ctx) {
		if err != nil {
			return nil, err
		}
		if w.ID == id {
			return &w, nil
		}
	}
	return nil, &Problem{Status: 404, Title: "Not Found", Detail: "alert webhook " + id + " does not exist"}
}

// CreateAlertWebhook registers a webhook; the answer carries its secret.
func (c *Client) CreateAlertWebhook(ctx context.Context, s AlertWebhookSpec) (*AlertWebhook, error) {
	return create[AlertWebhook](ctx, c, "/v1/alert-webhooks", s)
}

// DeleteAlertWebhook removes a webhook.
func (c *Client) DeleteAlertWebhook(ctx context.Context, id string) error {
	return c.del(ctx, "/v1/alert-webhooks/"+esc(id))
}

// Version is the server's version.
func (c *Client) Version(ctx context.Context) (map[string]any, error) {
	var v map[string]any
	_, err := c.Do(ctx, "GET", "/v1/version", nil, &v)
	return v, err
}
