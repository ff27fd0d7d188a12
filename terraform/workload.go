package terraform

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/float64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/soberana/soberana/client"
)

// ---- soberana_workload ----

type workloadResource struct {
	crud[workloadModel, *client.Workload]
}

type workloadModel struct {
	ID types.String `tfsdk:"id"`
	requestModel
	ResidencySubdivisions    types.List    `tfsdk:"residency_subdivisions"`
	SovereigntyJurisdictions types.List    `tfsdk:"sovereignty_jurisdictions"`
	MinDistanceKm            types.Float64 `tfsdk:"min_distance_km"`
	Tier                     types.String  `tfsdk:"tier"`
	CostCeilingMinor         types.Int64   `tfsdk:"cost_ceiling_minor"`
	Preference               types.String  `tfsdk:"preference"`
	waitSettings
	InstitutionID        types.String `tfsdk:"institution_id"`
	BudgetLineID         types.String `tfsdk:"budget_line_id"`
	State                types.String `tfsdk:"state"`
	Reason               types.String `tfsdk:"reason"`
	Currency             types.String `tfsdk:"currency"`
	ForecastMonthlyMinor types.Int64  `tfsdk:"forecast_monthly_minor"`
	Placements           types.List   `tfsdk:"placements"`
}

// requestModel is what a workload and a placement preview both ask for.
type requestModel struct {
	ProjectID          types.String `tfsdk:"project_id"`
	OfferingID         types.String `tfsdk:"offering_id"`
	Replicas           types.Int64  `tfsdk:"replicas"`
	Classification     types.String `tfsdk:"classification"`
	ResidencyCountries types.List   `tfsdk:"residency_countries"`
	SovereigntyMode    types.String `tfsdk:"sovereignty_mode"`
	MinFailureDomains  types.Int64  `tfsdk:"min_failure_domains"`
	MinProviders       types.Int64  `tfsdk:"min_providers"`
	AllowSimulated     types.Bool   `tfsdk:"allow_simulated"`
}

// waitSettings are the provider's own settings: the only ones Update changes.
type waitSettings struct {
	WaitForRunning types.Bool   `tfsdk:"wait_for_running"`
	Timeout        types.String `tfsdk:"timeout"`
}

type placementModel struct {
	Replica      types.Int64  `tfsdk:"replica"`
	SiteID       types.String `tfsdk:"site_id"`
	ProviderID   types.String `tfsdk:"provider_id"`
	State        types.String `tfsdk:"state"`
	MonthlyMinor types.Int64  `tfsdk:"monthly_minor"`
	Simulated    types.Bool   `tfsdk:"simulated"`
}

var placementType = types.ObjectType{AttrTypes: byField[placementModel, attr.Type](types.StringType, types.Int64Type, types.BoolType)}

func workloadSchema() schema.Schema {
	rs := " Changing it replaces the workload."
	str := func(req bool, desc string, vs ...validator.String) schema.StringAttribute {
		a := schema.StringAttribute{Required: req, Optional: !req, Description: desc + rs, Validators: vs,
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
		return a
	}
	count := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Optional: true, Description: desc + rs, Validators: []validator.Int64{vNonNegative},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()}}
	}
	list := func(req bool, desc string, vs ...validator.List) schema.ListAttribute {
		return schema.ListAttribute{Required: req, Optional: !req, ElementType: types.StringType, Description: desc + rs, Validators: vs,
			PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()}}
	}
	return withID("A workload: replicas of an offering placed on sites that satisfy residency, sovereignty and redundancy, "+
		"charged to the project's budget line. Create waits until it runs (wait_for_running); a workload that awaits a "+
		"person's approval is created and reported with a warning instead of being waited on. The API cannot change a "+
		"workload in place, so every argument forces a replacement.", map[string]schema.Attribute{
		"project_id":  str(true, "The project it belongs to.", vRequired),
		"offering_id": str(true, "The offering (machine size) of each replica.", vRequired),
		"replicas": schema.Int64Attribute{Required: true, Description: "Number of replicas." + rs, Validators: []validator.Int64{vReplicas},
			PlanModifiers: []planmodifier.Int64{int64planmodifier.RequiresReplace()}},
		"classification": str(true, "Data classification: public, internal, confidential or restricted.",
			vOneOf("public", "internal", "confidential", "restricted")),
		"residency_countries":       list(true, "Countries (ISO 3166-1 alpha-2) where replicas may run.", vCountries),
		"residency_subdivisions":    list(false, "Subdivisions (ISO 3166-2, e.g. BR-SP) where replicas may run."),
		"sovereignty_mode":          str(true, "Whose law may reach it: national, regional or any.", vOneOf("national", "regional", "any")),
		"sovereignty_jurisdictions": list(false, "Jurisdictions allowed with regional sovereignty.", vCountries),
		"min_providers":             count("Replicas spread over at least this many providers."),
		"min_failure_domains":       count("Replicas spread over at least this many failure domains."),
		"min_distance_km": schema.Float64Attribute{Optional: true, Description: "Minimum distance between replicas in km." + rs,
			PlanModifiers: []planmodifier.Float64{float64planmodifier.RequiresReplace()}},
		"tier":               str(false, "Site tier required: core or edge.", vOneOf("core", "edge")),
		"cost_ceiling_minor": count("Refuse placements whose monthly forecast exceeds this (minor units)."),
		"preference":         str(false, "Placement preference: cheapest (default), balanced or nearest.", vOneOf("cheapest", "balanced", "nearest")),
		"allow_simulated": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
			Description:   "Allow SIMULATED sites (the sim driver: demos and tests only)." + rs,
			PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()}},
		"wait_for_running": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
			Description: "Wait after create until every replica runs (not done while the workload awaits approval)."},
		"timeout": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("10m"),
			Description: "How long create and destroy wait (Go duration, e.g. 5m). After an import it is the default; a configured other value then shows as an in-place change of this setting only.",
			Validators:  []validator.String{stringValidator{desc: "must be a Go duration such as 10m", check: func(s string) bool { _, err := time.ParseDuration(s); return err == nil }}}},
		"institution_id": computedKept("The institution (from the project)."),
		"budget_line_id": computedKept("The budget line charged (from the project)."),
		"state":          computedKept("pending_approval, approved, provisioning, running, migrating, deleting, deleted, rejected or failed."),
		"reason":         computedKept("Why it is in its state (in the provider's language)."),
		"currency":       computedKept("Currency of the forecast (the institution's)."),
		"forecast_monthly_minor": schema.Int64Attribute{Computed: true, Description: "Forecast monthly cost in minor units of currency.",
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}},
		"placements": schema.ListNestedAttribute{Computed: true, Description: "Where each replica runs.",
			PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			NestedObject: schema.NestedAttributeObject{Attributes: byField[placementModel, schema.Attribute](
				schema.StringAttribute{Computed: true}, schema.Int64Attribute{Computed: true}, schema.BoolAttribute{Computed: true})}},
	})
}

// spec is the request as the SDK takes it.
func (m *requestModel) spec(ctx context.Context, d *diag.Diagnostics) client.WorkloadSpec {
	return client.WorkloadSpec{ProjectID: m.ProjectID.ValueString(), WorkloadPolicy: client.WorkloadPolicy{OfferingID: m.OfferingID.ValueString(), Replicas: int(m.Replicas.ValueInt64()),
		Classification: m.Classification.ValueString(),
		Residency:      client.Residency{Countries: stringsOf(ctx, m.ResidencyCountries, d)},
		Sovereignty:    client.Sovereignty{Mode: m.SovereigntyMode.ValueString()},
		Redundancy:     client.Redundancy{MinProviders: int(m.MinProviders.ValueInt64()), MinFailureDomains: int(m.MinFailureDomains.ValueInt64())}},
		AllowSimulated: m.AllowSimulated.ValueBool()}
}

func (m *workloadModel) spec(ctx context.Context, d *diag.Diagnostics) client.WorkloadSpec {
	s := m.requestModel.spec(ctx, d)
	s.Residency.Subdivisions = stringsOf(ctx, m.ResidencySubdivisions, d)
	s.Sovereignty.Jurisdictions = stringsOf(ctx, m.SovereigntyJurisdictions, d)
	s.Redundancy.MinDistanceKm = m.MinDistanceKm.ValueFloat64()
	s.Tier, s.CostCeilingMinor, s.Preference = m.Tier.ValueString(), m.CostCeilingMinor.ValueInt64(), m.Preference.ValueString()
	return s
}

// set copies what the API says (optional arguments: see optStr).
func (m *workloadModel) set(ctx context.Context, w *client.Workload, d *diag.Diagnostics) {
	m.ID, m.ProjectID, m.OfferingID = types.StringValue(w.ID), types.StringValue(w.ProjectID), types.StringValue(w.OfferingID)
	m.Replicas, m.Classification = types.Int64Value(int64(w.Replicas)), types.StringValue(w.Classification)
	m.ResidencyCountries = listOf(ctx, w.Residency.Countries, d)
	m.ResidencySubdivisions = optList(ctx, m.ResidencySubdivisions, w.Residency.Subdivisions, d)
	m.SovereigntyMode = types.StringValue(w.Sovereignty.Mode)
	m.SovereigntyJurisdictions = optList(ctx, m.SovereigntyJurisdictions, w.Sovereignty.Jurisdictions, d)
	m.MinProviders = optInt(m.MinProviders, int64(w.Redundancy.MinProviders))
	m.MinFailureDomains = optInt(m.MinFailureDomains, int64(w.Redundancy.MinFailureDomains))
	if !(w.Redundancy.MinDistanceKm == 0 && m.MinDistanceKm.IsNull()) {
		m.MinDistanceKm = types.Float64Value(w.Redundancy.MinDistanceKm)
	}
	m.Tier = optStr(m.Tier, w.Tier)
	m.CostCeilingMinor = optInt(m.CostCeilingMinor, w.CostCeilingMinor)
	m.Preference = optStr(m.Preference, w.Preference)
	m.AllowSimulated = types.BoolValue(w.AllowSimulated)
	if m.WaitForRunning.IsNull() || m.WaitForRunning.IsUnknown() {
		m.WaitForRunning = types.BoolValue(true)
	}
	if m.Timeout.IsNull() || m.Timeout.IsUnknown() {
		m.Timeout = types.StringValue("10m")
	}
	m.InstitutionID, m.BudgetLineID = types.StringValue(w.InstitutionID), types.StringValue(w.BudgetLineID)
	m.State, m.Reason, m.Currency = types.StringValue(string(w.State)), types.StringValue(w.Reason), types.StringValue(w.Currency)
	m.ForecastMonthlyMinor = types.Int64Value(w.ForecastMonthlyMinor)
	var ps []placementModel
	for _, p := range w.Placements {
		if p.State == "deleted" {
			continue
		}
		ps = append(ps, rowOf[client.Placement, placementModel](p))
	}
	if ps == nil {
		ps = []placementModel{}
	}
	l, diags := types.ListValueFrom(ctx, placementType, ps)
	d.Append(diags...)
	m.Placements = l
}

func (r *workloadResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m workloadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	w, err := r.c.CreateWorkload(ctx, m.spec(ctx, &resp.Diagnostics))
	if err != nil {
		apiError(&resp.Diagnostics, "Creating workload", err)
		return
	}
	if m.WaitForRunning.ValueBool() && w.State != client.StatePendingApproval {
		timeout, _ := time.ParseDuration(m.Timeout.ValueString())
		got, err := r.c.WaitWorkload(ctx, w.ID, client.WaitOptions{Timeout: timeout, Poll: 500 * time.Millisecond})
		if got != nil {
			w = got
		}
		if err != nil && !errors.Is(err, client.ErrPendingApproval) {
			// Keep it in the state (tainted): it exists and costs money.
			m.set(ctx, w, &resp.Diagnostics)
			resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
			apiError(&resp.Diagnostics, "Waiting for workload "+w.ID+" to run", err)
			return
		}
	}
	m.set(ctx, w, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if w.State == client.StatePendingApproval {
		resp.Diagnostics.AddWarning("Workload "+w.ID+" awaits approval",
			fmt.Sprintf("The workload was created but awaits approval (%s). Terraform does not wait for people: approve it "+
				"(`soberana workload approve %s` or POST /v1/workloads/%s:approve), then `terraform apply` again to refresh its state "+
				"and placements.", w.Reason, w.ID, w.ID))
	}
}

// newWorkload is a crud for Read; Create waits, Update keeps the
// provider's settings and Delete waits, each its own method below.
func newWorkload() resource.Resource {
	return &workloadResource{crud[workloadModel, *client.Workload]{base: base{name: "workload"}, schema: workloadSchema(), noun: "workload",
		read: func(ctx context.Context, c *client.Client, id string, _ *workloadModel) (*client.Workload, error) {
			w, err := c.GetWorkload(ctx, id)
			if err == nil && (w.State == client.StateDeleted || w.State == client.StateDeleting) {
				return nil, errGone
			}
			return w, err
		},
		fill: func(m *workloadModel, ctx context.Context, w *client.Workload, d *diag.Diagnostics) {
			m.set(ctx, w, d)
			if w.State == client.StatePendingApproval {
				d.AddWarning("Workload "+w.ID+" awaits approval", w.Reason)
			}
		}}}
}

// Update only changes the provider's own settings (wait_for_running,
// timeout): every API argument forces a replacement.
func (r *workloadResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, st workloadModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &st)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settings := m.waitSettings
	m = st
	m.waitSettings = settings
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *workloadResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m workloadModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if _, err := r.c.DeleteWorkload(ctx, m.ID.ValueString()); err != nil && !client.IsNotFound(err) {
		apiError(&resp.Diagnostics, "Deleting workload", err)
		return
	}
	timeout, err := time.ParseDuration(m.Timeout.ValueString())
	if err != nil || timeout <= 0 {
		timeout = 10 * time.Minute
	}
	_, err = r.c.WaitWorkload(ctx, m.ID.ValueString(), client.WaitOptions{State: client.StateDeleted, Timeout: timeout, Poll: 500 * time.Millisecond, AllowPending: true})
	if err != nil && !client.IsNotFound(err) {
		apiError(&resp.Diagnostics, "Waiting for workload "+m.ID.ValueString()+" to be deleted", err)
	}
}
