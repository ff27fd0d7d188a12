package model

import (
	"errors"
	"reflect"
	"testing"
)

func TestZeroPolicyIsNationalAtHome(t *testing.T) {
	t.Parallel()
	var p DataPolicy
	for _, c := range Classifications {
		if f := p.Floor(c); f.Mode != SovereigntyNational {
			t.Fatalf("%s floor %+v, want national", c, f)
		}
	}
	res, sov := Residency{}, Sovereignty{}
	if errs := p.Narrow("BR", ClassInternal, &res, &sov); len(errs) != 0 {
		t.Fatal(errs)
	}
	if !reflect.DeepEqual(res.Countries, []string{"BR"}) || sov.Mode != SovereigntyNational {
		t.Fatalf("inherited %+v %+v", res, sov)
	}
	res, sov = Residency{Countries: []string{"BR"}}, Sovereignty{Mode: SovereigntyAny}
	if errs := p.Narrow("BR", ClassPublic, &res, &sov); len(errs) != 1 || errs[0].Key != "policy.sovereignty" {
		t.Fatalf("any under the zero policy: %+v", errs)
	}
}

// The minimum of a classification holds for every higher one too, and
// never loosens the default.
func TestFloorIsMonotonic(t *testing.T) {
	t.Parallel()
	p := DataPolicy{Sovereignty: SovereigntyAny, Jurisdictions: []string{"BR", "AR"},
		MinSovereignty: map[string]string{ClassInternal: SovereigntyRegional, ClassRestricted: SovereigntyNational}}
	want := map[string]string{ClassPublic: SovereigntyAny, ClassInternal: SovereigntyRegional,
		ClassConfidential: SovereigntyRegional, ClassRestricted: SovereigntyNational}
	for c, m := range want {
		if f := p.Floor(c); f.Mode != m {
			t.Fatalf("%s: %+v, want %s", c, f, m)
		}
	}
	if f := p.Floor(ClassConfidential); !reflect.DeepEqual(f.Jurisdictions, []string{"BR", "AR"}) {
		t.Fatalf("regional floor without its jurisdictions: %+v", f)
	}
	strict := DataPolicy{Sovereignty: SovereigntyNational, MinSovereignty: map[string]string{ClassPublic: SovereigntyAny}}
	if f := strict.Floor(ClassPublic); f.Mode != SovereigntyNational {
		t.Fatalf("a minimum loosened the default: %+v", f)
	}
}

func TestNarrowRegional(t *testing.T) {
	t.Parallel()
	p := DataPolicy{Sovereignty: SovereigntyRegional, Jurisdictions: []string{"BR", "AR"}, Countries: []string{"BR", "AR", "UY"}}
	for _, tc := range []struct {
		name  string
		res   Residency
		sov   Sovereignty
		wider []string // fields
	}{
		{"subset of jurisdictions", Residency{Countries: []string{"BR"}}, Sovereignty{Mode: SovereigntyRegional, Jurisdictions: []string{"AR"}}, nil},
		{"foreign jurisdiction", Residency{Countries: []string{"BR"}}, Sovereignty{Mode: SovereigntyRegional, Jurisdictions: []string{"BR", "US"}}, []string{"sovereignty.jurisdictions[1]"}},
		{"any", Residency{Countries: []string{"BR"}}, Sovereignty{Mode: SovereigntyAny}, []string{"sovereignty.mode"}},
		{"national inside the region", Residency{Countries: []string{"BR", "AR"}}, Sovereignty{Mode: SovereigntyNational}, nil},
		{"national outside the region", Residency{Countries: []string{"BR", "UY"}}, Sovereignty{Mode: SovereigntyNational}, []string{"residency.countries[1]"}},
		{"country outside the policy", Residency{Countries: []string{"CL"}}, Sovereignty{Mode: SovereigntyRegional, Jurisdictions: []string{"BR"}}, []string{"residency.countries[0]"}},
	} {
		res, sov := tc.res, tc.sov
		var got []string
		for _, f := range p.Narrow("BR", ClassInternal, &res, &sov) {
			got = append(got, f.Field)
		}
		if !reflect.DeepEqual(got, tc.wider) {
			t.Errorf("%s: wider in %v, want %v", tc.name, got, tc.wider)
		}
	}
}

func TestJudge(t *testing.T) {
	t.Parallel()
	p := DataPolicy{Sovereignty: SovereigntyAny, MinSovereignty: map[string]string{ClassConfidential: SovereigntyNational}}
	if errs := p.Judge("BR", ClassInternal, "BR", "US"); len(errs) != 0 {
		t.Fatalf("internal on a US provider under an open policy: %+v", errs)
	}
	if errs := p.Judge("BR", ClassConfidential, "BR", "US"); len(errs) != 1 || errs[0].Key != "policy.judge.national" {
		t.Fatalf("confidential on a US provider: %+v", errs)
	}
	if errs := p.Judge("BR", ClassInternal, "CO", "CO"); len(errs) != 1 || errs[0].Key != "policy.judge.country" {
		t.Fatalf("outside the countries: %+v", errs)
	}
}

func TestInstitutionPolicyValidation(t *testing.T) {
	t.Parallel()
	in := Institution{Name: "Prefeitura", Country: "BR", Currency: "BRL",
		DataPolicy: DataPolicy{Sovereignty: "sovereign", Countries: []string{"Brasil"},
			MinSovereignty: map[string]string{"secret": SovereigntyNational, ClassInternal: SovereigntyRegional}}}
	in.Defaults()
	err := in.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("invalid policy accepted: %v", err)
	}
	fields := map[string]bool{}
	for _, f := range ve.Fields {
		fields[f.Field] = true
	}
	for _, f := range []string{"data_policy.sovereignty", "data_policy.countries[0]", "data_policy.min_sovereignty", "data_policy.jurisdictions"} {
		if !fields[f] {
			t.Errorf("no error on %s: %v", f, err)
		}
	}
	ok := Institution{Name: "Prefeitura", Country: "BR", Currency: "BRL"}
	ok.Defaults()
	if err := ok.Validate(); err != nil || ok.DataPolicy.Sovereignty != SovereigntyNational {
		t.Fatalf("default policy: %v %+v", err, ok.DataPolicy)
	}
}

func TestWithinNeverWidens(t *testing.T) {
	t.Parallel()
	p := DataPolicy{Sovereignty: SovereigntyRegional, Jurisdictions: []string{"BR", "AR"}, Countries: []string{"BR", "AR"}}
	for _, tc := range []struct {
		name             string
		res              Residency
		sov              Sovereignty
		wantRes          []string
		wantSubs         []string
		wantMode         string
		wantJurisdiction []string
	}{
		{"any becomes the floor", Residency{Countries: []string{"BR", "CO"}, Subdivisions: []string{"BR-SP", "CO-DC"}}, Sovereignty{Mode: SovereigntyAny},
			[]string{"BR"}, []string{"BR-SP"}, SovereigntyRegional, []string{"BR", "AR"}},
		{"regional keeps its own subset", Residency{Countries: []string{"AR"}}, Sovereignty{Mode: SovereigntyRegional, Jurisdictions: []string{"AR", "US"}},
			[]string{"AR"}, nil, SovereigntyRegional, []string{"AR"}},
		{"national stays national", Residency{Countries: []string{"BR", "AR"}}, Sovereignty{Mode: SovereigntyNational},
			[]string{"BR", "AR"}, nil, SovereigntyNational, nil},
	} {
		res, sov := p.Within("BR", ClassInternal, tc.res, tc.sov)
		if !reflect.DeepEqual(res.Countries, tc.wantRes) || !reflect.DeepEqual(res.Subdivisions, tc.wantSubs) ||
			sov.Mode != tc.wantMode || !reflect.DeepEqual(sov.Jurisdictions, tc.wantJurisdiction) {
			t.Errorf("%s: %+v %+v", tc.name, res, sov)
		}
	}
	national := DataPolicy{}
	res, sov := national.Within("BR", ClassPublic, Residency{Countries: []string{"CO"}}, Sovereignty{Mode: SovereigntyAny})
	if len(res.Countries) != 0 || sov.Mode != SovereigntyNational {
		t.Fatalf("nothing of the old request is allowed: %+v %+v", res, sov)
	}
}
