package terraform

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/soberana/soberana/client"
)

// dsBase gives a data source the configured SDK client and its name
// (soberana_<name>).
type dsBase struct{ base }

func (b *dsBase) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + b.name
}

func (b *dsBase) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	b.configure(req.ProviderData, &resp.Diagnostics)
}

// listing is a data source that lists one kind of API object V, a row R
// each, optionally filtered: each filter is an optional string argument
// and the API's list filter of the same name. Its state is the
// configuration and the rows found (empty, not null, when none match).
type listing[V, R any] struct {
	dsBase
	desc     string
	filters  []filter
	rows     string // the attribute of the rows ("sites")
	rowsDesc string
	list     func(*client.Client, context.Context, client.ListOptions) iter.Seq2[V, error]
}

// filter is one of a listing's arguments: its name and description.
type filter struct{ name, desc string }

func (l *listing[V, R]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{l.rows: schema.ListNestedAttribute{Computed: true, Description: l.rowsDesc,
		NestedObject: schema.NestedAttributeObject{Attributes: computedRow[R]()}}}
	for _, f := range l.filters {
		attrs[f.name] = schema.StringAttribute{Optional: true, Description: f.desc}
	}
	resp.Schema = schema.Schema{Description: l.desc, Attributes: attrs}
}

func (l *listing[V, R]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	filters := map[string]string{}
	for _, f := range l.filters {
		var v types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(f.name), &v)...)
		if known(v) && v.ValueString() != "" {
			filters[f.name] = v.ValueString()
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	rows := []R{}
	for v, err := range l.list(l.c, ctx, client.ListOptions{Filters: filters}) {
		if err != nil {
			apiError(&resp.Diagnostics, "Listing "+l.name, err)
			return
		}
		rows = append(rows, rowOf[V, R](v))
	}
	resp.State.Raw = req.Config.Raw
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(l.rows), rows)...)
}

// computedRow is the nested attributes of a row model R: each of its
// fields computed, of its type.
func computedRow[R any]() map[string]schema.Attribute {
	return byField[R, schema.Attribute](schema.StringAttribute{Computed: true}, schema.Int64Attribute{Computed: true}, schema.BoolAttribute{Computed: true})
}

// ---- soberana_sites ----

type siteModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	ProviderID    types.String `tfsdk:"provider_id"`
	Country       types.String `tfsdk:"country"`
	Subdivision   types.String `tfsdk:"subdivision"`
	City          types.String `tfsdk:"city"`
	Tier          types.String `tfsdk:"tier"`
	FailureDomain types.String `tfsdk:"failure_domain"`
	Health        types.String `tfsdk:"health"`
	Simulated     types.Bool   `tfsdk:"simulated"`
}

func newSites() datasource.DataSource {
	return &listing[client.Site, siteModel]{dsBase: dsBase{base{name: "sites"}}, list: (*client.Client).Sites,
		desc: "The sites (data centres) of the fleet, optionally filtered.",
		filters: []filter{{"country", "Only sites in this country (ISO 3166-1 alpha-2)."},
			{"subdivision", "Only sites in this subdivision (ISO 3166-2)."},
			{"provider_id", "Only sites of this provider."},
			{"tier", "Only sites of this tier (core, edge)."},
			{"health", "Only sites in this health (healthy, degraded, down)."}},
		rows: "sites", rowsDesc: "The sites found."}
}

// ---- soberana_offerings ----

type offeringModel struct {
	ID        types.String `tfsdk:"id"`
	Name      types.String `tfsdk:"name"`
	Kind      types.String `tfsdk:"kind"`
	VCPUs     types.Int64  `tfsdk:"vcpus"`
	MemoryMiB types.Int64  `tfsdk:"memory_mib"`
	DiskGiB   types.Int64  `tfsdk:"disk_gib"`
}

func newOfferings() datasource.DataSource {
	return &listing[client.Offering, offeringModel]{dsBase: dsBase{base{name: "offerings"}}, list: (*client.Client).Offerings,
		desc: "The catalog's offerings (machine sizes), optionally filtered by name or kind.",
		filters: []filter{{"name", "Only the offering with this name (e.g. SCS-2V-4-20s)."},
			{"kind", "Only offerings of this kind (vm, namespace…)."}},
		rows: "offerings", rowsDesc: "The offerings found."}
}

// ---- soberana_placement_preview ----

type previewDataSource struct{ dsBase }

type previewPlacementModel struct {
	Replica       types.Int64  `tfsdk:"replica"`
	SiteID        types.String `tfsdk:"site_id"`
	ProviderID    types.String `tfsdk:"provider_id"`
	Country       types.String `tfsdk:"country"`
	FailureDomain types.String `tfsdk:"failure_domain"`
	MonthlyMinor  types.Int64  `tfsdk:"monthly_minor"`
}

type previewModel struct {
	requestModel
	Feasible             types.Bool              `tfsdk:"feasible"`
	Currency             types.String            `tfsdk:"currency"`
	ForecastMonthlyMinor types.Int64             `tfsdk:"forecast_monthly_minor"`
	Explanation          types.String            `tfsdk:"explanation"`
	Placements           []previewPlacementModel `tfsdk:"placements"`
}

func (d *previewDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Where a workload request would be placed and what it would cost per month, without reserving anything.",
		Attributes: map[string]schema.Attribute{
			"project_id":          schema.StringAttribute{Required: true},
			"offering_id":         schema.StringAttribute{Required: true},
			"replicas":            schema.Int64Attribute{Required: true},
			"classification":      schema.StringAttribute{Required: true},
			"residency_countries": schema.ListAttribute{Required: true, ElementType: types.StringType},
			"sovereignty_mode":    schema.StringAttribute{Required: true},
			"min_failure_domains": schema.Int64Attribute{Optional: true},
			"min_providers":       schema.Int64Attribute{Optional: true},
			"allow_simulated":     schema.BoolAttribute{Optional: true},
			"feasible":            schema.BoolAttribute{Computed: true, Description: "Whether the request fits."},
			"currency":            schema.StringAttribute{Computed: true},
			"forecast_monthly_minor": schema.Int64Attribute{Computed: true,
				Description: "Forecast monthly cost in minor units of currency."},
			"explanation": schema.StringAttribute{Computed: true, Description: "Why these sites, or why nothing fits."},
			"placements": schema.ListNestedAttribute{Computed: true,
				NestedObject: schema.NestedAttributeObject{Attributes: computedRow[previewPlacementModel]()}},
		},
	}
}

func (d *previewDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	applyPlan(ctx, req.Config, &resp.State, &resp.Diagnostics, "Previewing placement",
		func(m *previewModel) (*client.PlacementPreview, error) {
			return d.c.PreviewPlacement(ctx, m.spec(ctx, &resp.Diagnostics))
		}, func(m *previewModel, p *client.PlacementPreview) {
			fromAPI(m, p)
			m.Placements = []previewPlacementModel{}
			for _, pl := range p.Placements {
				m.Placements = append(m.Placements, rowOf[client.PreviewPlacement, previewPlacementModel](pl))
			}
		})
}
