package terraform

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/soberana/soberana/client"
)

// The flows every resource shares: decode the plan or state into the
// resource's model M, make one SDK call that answers an object V, copy
// V into the model, save it. Each resource passes only its call and its
// copy; the decoding, error and not-found handling are written once here.

// errGone is what a read call returns for an object the API still has
// but that no longer exists for Terraform (a revoked grant, a deleted
// workload): like a 404, it is removed from the state and planned anew.
var errGone = errors.New("object is gone")

// errReported is what a call returns after it put its own diagnostic.
var errReported = errors.New("reported in the diagnostics")

// applyPlan is Create and in-place Update: decode the plan, call the API,
// fill the model from its answer and save it as the new state.
func applyPlan[M, V any](ctx context.Context, plan tfsdk.Plan, state *tfsdk.State, d *diag.Diagnostics, what string,
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

func createObject[M, V any](ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse, what string,
	call func(*M) (V, error), fill func(*M, V)) {
	applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, what, call, fill)
}

func updateObject[M, V any](ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse, what string,
	call func(*M) (V, error), fill func(*M, V)) {
	applyPlan(ctx, req.Plan, &resp.State, &resp.Diagnostics, what, call, fill)
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
