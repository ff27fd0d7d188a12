package terraform

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
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

func filters(kv ...types.String) map[string]string {
	f := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		if known(kv[i+1]) && kv[i+1].ValueString() != "" {
			f[kv[i].ValueString()] = kv[i+1].ValueString()
		}
	}
	return f
}

// listInto is the Read of a listing data source: decode the filters in
// the configuration M, list what list names, convert each V to a row R
// into the slice list points at (empty, not null, when nothing matches),
// and save.
func listInto[M, V, R any](ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse, what string,
	list func(*M) (iter.Seq2[V, error], *[]R), row func(V) R) {
	var m M
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	seq, rows := list(&m)
	*rows = []R{}
	for v, err := range seq {
		if err != nil {
			apiError(&resp.Diagnostics, what, err)
			return
		}
		*rows = append(*rows, row(v))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// ---- soberana_sites ----

type sitesDataSource struct{ dsBase }

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

type sitesModel struct {
	Country     types.String `tfsdk:"country"`
	Subdivision types.String `tfsdk:"subdivision"`
	ProviderID  types.String `tfsdk:"provider_id"`
	Tier        types.String `tfsdk:"tier"`
	Health      types.String `tfsdk:"health"`
	Sites       []siteModel  `tfsdk:"sites"`
}

func (d *sitesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	f := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Description: desc}
	}
	c := func() schema.StringAttribute { return schema.StringAttribute{Computed: true} }
	resp.Schema = schema.Schema{
		Description: "The sites (data centres) of the fleet, optionally filtered.",
		Attributes: map[string]schema.Attribute{
			"country":     f("Only sites in this country (ISO 3166-1 alpha-2)."),
			"subdivision": f("Only sites in this subdivision (ISO 3166-2)."),
			"provider_id": f("Only sites of this provider."),
			"tier":        f("Only sites of this tier (core, edge)."),
			"health":      f("Only sites in this health (healthy, degraded, down)."),
			"sites": schema.ListNestedAttribute{Computed: true, Description: "The sites found.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": c(), "name": c(), "provider_id": c(), "country": c(), "subdivision": c(), "city": c(),
					"tier": c(), "failure_domain": c(), "health": c(), "simulated": schema.BoolAttribute{Computed: true},
				}}},
		},
	}
}

func (d *sitesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	s := types.StringValue
	listInto(ctx, req, resp, "Listing sites", func(m *sitesModel) (iter.Seq2[client.Site, error], *[]siteModel) {
		return d.c.Sites(ctx, client.ListOptions{Filters: filters(s("country"), m.Country, s("subdivision"), m.Subdivision,
			s("provider_id"), m.ProviderID, s("tier"), m.Tier, s("health"), m.Health)}), &m.Sites
	}, rowOf[client.Site, siteModel])
}

// ---- soberana_offerings ----

type offeringsDataSource struct{ dsBase }

type offeringModel struct {
	ID        types.String `tfsdk:"id"`
	Name      types.String `tfsdk:"name"`
	Kind      types.String `tfsdk:"kind"`
	VCPUs     types.Int64  `tfsdk:"vcpus"`
	MemoryMiB types.Int64  `tfsdk:"memory_mib"`
	DiskGiB   types.Int64  `tfsdk:"disk_gib"`
}

type offeringsModel struct {
	Name      types.String    `tfsdk:"name"`
	Kind      types.String    `tfsdk:"kind"`
	Offerings []offeringModel `tfsdk:"offerings"`
}

func (d *offeringsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	i := func() schema.Int64Attribute { return schema.Int64Attribute{Computed: true} }
	c := func() schema.StringAttribute { return schema.StringAttribute{Computed: true} }
	resp.Schema = schema.Schema{
		Description: "The catalog's offerings (machine sizes), optionally filtered by name or kind.",
		Attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{Optional: true, Description: "Only the offering with this name (e.g. SCS-2V-4-20s)."},
			"kind": schema.StringAttribute{Optional: true, Description: "Only offerings of this kind (vm, namespace…)."},
			"offerings": schema.ListNestedAttribute{Computed: true, Description: "The offerings found.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id": c(), "name": c(), "kind": c(), "vcpus": i(), "memory_mib": i(), "disk_gib": i(),
				}}},
		},
	}
}

func (d *offeringsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	s := types.StringValue
	listInto(ctx, req, resp, "Listing offerings", func(m *offeringsModel) (iter.Seq2[client.Offering, error], *[]offeringModel) {
		return d.c.Offerings(ctx, client.ListOptions{Filters: filters(s("name"), m.Name, s("kind"), m.Kind)}), &m.Offerings
	}, rowOf[client.Offering, offeringModel])
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
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"replica": schema.Int64Attribute{Computed: true}, "site_id": schema.StringAttribute{Computed: true},
					"provider_id": schema.StringAttribute{Computed: true}, "country": schema.StringAttribute{Computed: true},
					"failure_domain": schema.StringAttribute{Computed: true}, "monthly_minor": schema.Int64Attribute{Computed: true},
				}}},
		},
	}
}

func (d *previewDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m previewModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, err := d.c.PreviewPlacement(ctx, m.spec(ctx, &resp.Diagnostics))
	if err != nil {
		apiError(&resp.Diagnostics, "Previewing placement", err)
		return
	}
	fromAPI(&m, p)
	m.Placements = []previewPlacementModel{}
	for _, pl := range p.Placements {
		m.Placements = append(m.Placements, rowOf[client.PreviewPlacement, previewPlacementModel](pl))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
