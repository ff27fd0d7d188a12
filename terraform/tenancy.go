package terraform

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/soberana/soberana/client"
)

// computedKept is a string the API sets once: a plan keeps the state's
// value (only a replacement or a refresh changes it).
func computedKept(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, Description: desc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

func idAttr() schema.StringAttribute {
	return computedKept("The object's id (what `terraform import` takes).")
}

// withID is a resource's schema: its description and attributes, and the
// API's id every resource has.
func withID(desc string, attrs map[string]schema.Attribute) schema.Schema {
	attrs["id"] = idAttr()
	return schema.Schema{Description: desc, Attributes: attrs}
}

func replaceString(desc string, vs ...validator.String) schema.StringAttribute {
	return schema.StringAttribute{Required: true, Description: desc + " Changing it replaces the object.", Validators: vs,
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
}

// ---- soberana_institution ----

type institutionModel struct {
	ID                     types.String `tfsdk:"id"`
	Name                   types.String `tfsdk:"name"`
	Country                types.String `tfsdk:"country"`
	Currency               types.String `tfsdk:"currency"`
	AutoApproveMinor       types.Int64  `tfsdk:"auto_approve_minor"`
	AllowOverdraftRequests types.Bool   `tfsdk:"allow_overdraft_requests"`
	DataSovereignty        types.String `tfsdk:"data_sovereignty"`
	DataCountries          types.List   `tfsdk:"data_countries"`
	DataJurisdictions      types.List   `tfsdk:"data_jurisdictions"`
}

func institutionSchema() schema.Schema {
	return withID("An institution: a public body, the tenant that owns budget lines, projects and workloads.", map[string]schema.Attribute{
		"name":     schema.StringAttribute{Required: true, Description: "The institution's name.", Validators: []validator.String{vName}},
		"country":  schema.StringAttribute{Required: true, Description: "ISO 3166-1 alpha-2 country.", Validators: []validator.String{vCountry}},
		"currency": replaceString("ISO 4217 currency its budget is kept in (immutable).", vCurrency),
		"auto_approve_minor": schema.Int64Attribute{Optional: true, Computed: true, Validators: []validator.Int64{vNonNegative},
			Description: "Workloads forecast at or below this monthly cost (minor units of currency) are approved without a person."},
		"allow_overdraft_requests": schema.BoolAttribute{Optional: true, Computed: true,
			Description: "Send requests that do not fit the budget to a finance officer instead of refusing them."},
		"data_sovereignty": schema.StringAttribute{Optional: true, Computed: true,
			Validators:  []validator.String{vOneOf("national", "regional", "any")},
			Description: "Whose law may reach the institution's data: national, regional or any."},
		"data_countries": schema.ListAttribute{Optional: true, Computed: true, ElementType: types.StringType, Validators: []validator.List{vCountries},
			Description: "Countries where its data may live."},
		"data_jurisdictions": schema.ListAttribute{Optional: true, Computed: true, ElementType: types.StringType, Validators: []validator.List{vCountries},
			Description: "Jurisdictions whose law may reach its data (regional sovereignty)."},
	})
}

func (m *institutionModel) spec(ctx context.Context, d *diag.Diagnostics) client.InstitutionSpec {
	s := client.InstitutionSpec{Name: m.Name.ValueString(), Country: m.Country.ValueString(), Currency: m.Currency.ValueString(),
		AutoApproveMinor: m.AutoApproveMinor.ValueInt64(), AllowOverdraftRequests: m.AllowOverdraftRequests.ValueBool()}
	if known(m.DataSovereignty) || known(m.DataCountries) || known(m.DataJurisdictions) {
		s.DataPolicy = &client.DataPolicy{Sovereignty: m.DataSovereignty.ValueString(),
			Countries: stringsOf(ctx, m.DataCountries, d), Jurisdictions: stringsOf(ctx, m.DataJurisdictions, d)}
	}
	return s
}

func (m *institutionModel) set(ctx context.Context, v *client.Institution, d *diag.Diagnostics) {
	fromAPI(m, v)
	dp := v.DataPolicy
	m.DataSovereignty = types.StringValue(dp.Sovereignty)
	m.DataCountries, m.DataJurisdictions = listOf(ctx, dp.Countries, d), listOf(ctx, dp.Jurisdictions, d)
}

func newInstitution() resource.Resource {
	r := inCollection[institutionModel]("institution", "institution", institutionSchema(), (*client.Client).Institutions, (*institutionModel).spec, (*institutionModel).set)
	r.update = func(ctx context.Context, c *client.Client, m *institutionModel, d *diag.Diagnostics) (*client.Institution, error) {
		s := m.spec(ctx, d)
		p := client.Patch{"name": s.Name, "country": s.Country}
		if known(m.AutoApproveMinor) {
			p["auto_approve_minor"] = s.AutoApproveMinor
		}
		if known(m.AllowOverdraftRequests) {
			p["allow_overdraft_requests"] = s.AllowOverdraftRequests
		}
		if s.DataPolicy != nil {
			p["data_policy"] = s.DataPolicy
		}
		return c.Institutions().Update(ctx, m.ID.ValueString(), p)
	}
	r.kept = func(ctx context.Context, c *client.Client, m *institutionModel, err error, d *diag.Diagnostics) {
		keptForHistory(ctx, c, d, "institution", m.Name.ValueString(), m.ID.ValueString(), err, map[string]string{"institution_id": m.ID.ValueString()})
	}
	return &r
}

// ---- soberana_budget_line ----

type budgetLineModel struct {
	ID              types.String `tfsdk:"id"`
	InstitutionID   types.String `tfsdk:"institution_id"`
	FiscalYear      types.Int64  `tfsdk:"fiscal_year"`
	Code            types.String `tfsdk:"code"`
	Name            types.String `tfsdk:"name"`
	Currency        types.String `tfsdk:"currency"`
	AmountMinor     types.Int64  `tfsdk:"amount_minor"`
	ReductionReason types.String `tfsdk:"reduction_reason"`
	CommittedMinor  types.Int64  `tfsdk:"committed_minor"`
	AccruedMinor    types.Int64  `tfsdk:"accrued_minor"`
	AvailableMinor  types.Int64  `tfsdk:"available_minor"`
}

func budgetLineSchema() schema.Schema {
	computedMinor := func(desc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, Description: desc + " (minor units, from the ledger when read)."}
	}
	return withID("A budget line: fiscal year + line code + amount, owned by an institution; projects are charged to it.", map[string]schema.Attribute{
		"institution_id": replaceString("The owning institution.", vRequired),
		"fiscal_year":    schema.Int64Attribute{Required: true, Description: "Fiscal year (e.g. 2026).", Validators: []validator.Int64{vFiscalYear}},
		"code":           schema.StringAttribute{Required: true, Description: "The line's code in the budget law.", Validators: []validator.String{vBudgetCode}},
		"name":           schema.StringAttribute{Required: true, Description: "The line's name.", Validators: []validator.String{vName}},
		"currency":       computedKept("The institution's currency."),
		"amount_minor": schema.Int64Attribute{Required: true, Validators: []validator.Int64{vNonNegative},
			Description: "The amount in minor units of the currency (exact: 1234567 BRL minor units are R$ 12.345,67)."},
		"reduction_reason": schema.StringAttribute{Optional: true,
			Description: "Why the amount is lowered below what is committed and accrued (required by the API for such a cut; write-only)."},
		"committed_minor": computedMinor("Committed by running workloads"),
		"accrued_minor":   computedMinor("Accrued by usage"),
		"available_minor": computedMinor("Amount − committed − accrued"),
	})
}

func (m *budgetLineModel) set(v *client.BudgetLine) {
	// reduction_reason is a write-only argument: the API echoes the last
	// reason, the configuration keeps its own (null when not given).
	fromAPI(m, v, "reduction_reason")
	minor := func(a *client.Money) types.Int64 {
		if a == nil {
			return types.Int64Value(0)
		}
		return types.Int64Value(a.Minor)
	}
	m.CommittedMinor, m.AccruedMinor, m.AvailableMinor = minor(v.Committed), minor(v.Accrued), minor(v.Available)
}

func newBudgetLine() resource.Resource {
	r := inCollection[budgetLineModel]("budget_line", "budget line", budgetLineSchema(), (*client.Client).BudgetLines,
		func(m *budgetLineModel, _ context.Context, _ *diag.Diagnostics) client.BudgetLineSpec {
			return client.BudgetLineSpec{InstitutionID: m.InstitutionID.ValueString(), FiscalYear: int(m.FiscalYear.ValueInt64()),
				Code: m.Code.ValueString(), Name: m.Name.ValueString(), AmountMinor: m.AmountMinor.ValueInt64()}
		}, simply((*budgetLineModel).set))
	r.update = func(ctx context.Context, c *client.Client, m *budgetLineModel, _ *diag.Diagnostics) (*client.BudgetLine, error) {
		p := client.Patch{"fiscal_year": m.FiscalYear.ValueInt64(), "code": m.Code.ValueString(), "name": m.Name.ValueString(), "amount_minor": m.AmountMinor.ValueInt64()}
		if known(m.ReductionReason) {
			p["reduction_reason"] = m.ReductionReason.ValueString()
		}
		return c.BudgetLines().Update(ctx, m.ID.ValueString(), p)
	}
	r.kept = func(ctx context.Context, c *client.Client, m *budgetLineModel, err error, d *diag.Diagnostics) {
		keptForHistory(ctx, c, d, "budget_line", m.Code.ValueString()+" "+m.Name.ValueString(), m.ID.ValueString(), err, map[string]string{"institution_id": m.InstitutionID.ValueString()})
	}
	return &r
}

// ---- soberana_project ----

type projectModel struct {
	ID            types.String `tfsdk:"id"`
	InstitutionID types.String `tfsdk:"institution_id"`
	BudgetLineID  types.String `tfsdk:"budget_line_id"`
	Name          types.String `tfsdk:"name"`
}

func projectSchema() schema.Schema {
	return withID("A project: a unit of work of an institution, charged to one budget line.", map[string]schema.Attribute{
		"institution_id": replaceString("The owning institution.", vRequired),
		"budget_line_id": schema.StringAttribute{Required: true, Description: "The budget line it is charged to.", Validators: []validator.String{vRequired}},
		"name":           schema.StringAttribute{Required: true, Description: "The project's name (unique in the institution).", Validators: []validator.String{vName}},
	})
}

func newProject() resource.Resource {
	r := inCollection[projectModel]("project", "project", projectSchema(), (*client.Client).Projects,
		func(m *projectModel, _ context.Context, _ *diag.Diagnostics) client.ProjectSpec {
			return client.ProjectSpec{InstitutionID: m.InstitutionID.ValueString(), BudgetLineID: m.BudgetLineID.ValueString(), Name: m.Name.ValueString()}
		}, simply(mapped[projectModel, *client.Project]))
	r.update = func(ctx context.Context, c *client.Client, m *projectModel, _ *diag.Diagnostics) (*client.Project, error) {
		return c.Projects().Update(ctx, m.ID.ValueString(), client.Patch{"budget_line_id": m.BudgetLineID.ValueString(), "name": m.Name.ValueString()})
	}
	r.kept = func(ctx context.Context, c *client.Client, m *projectModel, err error, d *diag.Diagnostics) {
		keptForHistory(ctx, c, d, "project", m.Name.ValueString(), m.ID.ValueString(), err, map[string]string{"project_id": m.ID.ValueString()})
	}
	return &r
}

// ---- soberana_fx_rate ----

type fxRateModel struct {
	ID      types.String `tfsdk:"id"`
	From    types.String `tfsdk:"from"`
	To      types.String `tfsdk:"to"`
	Rate    types.String `tfsdk:"rate"`
	ValidOn types.String `tfsdk:"valid_on"`
	Source  types.String `tfsdk:"source"`
}

func fxRateSchema() schema.Schema {
	return withID("A published exchange rate: one unit of `from` is worth `rate` units of `to`, from `valid_on` until the next rate.", map[string]schema.Attribute{
		"from": schema.StringAttribute{Required: true, Description: "ISO 4217 currency converted from.", Validators: []validator.String{vCurrency}},
		"to":   schema.StringAttribute{Required: true, Description: "ISO 4217 currency converted to.", Validators: []validator.String{vCurrency}},
		"rate": schema.StringAttribute{Required: true, Description: "The rate as an exact decimal string (e.g. \"0.1843\"), never a float.",
			Validators: []validator.String{vRate}},
		"valid_on": schema.StringAttribute{Required: true, Description: "First day it applies (YYYY-MM-DD).",
			Validators: []validator.String{vDate}},
		"source": schema.StringAttribute{Required: true, Description: "Who published it (central bank, treasury, operator).", Validators: []validator.String{vRequired}},
	})
}

func (m *fxRateModel) spec() client.FXRateSpec {
	return client.FXRateSpec{From: m.From.ValueString(), To: m.To.ValueString(), Rate: m.Rate.ValueString(), ValidOn: m.ValidOn.ValueString(), Source: m.Source.ValueString()}
}

func newFXRate() resource.Resource {
	r := inCollection[fxRateModel]("fx_rate", "exchange rate", fxRateSchema(), (*client.Client).FXRates,
		func(m *fxRateModel, _ context.Context, _ *diag.Diagnostics) client.FXRateSpec { return m.spec() }, simply((*fxRateModel).setKeepingRate))
	r.update = func(ctx context.Context, c *client.Client, m *fxRateModel, _ *diag.Diagnostics) (*client.FXRate, error) {
		s := m.spec()
		return c.FXRates().Update(ctx, m.ID.ValueString(), client.Patch{"from": s.From, "to": s.To, "rate": s.Rate, "valid_on": s.ValidOn, "source": s.Source})
	}
	return &r
}

// setKeepingRate is set, keeping the configured spelling of the same rate
// ("0.50" vs "0.5"). After a plan (create, update) the rate is always
// known; after an import it is unknown and the API's spelling is taken.
func (m *fxRateModel) setKeepingRate(v *client.FXRate) {
	fromAPI(m, v, "rate")
	m.Rate = asConfigured(m.Rate, v.Rate, sameDecimal)
}
