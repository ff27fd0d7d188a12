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
	"github.com/soberana/soberana/internal/cloudinit"
)

// ---- soberana_ssh_key ----

// sshKeyResource is an SSH public key (/v1/ssh-keys): the caller's own,
// or a project's when project_id is set. The API cannot change a key, so
// a new name, key or project replaces it. It uses the SDK's SSH-key methods.
type sshKeyModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	PublicKey     types.String `tfsdk:"public_key"`
	ProjectID     types.String `tfsdk:"project_id"`
	Fingerprint   types.String `tfsdk:"fingerprint"`
	KeyType       types.String `tfsdk:"key_type"`
	OwnerID       types.String `tfsdk:"owner_id"`
	InstitutionID types.String `tfsdk:"institution_id"`
}

// sameKey: two spellings of one public key (whitespace, a trailing
// newline from file()) are the same key with the same comment.
func sameKey(a, b string) bool {
	x, err1 := cloudinit.ParsePublicKey(a)
	y, err2 := cloudinit.ParsePublicKey(b)
	return err1 == nil && err2 == nil && x.Authorized == y.Authorized
}

func sshKeySchema() schema.Schema {
	return withID("An SSH public key that workloads' replicas authorize: the caller's own, or a project's (project_id) that every "+
		"member who may ask for workloads there can use. Keys cannot be changed: a new name, key or project replaces it. "+
		"Destroying it deletes it; workloads already asked for keep the key they were given.", map[string]schema.Attribute{
		"name": replaceString("The key's name (unique in its scope): up to 64 letters, digits, `.`, `_`, `@` or `-`.", vSSHKeyName),
		"public_key": schema.StringAttribute{Required: true, Validators: []validator.String{vSSHPublicKey},
			Description: "One public key in authorized_keys form (the .pub file, e.g. file(\"~/.ssh/id_ed25519.pub\")); never the private key. " +
				"Another key (or comment) replaces the object; the same key spelled differently (a trailing newline) does not.",
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(
				func(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
					resp.RequiresReplace = !sameKey(req.StateValue.ValueString(), req.PlanValue.ValueString())
				}, "Another key replaces the object.", "Another key replaces the object.")}},
		"project_id":     optReplaceString("The project whose key it is; unset: the caller's own key.", false, vRequired),
		"fingerprint":    computedKept("SHA256 fingerprint (SHA256:…), as ssh-keygen -l shows it."),
		"key_type":       computedKept("ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256…"),
		"owner_id":       computedKept("The user or token that added it."),
		"institution_id": computedKept("The project's institution (project keys)."),
	})
}

// fill copies the API's key into m, keeping the configured spelling of
// the same public key.
func (m *sshKeyModel) fill(k *client.SSHKey) {
	fromAPI(m, k, "public_key")
	m.PublicKey = asConfigured(m.PublicKey, k.PublicKey, sameKey)
	m.ProjectID = strOrNull(k.ProjectID)
}

func newSSHKey() resource.Resource {
	r := inCollection[sshKeyModel]("ssh_key", "SSH key", sshKeySchema(), (*client.Client).SSHKeys,
		func(m *sshKeyModel, _ context.Context, _ *diag.Diagnostics) client.SSHKeySpec {
			return client.SSHKeySpec{Name: m.Name.ValueString(), PublicKey: m.PublicKey.ValueString(), ProjectID: m.ProjectID.ValueString()}
		}, simply((*sshKeyModel).fill))
	r.say = map[string]string{"Creating": "Adding SSH key"}
	// Update only happens when the configured key is the same key spelled
	// differently (see public_key's plan modifier): the plan is the new state.
	return &r
}

var _ resource.ResourceWithImportState = (*crud[sshKeyModel, *client.SSHKey])(nil)
