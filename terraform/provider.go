// Package terraform is the soberana provider for Terraform and OpenTofu,
// built on terraform-plugin-framework over the public Go SDK
// (github.com/soberana/soberana/client). The binary is
// cmd/terraform-provider-soberana; the registry documentation is under
// terraform/docs and runnable examples under examples/terraform.
package terraform

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/soberana/soberana/client"
)

// Address is the provider's registry address (source = "soberana/soberana").
const Address = "registry.terraform.io/soberana/soberana"

// New returns the provider factory for providerserver.Serve.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &soberanaProvider{version: version} }
}

type soberanaProvider struct{ version string }

type providerModel struct {
	Endpoint types.String `tfsdk:"endpoint"`
	Token    types.String `tfsdk:"token"`
	Lang     types.String `tfsdk:"lang"`
}

func (p *soberanaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "soberana"
	resp.Version = p.version
}

func (p *soberanaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Manage institutions, budgets, projects, workloads and vendor access on a soberana control plane.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{Optional: true,
				Description: "URL of the soberana API (e.g. https://soberana.gob.example). Defaults to $SOBERANA_URL."},
			"token": schema.StringAttribute{Optional: true, Sensitive: true,
				Description: "API token (sbr_…). Defaults to $SOBERANA_TOKEN."},
			"lang": schema.StringAttribute{Optional: true, Validators: []validator.String{oneOf("es", "pt-BR", "en")},
				Description: "Language of the API's error messages, of plan-time validation and of the provider's warnings: es, pt-BR or en. " +
					"Defaults to $SOBERANA_LANG, then the POSIX locale ($LC_ALL, $LC_MESSAGES, $LANG: pt_BR.UTF-8 gives pt-BR), then en."},
		},
	}
}

// ValidateConfig remembers the configured language before Terraform
// validates the resources (plan-time validation speaks it).
func (p *soberanaProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if known(m.Lang) {
		if l, ok := parseLang(m.Lang.ValueString()); ok && m.Lang.ValueString() == string(l) {
			setProviderLang(l)
		}
	}
}

func (p *soberanaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	pick := func(v types.String, env, def string) string {
		if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
			return v.ValueString()
		}
		if s := os.Getenv(env); s != "" {
			return s
		}
		return def
	}
	endpoint := pick(m.Endpoint, "SOBERANA_URL", "")
	if endpoint == "" {
		resp.Diagnostics.AddError("No soberana endpoint",
			"Set endpoint in the provider block or SOBERANA_URL in the environment (e.g. http://127.0.0.1:8080).")
		return
	}
	c := client.New(endpoint, pick(m.Token, "SOBERANA_TOKEN", ""))
	l := providerLang()
	if known(m.Lang) {
		l, _ = parseLang(m.Lang.ValueString())
		setProviderLang(l)
	}
	c.Lang = string(l)
	c.UserAgent = "terraform-provider-soberana/" + p.version
	resp.ResourceData = c
	resp.DataSourceData = c
}

func (p *soberanaProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newInstitution,
		newBudgetLine,
		newProject,
		newWorkload,
		newGrant,
		newRoleBinding,
		newFXRate,
		newAlertWebhook,
		newApp,
		newRelease,
		newSSHKey,
	}
}

func (p *soberanaProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newSites,
		newOfferings,
		func() datasource.DataSource { return &previewDataSource{dsBase{base{name: "placement_preview"}}} },
	}
}

var _ provider.ProviderWithValidateConfig = (*soberanaProvider)(nil)
