package terraform

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/soberana/soberana/client"
)

// ---- soberana_app ----

type appResource struct{ crud[appModel, *client.App] }

// appSpecModel is what an app is made of: the SDK's AppSpec (toSpec).
type appSpecModel struct {
	ProjectID  types.String `tfsdk:"project_id"`
	WorkloadID types.String `tfsdk:"workload_id"`
	Name       types.String `tfsdk:"name"`
	Image      types.String `tfsdk:"image"`
	Port       types.Int64  `tfsdk:"port"`
	Replicas   types.Int64  `tfsdk:"replicas"`
	Env        types.Map    `tfsdk:"env"`
	HealthPath types.String `tfsdk:"health_path"`
}

type appModel struct {
	ID types.String `tfsdk:"id"`
	appSpecModel
	InstitutionID    types.String `tfsdk:"institution_id"`
	CurrentReleaseID types.String `tfsdk:"current_release_id"`
	WebhookSecret    types.String `tfsdk:"webhook_secret"`
}

func appSchema() schema.Schema {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	return withID("An app: a container image served on the sites of one of the project's namespace workloads. "+
		"Image, port, replicas, env and health path change in place (the next release uses them). "+
		"The API has no delete for apps: destroy removes it from the state only, with a warning.", map[string]schema.Attribute{
		"project_id":  replaceString("The project.", vRequired),
		"workload_id": optReplaceString("The namespace workload whose sites it runs on (default: the project's only running one).", true),
		"name":        replaceString("The app's name (DNS label).", matches(`^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$`, "must be a lowercase DNS label of at most 40 characters")),
		"image":       schema.StringAttribute{Required: true, Description: "Container image reference.", Validators: []validator.String{vRequired}},
		"port":        schema.Int64Attribute{Required: true, Description: "Port the container listens on.", Validators: []validator.Int64{vPositive}},
		"replicas":    schema.Int64Attribute{Required: true, Description: "Replicas per site.", Validators: []validator.Int64{vPositive}},
		"env":         schema.MapAttribute{Optional: true, ElementType: types.StringType, Description: "Environment variables."},
		"health_path": schema.StringAttribute{Optional: true, Computed: true, Description: "HTTP path of the health check.",
			PlanModifiers: keep},
		"institution_id":     computedKept(""),
		"current_release_id": schema.StringAttribute{Computed: true, Description: "The release in force."},
		"webhook_secret": schema.StringAttribute{Computed: true, Sensitive: true, PlanModifiers: keep,
			Description: "Secret that signs forge webhooks (only known when Terraform created the app)."},
	})
}

// withSpec calls call with the app's spec; an env that is not a map of
// names to strings is an error on env.
func (m *appModel) withSpec(ctx context.Context, d *diag.Diagnostics, call func(client.AppSpec) (*client.App, error)) (*client.App, error) {
	s, err := m.toSpec(ctx)
	if err != nil {
		d.AddAttributeError(pathEnv, "Invalid env", err.Error())
		return nil, errReported
	}
	return call(s)
}

func (m *appSpecModel) toSpec(ctx context.Context) (client.AppSpec, error) {
	s := client.AppSpec{ProjectID: m.ProjectID.ValueString(), WorkloadID: m.WorkloadID.ValueString(), Name: m.Name.ValueString(),
		Image: m.Image.ValueString(), Port: m.Port.ValueInt64(), Replicas: m.Replicas.ValueInt64(), HealthPath: m.HealthPath.ValueString()}
	if known(m.Env) {
		s.Env = map[string]string{}
		if diags := m.Env.ElementsAs(ctx, &s.Env, false); diags.HasError() {
			return s, errDiags
		}
	}
	return s, nil
}

func (m *appModel) fill(ctx context.Context, a *client.App, _ *diag.Diagnostics) {
	fromAPI(m, a, "webhook_secret")
	fromAPI(&m.appSpecModel, a) // fromAPI leaves an unexported embedded struct
	if len(a.Env) > 0 || !m.Env.IsNull() {
		m.Env, _ = types.MapValueFrom(ctx, types.StringType, a.Env)
	}
	if a.WebhookSecret != "" {
		m.WebhookSecret = types.StringValue(a.WebhookSecret)
	} else if m.WebhookSecret.IsUnknown() {
		m.WebhookSecret = types.StringNull()
	}
}

func newApp() resource.Resource {
	return &appResource{crud[appModel, *client.App]{base: base{name: "app"}, schema: appSchema(), noun: "app", fill: (*appModel).fill,
		create: func(ctx context.Context, c *client.Client, m *appModel, d *diag.Diagnostics) (*client.App, error) {
			return m.withSpec(ctx, d, func(s client.AppSpec) (*client.App, error) { return c.CreateApp(ctx, s) })
		},
		read: func(ctx context.Context, c *client.Client, id string, _ *appModel) (*client.App, error) {
			return c.GetApp(ctx, id)
		},
		update: func(ctx context.Context, c *client.Client, m *appModel, d *diag.Diagnostics) (*client.App, error) {
			return m.withSpec(ctx, d, func(s client.AppSpec) (*client.App, error) { return c.UpdateApp(ctx, m.ID.ValueString(), s) })
		}}}
}

// Delete only warns: the API has no delete for apps.
func (r *appResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m appModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.AddWarning("App "+m.ID.ValueString()+" is not deleted",
		"The soberana API has no delete for apps: it was removed from the Terraform state only and keeps running on its workload's sites. "+
			"Delete the namespace workload to stop it.")
}

// ---- soberana_release ----

type releaseResource struct {
	crud[releaseModel, *client.Release]
}

type releaseModel struct {
	ID     types.String `tfsdk:"id"`
	AppID  types.String `tfsdk:"app_id"`
	Image  types.String `tfsdk:"image"`
	Commit types.String `tfsdk:"commit"`
	Seq    types.Int64  `tfsdk:"seq"`
	State  types.String `tfsdk:"state"`
}

func releaseSchema() schema.Schema {
	return withID("A release of an app: an image tag, digest or reference rolled out site by site (with automatic rollback). "+
		"A new image is a new release (replacement). Releases are history: destroy removes one from the state only.", map[string]schema.Attribute{
		"app_id": replaceString("The app.", vRequired),
		"image":  replaceString("Tag (v1.4.2), digest (sha256:…) or whole reference.", vRequired),
		"commit": optReplaceString("The commit it came from (7–64 hex digits).", false, matches(`^[0-9a-f]{7,64}$`, "must be 7 to 64 lowercase hex digits")),
		"seq":    schema.Int64Attribute{Computed: true, Description: "The release's number in the app's history."},
		"state":  schema.StringAttribute{Computed: true, Description: "The rollout's state."},
	})
}

func (m *releaseModel) fill(v *client.Release) {
	fromAPI(m, v, "image", "commit")
	if !known(m.Image) {
		m.Image = types.StringValue(v.Image)
	}
	m.Commit = optStr(m.Commit, v.Commit)
}

func newRelease() resource.Resource {
	return &releaseResource{crud[releaseModel, *client.Release]{base: base{name: "release"}, schema: releaseSchema(), noun: "release", fill: simply((*releaseModel).fill),
		say: map[string]string{"Creating": "Releasing"},
		create: func(ctx context.Context, c *client.Client, m *releaseModel, _ *diag.Diagnostics) (*client.Release, error) {
			return c.CreateRelease(ctx, m.AppID.ValueString(), client.ReleaseSpec{Image: m.Image.ValueString(), Commit: m.Commit.ValueString()})
		},
		read: func(ctx context.Context, c *client.Client, id string, m *releaseModel) (*client.Release, error) {
			return c.GetRelease(ctx, m.AppID.ValueString(), id)
		}}} // a new image is a new release: Update keeps the plan
}

func (r *releaseResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// Releases are history: nothing to delete at the API.
}

// ImportState takes "APP_ID/RELEASE_ID".
func (r *releaseResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	app, id, ok := strings.Cut(req.ID, "/")
	if !ok || app == "" || id == "" {
		resp.Diagnostics.AddError("Invalid import id", "import a release as APP_ID/RELEASE_ID")
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("app_id"), app)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

var (
	pathEnv  = path.Root("env")
	errDiags = errors.New("env must map names to strings")
)
