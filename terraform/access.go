package terraform

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/soberana/soberana/client"
)

func optReplaceString(desc string, computed bool, vs ...validator.String) schema.StringAttribute {
	mods := []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured()}
	if computed {
		mods = append(mods, stringplanmodifier.UseStateForUnknown())
	}
	return schema.StringAttribute{Optional: true, Computed: computed, Description: desc + " Changing it replaces the object.",
		Validators: vs, PlanModifiers: mods}
}

func sensitive(a schema.StringAttribute) schema.StringAttribute {
	a.Sensitive = true
	return a
}

// ---- soberana_grant ----

type grantResource struct {
	crud[grantModel, *client.Grant]
}

type grantModel struct {
	ID            types.String `tfsdk:"id"`
	ProjectID     types.String `tfsdk:"project_id"`
	UserID        types.String `tfsdk:"user_id"`
	Email         types.String `tfsdk:"email"`
	Role          types.String `tfsdk:"role"`
	ExpiresAt     types.String `tfsdk:"expires_at"`
	SourceCIDRs   types.List   `tfsdk:"source_cidrs"`
	Reason        types.String `tfsdk:"reason"`
	InstitutionID types.String `tfsdk:"institution_id"`
}

var rfc3339 = stringValidator{desc: "must be an RFC 3339 time such as 2027-01-31T00:00:00Z", check: func(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}}

func grantSchema() schema.Schema {
	return withID("A vendor grant: an outside user gets a role in one project until an expiry (at most one year), "+
		"optionally only from some source addresses. Grants cannot be changed: any change revokes it and grants anew. "+
		"Destroying it revokes it (access ends on the vendor's next request).", map[string]schema.Attribute{
		"project_id": replaceString("The project the vendor may act in.", vRequired),
		"user_id":    optReplaceString("The vendor's user id (or set email).", true),
		"email":      optReplaceString("The vendor's e-mail: an unknown one creates a user who signs in with single sign-on.", false),
		"role":       replaceString("developer or viewer.", vOneOf("developer", "viewer")),
		"expires_at": replaceString("When access ends (RFC 3339, at most one year ahead).", rfc3339),
		"source_cidrs": schema.ListAttribute{Optional: true, ElementType: types.StringType,
			Description:   "Source addresses allowed (CIDRs); none: any. Changing it replaces the grant.",
			PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()}},
		"reason":         optReplaceString("Why the vendor needs access (audited).", false),
		"institution_id": computedKept("The project's institution."),
	})
}

func (m *grantModel) fill(g *client.Grant) {
	fromAPI(m, g, "reason")
	// Keep the configured spelling of the same instant.
	if t, err := time.Parse(time.RFC3339, m.ExpiresAt.ValueString()); err != nil || !t.Equal(g.ExpiresAt) {
		m.ExpiresAt = types.StringValue(g.ExpiresAt.UTC().Format(time.RFC3339))
	}
	m.Reason = optStr(m.Reason, g.Reason)
}

func newGrant() resource.Resource {
	r := inCollection[grantModel]("grant", "grant", grantSchema(), (*client.Client).Grants,
		func(m *grantModel, ctx context.Context, d *diag.Diagnostics) client.GrantSpec {
			exp, _ := time.Parse(time.RFC3339, m.ExpiresAt.ValueString())
			return client.GrantSpec{ProjectID: m.ProjectID.ValueString(), UserID: m.UserID.ValueString(), Email: m.Email.ValueString(),
				Role: m.Role.ValueString(), ExpiresAt: &exp, SourceCIDRs: stringsOf(ctx, m.SourceCIDRs, d), Reason: m.Reason.ValueString()}
		}, simply((*grantModel).fill))
	r.say = map[string]string{"Deleting": "Revoking grant"}
	return &grantResource{r} // every argument forces a replacement: Update keeps the plan
}

// Read also takes the source addresses, and a grant revoked out of band
// as gone (planned anew).
func (r *grantResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readObject(ctx, req, resp, "Reading grant", func(m *grantModel) (*client.Grant, error) {
		g, err := r.c.Grants().Get(ctx, m.ID.ValueString())
		if err == nil && g.RevokedAt != nil {
			return nil, errGone
		}
		return g, err
	}, func(m *grantModel, g *client.Grant) {
		m.fill(g)
		m.SourceCIDRs = optList(ctx, m.SourceCIDRs, g.SourceCIDRs, &resp.Diagnostics)
	})
}

// ---- soberana_role_binding ----

type roleBindingModel struct {
	ID        types.String `tfsdk:"id"`
	UserID    types.String `tfsdk:"user_id"`
	Role      types.String `tfsdk:"role"`
	ScopeKind types.String `tfsdk:"scope_kind"`
	ScopeID   types.String `tfsdk:"scope_id"`
}

func roleBindingSchema() schema.Schema {
	return withID("A role bound to a user at a scope (platform, provider, institution or project). Bindings cannot be changed: any change replaces it.", map[string]schema.Attribute{
		"user_id": replaceString("The user.", vRequired),
		"role": replaceString("The role.", vOneOf("platform-admin", "auditor", "provider-operator", "institution-admin",
			"finance-officer", "developer", "viewer")),
		"scope_kind": replaceString("platform, provider, institution or project.", vOneOf("platform", "provider", "institution", "project")),
		"scope_id":   optReplaceString("The scope's id (none for platform).", false),
	})
}

func (m *roleBindingModel) fill(b *client.RoleBinding) {
	fromAPI(m, b)
	m.ScopeID = strOrNull(b.ScopeID)
}

func newRoleBinding() resource.Resource {
	r := inCollection[roleBindingModel]("role_binding", "role binding", roleBindingSchema(), (*client.Client).RoleBindings,
		func(m *roleBindingModel, _ context.Context, _ *diag.Diagnostics) client.RoleBindingSpec {
			return client.RoleBindingSpec{UserID: m.UserID.ValueString(), Role: m.Role.ValueString(),
				ScopeKind: m.ScopeKind.ValueString(), ScopeID: m.ScopeID.ValueString()}
		}, simply((*roleBindingModel).fill))
	return &r
}

// ---- soberana_alert_webhook ----

type alertWebhookModel struct {
	ID     types.String `tfsdk:"id"`
	Name   types.String `tfsdk:"name"`
	URL    types.String `tfsdk:"url"`
	Secret types.String `tfsdk:"secret"`
}

func alertWebhookSchema() schema.Schema {
	return withID("A webhook that receives alerts, POSTed and signed with HMAC-SHA256 (X-Soberana-Signature). The API cannot change one: any change replaces it.", map[string]schema.Attribute{
		"name":   replaceString("The webhook's name.", vRequired),
		"url":    replaceString("Where alerts are POSTed (https).", matches(`^https?://`, "must be an http(s) URL")),
		"secret": sensitive(optReplaceString("The HMAC secret; empty: the server makes one (shown only at create; null after import).", true)),
	})
}

func newAlertWebhook() resource.Resource {
	r := inCollection[alertWebhookModel]("alert_webhook", "alert webhook", alertWebhookSchema(), (*client.Client).AlertWebhooks,
		func(m *alertWebhookModel, _ context.Context, _ *diag.Diagnostics) client.AlertWebhookSpec {
			return client.AlertWebhookSpec{Name: m.Name.ValueString(), URL: m.URL.ValueString(), Secret: m.Secret.ValueString()}
		}, simply((*alertWebhookModel).fill))
	return &r
}

// fill copies what the API says. The secret is only in create's answer:
// a configured one is kept, and a read (or import) leaves it as it is.
func (m *alertWebhookModel) fill(w *client.AlertWebhook) {
	fromAPI(m, w, "secret")
	if !known(m.Secret) {
		m.Secret = strOrNull(w.Secret)
	}
}
