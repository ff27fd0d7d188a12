package terraform

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/soberana/soberana/client"
)

// The flows every resource shares: decode the plan or state into the
// resource's model M, make one SDK call that answers an object V, copy
// V into the model, save it. Each resource passes only its call and its
// copy; the decoding, error and not-found handling are written once here.

// crud is a resource over one kind of API object V kept in the state
// model M: its Create, Read, Update and Delete are these, and a resource
// only gives its calls and its copy. A resource whose flow differs (a
// workload waits, an app cannot be deleted) defines that method itself,
// which shadows crud's.
type crud[M, V any] struct {
	base
	schema schema.Schema
	noun   string            // "grant": the diagnostics say "Creating grant", "Reading grant"…
	say    map[string]string // another summary for a verb ("Deleting": "Revoking grant")
	// create and read call the API; update is nil when every API
	// argument forces a replacement (the plan is then the new state).
	create, update func(context.Context, *client.Client, *M, *diag.Diagnostics) (V, error)
	// read and del take the API's id, which the state holds at "id".
	read func(ctx context.Context, c *client.Client, id string, m *M) (V, error)
	del  func(ctx context.Context, c *client.Client, id string, m *M) error
	// kept handles a failed delete; nil: the error is the diagnostic.
	kept func(context.Context, *client.Client, *M, error, *diag.Diagnostics)
	// fill copies the API's answer into the model (a method expression:
	// (*model).fill).
	fill func(*M, context.Context, V, *diag.Diagnostics)
}

func (r *crud[M, V]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema
}

// summary is the diagnostics' summary of verb ("Creating") on the object.
func (r *crud[M, V]) summary(verb string) string {
	if s, ok := r.say[verb]; ok {
		return s
	}
	return verb + " " + r.noun
}

func (r *crud[M, V]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan, &resp.State, &resp.Diagnostics, "Creating", r.create)
}

func (r *crud[M, V]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if r.update == nil {
		keepPlan[M](ctx, req, resp)
		return
	}
	r.apply(ctx, req.Plan, &resp.State, &resp.Diagnostics, "Updating", r.update)
}

func (r *crud[M, V]) apply(ctx context.Context, plan decoder, state *tfsdk.State, d *diag.Diagnostics, verb string,
	call func(context.Context, *client.Client, *M, *diag.Diagnostics) (V, error)) {
	applyPlan(ctx, plan, state, d, r.summary(verb), func(m *M) (V, error) { return call(ctx, r.c, m, d) },
		func(m *M, v V) { r.fill(m, ctx, v, d) })
}

func (r *crud[M, V]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	id := stateID(ctx, req.State, &resp.Diagnostics)
	readObject(ctx, req, resp, r.summary("Reading"), func(m *M) (V, error) { return r.read(ctx, r.c, id, m) },
		func(m *M, v V) { r.fill(m, ctx, v, &resp.Diagnostics) })
}

func (r *crud[M, V]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var failed func(*M, error)
	if r.kept != nil {
		failed = func(m *M, err error) { r.kept(ctx, r.c, m, err, &resp.Diagnostics) }
	}
	id := stateID(ctx, req.State, &resp.Diagnostics)
	deleteObject(ctx, req, resp, r.summary("Deleting"), func(m *M) error { return r.del(ctx, r.c, id, m) }, failed)
}

// stateID is the API's id of the object in state.
func stateID(ctx context.Context, state tfsdk.State, d *diag.Diagnostics) string {
	var id types.String
	d.Append(state.GetAttribute(ctx, path.Root("id"), &id)...)
	return id.ValueString()
}

// errGone is what a read call returns for an object the API still has
// but that no longer exists for Terraform (a revoked grant, a deleted
// workload): like a 404, it is removed from the state and planned anew.
var errGone = errors.New("object is gone")

// errReported is what a call returns after it put its own diagnostic.
var errReported = errors.New("reported in the diagnostics")

// decoder is what applyPlan decodes the model from: a plan
// (tfsdk.Plan) or a data source's configuration (tfsdk.Config).
type decoder interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// applyPlan is Create, in-place Update and the Read of a data source
// that makes one call: decode the plan (the configuration), call the API,
// fill the model from its answer and save it as the new state.
func applyPlan[M, V any](ctx context.Context, plan decoder, state *tfsdk.State, d *diag.Diagnostics, what string,
	call func(*M) (V, error), fill func(*M, V)) {
	var m M
	d.Append(plan.Get(ctx, &m)...)
	if d.HasError() {
		return
	}
	v, err := call(&m)
	if errors.Is(err, errReported) {
		return
	}
	if err != nil {
		apiError(d, what, err)
		return
	}
	fill(&m, v)
	d.Append(state.Set(ctx, &m)...)
}

// readObject is Read: an object the API no longer has (404 or errGone)
// leaves the state, so the next plan creates it anew.
func readObject[M, V any](ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse, what string,
	get func(*M) (V, error), fill func(*M, V)) {
	var m M
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	v, err := get(&m)
	if client.IsNotFound(err) || errors.Is(err, errGone) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		apiError(&resp.Diagnostics, what, err)
		return
	}
	fill(&m, v)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// keepPlan is the Update of a resource whose every API argument forces a
// replacement: only provider-side spellings change, and the plan is the
// new state.
func keepPlan[M any](ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// deleteObject is Delete: an object the API no longer has is deleted;
// any other error goes to failed (nil: an error diagnostic "what").
func deleteObject[M any](ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse, what string,
	del func(*M) error, failed func(*M, error)) {
	var m M
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	err := del(&m)
	if err == nil || client.IsNotFound(err) {
		return
	}
	if failed == nil {
		apiError(&resp.Diagnostics, what, err)
		return
	}
	failed(&m, err)
}

// collection is what the SDK's collections of objects T made from a
// spec S have in common (client.Collection, UpdatableCollection,
// ListedCollection).
type collection[T, S any] interface {
	Create(context.Context, S) (*T, error)
	Get(context.Context, string) (*T, error)
	Delete(context.Context, string) error
}

// inCollection is the crud of a resource kept in the SDK collection coll
// gives: created from spec, read and deleted by the id. update
// and kept are set by the resource that has them.
func inCollection[M, T, S any, C collection[T, S]](name, noun string, sch schema.Schema, coll func(*client.Client) C,
	spec func(*M, context.Context, *diag.Diagnostics) S, fill func(*M, context.Context, *T, *diag.Diagnostics)) crud[M, *T] {
	return crud[M, *T]{base: base{name: name}, schema: sch, noun: noun, fill: fill,
		create: func(ctx context.Context, c *client.Client, m *M, d *diag.Diagnostics) (*T, error) {
			return coll(c).Create(ctx, spec(m, ctx, d))
		},
		read: func(ctx context.Context, c *client.Client, id string, _ *M) (*T, error) { return coll(c).Get(ctx, id) },
		del:  func(ctx context.Context, c *client.Client, id string, _ *M) error { return coll(c).Delete(ctx, id) },
	}
}

// simply adapts a fill that needs neither the context nor diagnostics.
func simply[M, V any](f func(*M, V)) func(*M, context.Context, V, *diag.Diagnostics) {
	return func(m *M, _ context.Context, v V, _ *diag.Diagnostics) { f(m, v) }
}
