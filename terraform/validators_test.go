package terraform

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/soberana/soberana/internal/i18n"

	_ "github.com/soberana/soberana/internal/api" // registers sshkey.field.*, the API's own texts
	"github.com/soberana/soberana/internal/workload"
)

func checkString(v validator.String, s string) []string {
	var resp validator.StringResponse
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("a"), ConfigValue: types.StringValue(s)}, &resp)
	return errorsOf(resp.Diagnostics)
}

func checkInt(v validator.Int64, n int64) []string {
	var resp validator.Int64Response
	v.ValidateInt64(context.Background(), validator.Int64Request{Path: path.Root("a"), ConfigValue: types.Int64Value(n)}, &resp)
	return errorsOf(resp.Diagnostics)
}

// errorsOf is a validator's errors, "summary | detail" each.
func errorsOf(d diag.Diagnostics) []string {
	var out []string
	for _, e := range d.Errors() {
		out = append(out, e.Summary()+" | "+e.Detail())
	}
	return out
}

const goodKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGeU2e5qgnXuS7R6aaPvrNwKr5yTNZ4l5gJzCHF7qx44 operador@saude.example"

// TestValidatorsGiveTheAPIsReasons: each validator refuses what the API
// refuses with the API's message in the provider's language, and lets
// through what the API accepts.
func TestValidatorsGiveTheAPIsReasons(t *testing.T) {
	defer setProviderLang("")
	for _, l := range i18n.All {
		setProviderLang(l)
		bad := func(got []string, key string, args ...any) {
			t.Helper()
			want := i18n.T(l, "terraform.invalid") + " | " + i18n.T(l, key, args...)
			if len(got) != 1 || got[0] != want {
				t.Errorf("%s: got %q, want %q", l, got, want)
			}
		}
		bad(checkString(vCurrency, "XYZ"), "field.currency", "XYZ")
		bad(checkString(vCurrency, "brl"), "field.currency", "brl")
		bad(checkString(vCountry, "Brasil"), "field.country", "Brasil")
		bad(checkString(vName, "a\u202Eb"), "field.bidi")
		bad(checkString(vName, "   "), "field.invisible")
		bad(checkString(vOneOf("national", "regional", "any"), "global"), "field.one_of", "global", "national, regional, any")
		bad(checkString(vBudgetCode, "10 302"), "field.code", "10 302")
		bad(checkString(vRate, "-1"), "field.positive", "-1")
		bad(checkString(vRate, "0,18"), "field.decimal", "0,18")
		bad(checkString(vDate, "2026-13-01"), "field.date", "2026-13-01")
		bad(checkInt(vFiscalYear, 1999), "field.fiscal_year", 1999)
		bad(checkInt(vNonNegative, -5), "field.non_negative", int64(-5))
		bad(checkInt(vReplicas, 0), "workload.field.replicas", "1000", "0")
		bad(checkString(vSSHKeyName, "my key"), "sshkey.field.name", "my key")
		bad(checkString(vSSHPublicKey, "-----BEGIN OPENSSH PRIVATE KEY-----"), "sshkey.field.not_public_key")
		for _, ok := range [][]string{
			checkString(vCurrency, "BRL"), checkString(vCountry, "CL"), checkString(vName, "Secretaria de Saúde"),
			checkString(vBudgetCode, "10.302.5018"), checkString(vRate, "0.1843"), checkString(vDate, "2026-01-31"),
			checkInt(vFiscalYear, 2026), checkInt(vReplicas, 2), checkString(vSSHKeyName, "ana@laptop"),
			checkString(vSSHPublicKey, goodKey), checkString(vSSHPublicKey, goodKey+"\n"),
		} {
			if len(ok) != 0 {
				t.Errorf("%s: a value the API accepts was refused: %q", l, ok)
			}
		}
	}
}

// TestMirroredReasons holds the provider's copies of reasons from packages
// it does not link equal to the API's, in every language.
func TestMirroredReasons(t *testing.T) {
	t.Parallel()
	if maxReplicas != workload.MaxReplicas {
		t.Fatalf("maxReplicas %d, workload.MaxReplicas %d", maxReplicas, workload.MaxReplicas)
	}
	for _, l := range i18n.All {
		for mine, theirs := range map[string]string{
			"terraform.reason.replicas":      "workload.field.replicas",
			"terraform.reason.sshkey_name":   "sshkey.field.name",
			"terraform.reason.sshkey_public": "sshkey.field.not_public_key",
		} {
			if a, b := i18n.T(l, mine, "x", "y"), i18n.T(l, theirs, "x", "y"); a != b {
				t.Errorf("%s %s: %q, the API says %q", l, mine, a, b)
			}
		}
	}
	for _, m := range i18n.Missing() {
		if strings.HasPrefix(m, "terraform.") {
			t.Errorf("untranslated: %s", m)
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]i18n.Lang{"pt_BR.UTF-8": i18n.PTBR, "es_CL@euro": i18n.ES, "en_US.UTF-8": i18n.EN, "pt-BR": i18n.PTBR, "es": i18n.ES} {
		if got, ok := parseLang(in); !ok || got != want {
			t.Errorf("parseLang(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "C", "POSIX", "C.UTF-8", "fr_FR.UTF-8"} {
		if got, ok := parseLang(in); ok {
			t.Errorf("parseLang(%q) = %q, want no choice", in, got)
		}
	}
	t.Setenv("SOBERANA_LANG", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "fr_FR.UTF-8")
	t.Setenv("LANG", "pt_BR.UTF-8")
	if got := envLang(); got != i18n.PTBR {
		t.Errorf("LC_MESSAGES=fr, LANG=pt_BR: %q, want pt-BR (an unsupported locale is skipped)", got)
	}
	t.Setenv("LANG", "C.UTF-8")
	if got := envLang(); got != i18n.EN {
		t.Errorf("no supported locale: %q, want en", got)
	}
}
