package terraform

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/soberana/soberana/internal/cloudinit"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/model"
)

// Plan-time validation gives the reasons the API would give, in the same
// words: each check runs the API's own rule (internal/model's Validator,
// the Validate methods of the nouns, cloudinit.ParsePublicKey) and renders
// its message key from the shared i18n catalogue in the provider's
// language. The few rules that live in server-side packages (workload
// replicas, SSH key names) are mirrored under terraform.* keys whose texts
// a test holds equal to the API's.

// addReasons turns a *model.ValidationError into attribute errors in the
// provider's language; only the fields in only (when given) count.
func addReasons(d *diag.Diagnostics, p path.Path, err error, only ...string) {
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		return
	}
	l := providerLang()
	for _, f := range ve.Fields {
		if len(only) > 0 && !slices.Contains(only, f.Field) {
			continue
		}
		d.AddAttributeError(p, i18n.T(l, "terraform.invalid"), f.Reason(l))
	}
}

// described is a validator's description, plain and in Markdown.
type described string

func (d described) Description(context.Context) string         { return string(d) }
func (d described) MarkdownDescription(context.Context) string { return string(d) }

// checkReasons runs an API rule on a configured value x and reports its
// reasons at p; unknown and null values are checked at apply.
func checkReasons[T any](cfg attr.Value, x T, check func(*model.Validator, T), p path.Path, d *diag.Diagnostics) {
	if !known(cfg) {
		return
	}
	var v model.Validator
	check(&v, x)
	addReasons(d, p, v.Err())
}

// reasonString checks a string attribute with an API rule.
type reasonString struct {
	described
	check func(v *model.Validator, s string)
}

func (r reasonString) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	checkReasons(req.ConfigValue, req.ConfigValue.ValueString(), r.check, req.Path, &resp.Diagnostics)
}

// reasonInt64 checks an integer attribute with an API rule.
type reasonInt64 struct {
	described
	check func(v *model.Validator, n int64)
}

func (r reasonInt64) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	checkReasons(req.ConfigValue, req.ConfigValue.ValueInt64(), r.check, req.Path, &resp.Diagnostics)
}

// reasonEach checks every known element of a list of strings.
type reasonEach struct{ reasonString }

func (r reasonEach) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if !known(req.ConfigValue) {
		return
	}
	for i, e := range req.ConfigValue.Elements() {
		if s, ok := e.(types.String); ok {
			checkReasons(s, s.ValueString(), r.check, req.Path.AtListIndex(i), &resp.Diagnostics)
		}
	}
}

// only keeps the errors of one field of a noun's Validate.
func only(v *model.Validator, field string, err error) {
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			if f.Field == field {
				v.Add(f.Field, f.Key, f.Args...)
			}
		}
	}
}

// MaxReplicas mirrors internal/workload.MaxReplicas (a test holds them equal).
const maxReplicas = 1000

var (
	vName = reasonString{"a name: present, at most 200 bytes, no control or bidirectional characters, something visible",
		func(v *model.Validator, s string) { v.Name("value", &s) }}
	vRequired = reasonString{"must not be empty", func(v *model.Validator, s string) { v.Required("value", s) }}
	vCountry  = reasonString{"an ISO 3166-1 alpha-2 country code such as BR or CL",
		func(v *model.Validator, s string) { v.Country("value", s) }}
	vCountries = reasonEach{vCountry}
	vCurrency  = reasonString{"an ISO 4217 currency code in capitals such as BRL, CLP or USD",
		func(v *model.Validator, s string) {
			// The API accepts "brl" and stores "BRL"; Terraform would then
			// see a value other than the one configured, so capitals only.
			if v.Currency("value", s) && s != strings.ToUpper(s) {
				v.Add("value", "field.currency", s)
			}
		}}
	vFiscalYear = reasonInt64{"a fiscal year between 2000 and 2100",
		func(v *model.Validator, n int64) {
			only(v, "fiscal_year", (&model.BudgetLine{FiscalYear: int(n)}).Validate())
		}}
	vBudgetCode = reasonString{"letters, digits, . _ / -, up to 64 characters",
		func(v *model.Validator, s string) { only(v, "code", (&model.BudgetLine{Code: s}).Validate()) }}
	vNonNegative = reasonInt64{"must not be negative", func(v *model.Validator, n int64) { v.NonNegative("value", n) }}
	vPositive    = reasonInt64{"must be greater than zero", func(v *model.Validator, n int64) { v.Positive("value", n) }}
	vRate        = reasonString{"a positive decimal with at most 10 decimals, such as 0.1843",
		func(v *model.Validator, s string) { only(v, "rate", (&model.FXRate{Rate: s}).Validate()) }}
	vDate = reasonString{"a date YYYY-MM-DD",
		func(v *model.Validator, s string) { only(v, "valid_on", (&model.FXRate{ValidOn: s}).Validate()) }}
	vReplicas = reasonInt64{described(fmt.Sprintf("between 1 and %d", maxReplicas)), func(v *model.Validator, n int64) {
		if n < 1 || n > maxReplicas {
			v.Add("replicas", "terraform.reason.replicas", strconv.Itoa(maxReplicas), strconv.FormatInt(n, 10))
		}
	}}
	vSSHKeyName = reasonString{"up to 64 letters, digits, . _ @ or -", func(v *model.Validator, s string) {
		if v.Required("name", s) && !model.ValidSSHKeyName(s) {
			v.Add("name", "terraform.reason.sshkey_name", s)
		}
	}}
	vSSHPublicKey = reasonString{"one SSH public key in authorized_keys form (the .pub file)", func(v *model.Validator, s string) {
		if _, err := cloudinit.ParsePublicKey(s); err != nil {
			v.Add("public_key", "terraform.reason.sshkey_public")
		}
	}}
)

// vOneOf is the API's closed-set check.
func vOneOf(allowed ...string) reasonString {
	return reasonString{described("one of: " + strings.Join(allowed, ", ")), func(v *model.Validator, s string) { v.OneOf("value", s, allowed...) }}
}
