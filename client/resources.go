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

// call makes one request whose answer is an object T: every typed
// method of the SDK is this with its method, path and body.
func call[T any](ctx context.Context, c *Client, method, path string, body any, hdr ...string) (*T, error) {
	var v T
	if _, err := c.Do(ctx, method, path, body, &v, hdr...); err != nil {
		return nil, err
	}
	return &v, nil
}

func get[T any](ctx context.Context, c *Client, path string) (*T, error) {
	return call[T](ctx, c, "GET", path, nil)
}

// create POSTs with a fresh Idempotency-Key, reused by the retries of Do
// (the API honours it where documented: today on workloads).
func create[T any](ctx context.Context, c *Client, path string, body any) (*T, error) {
	return call[T](ctx, c, "POST", path, body, "Idempotency-Key", NewIdempotencyKey())
}

func patch[T any](ctx context.Context, c *Client, path string, p Patch) (*T, error) {
	return call[T](ctx, c, "PATCH", path, p)
}

func (c *Client) del(ctx context.Context, path string) error {
	_, err := c.Do(ctx, "DELETE", path, nil, nil)
	return err
}

func esc(id string) string { return url.PathEscape(id) }

// Collection is one paged collection of the API: List (GET /v1/<name>),
// Create (POST), Get and Delete (/v1/<name>/{id}). T is what the API
// returns, S what creating one takes.
type Collection[T, S any] struct {
	c    *Client
	path string
}

// UpdatableCollection is a Collection whose objects also take a JSON
// merge patch (PATCH /v1/<name>/{id}).
type UpdatableCollection[T, S any] struct{ Collection[T, S] }

// Update merges p into an object.
func (r UpdatableCollection[T, S]) Update(ctx context.Context, id string, p Patch) (*T, error) {
	return patch[T](ctx, r.c, r.path+"/"+esc(id), p)
}

// List iterates the collection (filters: see the accessor).
func (r Collection[T, S]) List(ctx context.Context, o ListOptions) iter.Seq2[T, error] {
	return list[T](ctx, r.c, r.path, o)
}

// Get reads one object.
func (r Collection[T, S]) Get(ctx context.Context, id string) (*T, error) {
	return get[T](ctx, r.c, r.path+"/"+esc(id))
}

// Create creates an object.
func (r Collection[T, S]) Create(ctx context.Context, s S) (*T, error) {
	return create[T](ctx, r.c, r.path, s)
}

// Delete deletes an object.
func (r Collection[T, S]) Delete(ctx context.Context, id string) error {
	return r.c.del(ctx, r.path+"/"+esc(id))
}

// ListedCollection is a collection the API lists whole, unpaged and
// unfiltered, with no single-read route and no update: Get looks the
// object up in the list, and a missing one is a 404 *Problem.
type ListedCollection[T, S any] struct {
	c    *Client
	path string
	noun string
	id   func(T) string
}

// List iterates the whole collection.
func (r ListedCollection[T, S]) List(ctx context.Context) iter.Seq2[T, error] {
	return list[T](ctx, r.c, r.path, ListOptions{})
}

// Get finds one object by id in the list.
func (r ListedCollection[T, S]) Get(ctx context.Context, id string) (*T, error) {
	for v, err := range r.List(ctx) {
		if err != nil {
			return nil, err
		}
		if r.id(v) == id {
			return &v, nil
		}
	}
	return nil, &Problem{Status: 404, Title: "Not Found", Detail: r.noun + " " + id + " does not exist"}
}

// Create creates an object.
func (r ListedCollection[T, S]) Create(ctx context.Context, s S) (*T, error) {
	return create[T](ctx, r.c, r.path, s)
}

// Delete deletes an object.
func (r ListedCollection[T, S]) Delete(ctx context.Context, id string) error {
	return r.c.del(ctx, r.path+"/"+esc(id))
}

// Institutions are the tenants (filters: name, country); platform admins
// create them, and an institution's currency is immutable.
func (c *Client) Institutions() UpdatableCollection[Institution, InstitutionSpec] {
	return UpdatableCollection[Institution, InstitutionSpec]{Collection[Institution, InstitutionSpec]{c, "/v1/institutions"}}
}

// BudgetLines (filters: institution_id, fiscal_year, code) are read with
// their ledger figures; a new one's currency defaults to the
// institution's, and a cut below what is committed needs
// "reduction_reason".
func (c *Client) BudgetLines() UpdatableCollection[BudgetLine, BudgetLineSpec] {
	return UpdatableCollection[BudgetLine, BudgetLineSpec]{Collection[BudgetLine, BudgetLineSpec]{c, "/v1/budget-lines"}}
}

// Projects (filters: institution_id, budget_line_id, name); a project's
// institution_id is immutable.
func (c *Client) Projects() UpdatableCollection[Project, ProjectSpec] {
	return UpdatableCollection[Project, ProjectSpec]{Collection[Project, ProjectSpec]{c, "/v1/projects"}}
}

// FXRates are the published exchange rates (filters: from_currency,
// to_currency, valid_on).
func (c *Client) FXRates() UpdatableCollection[FXRate, FXRateSpec] {
	return UpdatableCollection[FXRate, FXRateSpec]{Collection[FXRate, FXRateSpec]{c, "/v1/fx-rates"}}
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
	return call[PlacementPreview](ctx, c, "POST", "/v1/placements:preview", s)
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
	return call[Workload](ctx, c, "DELETE", "/v1/workloads/"+esc(id), nil)
}

// ApproveWorkload approves a workload that awaits approval.
func (c *Client) ApproveWorkload(ctx context.Context, id, reason string) (*Workload, error) {
	return call[Workload](ctx, c, "POST", "/v1/workloads/"+esc(id)+":approve", map[string]string{"reason": reason})
}

// RejectWorkload rejects a workload that awaits approval (reason required).
func (c *Client) RejectWorkload(ctx context.Context, id, reason string) (*Workload, error) {
	return call[Workload](ctx, c, "POST", "/v1/workloads/"+esc(id)+":reject", map[string]string{"reason": reason})
}

// ErrPendingApproval is wrapped by WaitWorkload's error when the workload
// awaits a person's approval: waiting longer would not help.
var ErrPendingApproval = errors.New("workload awaits approval")

// WaitError says why a wait ended without the wanted state.
type WaitError struct {
	Workload *Workload
	Want     WorkloadState
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
	State WorkloadState
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
			return w, &WaitError{Workload: w, Want: o.State, Err: errors.New(string(w.State))}
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

// Grants are vendor grants (filters: project_id, user_id, active):
// Create grants a vendor a role in a project until an expiry; Delete
// revokes a grant, and access ends on the vendor's next request.
func (c *Client) Grants() Collection[Grant, GrantSpec] {
	return Collection[Grant, GrantSpec]{c, "/v1/grants"}
}

// SSHKeys are the caller's SSH keys and those of the projects where the
// caller may ask for workloads (filter: project_id); Get answers 404 for
// a key the caller may not see. Create adds the caller's own key, or a
// project's when the spec's ProjectID is set; workloads already asked for
// keep the key they were given when it is deleted.
func (c *Client) SSHKeys() Collection[SSHKey, SSHKeySpec] {
	return Collection[SSHKey, SSHKeySpec]{c, "/v1/ssh-keys"}
}

// RoleBindings are the role bindings in the scopes the caller
// administers; creating one binds a role to a user at a scope.
func (c *Client) RoleBindings() ListedCollection[RoleBinding, RoleBindingSpec] {
	return ListedCollection[RoleBinding, RoleBindingSpec]{c, "/v1/role-bindings", "role binding", func(b RoleBinding) string { return b.ID }}
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
	return call[App](ctx, c, "PUT", "/v1/apps/"+esc(id), s)
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

// AlertWebhooks are the alert webhooks (secrets are never shown again:
// only Create's answer carries one).
func (c *Client) AlertWebhooks() ListedCollection[AlertWebhook, AlertWebhookSpec] {
	return ListedCollection[AlertWebhook, AlertWebhookSpec]{c, "/v1/alert-webhooks", "alert webhook", func(w AlertWebhook) string { return w.ID }}
}

// Version is the server's version.
func (c *Client) Version(ctx context.Context) (map[string]any, error) {
	var v map[string]any
	_, err := c.Do(ctx, "GET", "/v1/version", nil, &v)
	return v, err
}
