package terraform

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/soberana/soberana/client"
	"github.com/soberana/soberana/internal/i18n"
)

// base gives every resource and data source the configured SDK client;
// for a resource it also gives the name (soberana_<name>) and the import
// by the API's id.
type base struct {
	c    *client.Client
	name string
}

func (b *base) configure(data any, d *diag.Diagnostics) {
	if data == nil {
		return
	}
	c, ok := data.(*client.Client)
	if !ok {
		d.AddError("Unexpected provider data", fmt.Sprintf("got %T", data))
		return
	}
	b.c = c
}

func (b *base) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}

// Metadata names a resource soberana_<name>.
func (b *base) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.name
}

// ImportState is the import of every resource but releases: the id is
// the API's id.
func (b *base) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// apiError turns an SDK error into a diagnostic: the problem's title and
// its localized detail and invalid parameters.
func apiError(d *diag.Diagnostics, what string, err error) {
	var p *client.Problem
	if errors.As(err, &p) {
		d.AddError(what+": "+p.Title, p.Error())
		return
	}
	d.AddError(what, err.Error())
}

func strOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func listOf(ctx context.Context, ss []string, d *diag.Diagnostics) types.List {
	if ss == nil {
		ss = []string{}
	}
	v, diags := types.ListValueFrom(ctx, types.StringType, ss)
	d.Append(diags...)
	return v
}

func stringsOf(ctx context.Context, l types.List, d *diag.Diagnostics) []string {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []string
	d.Append(l.ElementsAs(ctx, &out, false)...)
	return out
}

// optStr, optInt and optList are the API's value of an optional argument,
// except that one the configuration left null stays null when the API
// answers its zero value: a plan after apply is then empty, and any other
// difference is drift that shows in the plan.
func optStr(cur types.String, v string) types.String {
	if v == "" && cur.IsNull() {
		return cur
	}
	return types.StringValue(v)
}

func optInt(cur types.Int64, v int64) types.Int64 {
	if v == 0 && cur.IsNull() {
		return cur
	}
	return types.Int64Value(v)
}

func optList(ctx context.Context, cur types.List, v []string, d *diag.Diagnostics) types.List {
	if len(v) == 0 && cur.IsNull() {
		return cur
	}
	return listOf(ctx, v, d)
}

// known tells whether a planned value is set (neither null nor unknown).
func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// stringValidator is a cheap plan-time check on a string attribute.
type stringValidator struct {
	desc  string
	check func(string) bool
}

func (v stringValidator) Description(context.Context) string         { return v.desc }
func (v stringValidator) MarkdownDescription(context.Context) string { return v.desc }
func (v stringValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if !v.check(req.ConfigValue.ValueString()) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value",
			fmt.Sprintf("%q: %s", req.ConfigValue.ValueString(), v.desc))
	}
}

func oneOf(vals ...string) validator.String {
	return stringValidator{desc: "must be one of: " + strings.Join(vals, ", "), check: func(s string) bool { return slices.Contains(vals, s) }}
}

func matches(re, desc string) validator.String {
	r := regexp.MustCompile(re)
	return stringValidator{desc: desc, check: r.MatchString}
}

// asConfigured is the configured value where it says the same as the
// API's (same tells: another spelling of one rate or key), else the API's.
func asConfigured(configured types.String, api string, same func(a, b string) bool) types.String {
	if known(configured) && same(configured.ValueString(), api) {
		return configured
	}
	return types.StringValue(api)
}

// sameDecimal tells whether two decimal strings are the same number
// (exact, with big.Rat: "0.50" and "0.5" are).
func sameDecimal(a, b string) bool {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}

// keptForHistory handles a 409 on deleting an institution, budget line or
// project: the API keeps those that deleted workloads, revoked grants or
// the ledger still refer to (history is never erased). When nothing live
// refers to the object any more (no workload that is not deleted under
// filter), it is removed from the Terraform state with a warning, in the
// provider's language, that says what was kept and why; otherwise the 409
// is the error, naming the workload that still uses it.
func keptForHistory(ctx context.Context, c *client.Client, d *diag.Diagnostics, noun, name, id string, err error, filter map[string]string) {
	l := providerLang()
	what := i18n.T(l, "terraform.noun."+noun)
	if client.StatusOf(err) != http.StatusConflict {
		apiError(d, "Deleting "+noun, err)
		return
	}
	for w, lerr := range c.Workloads(ctx, client.ListOptions{Filters: filter}) {
		if lerr != nil {
			apiError(d, "Deleting "+noun, lerr)
			return
		}
		if w.State != client.StateDeleted {
			d.AddError(i18n.T(l, "terraform.kept.in_use", what, name, w.ID, w.State), err.Error())
			return
		}
	}
	d.AddWarning(i18n.T(l, "terraform.kept.summary", what, name), i18n.T(l, "terraform.kept.detail", what, name, id))
}
