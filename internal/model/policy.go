package model

import (
	"fmt"
	"slices"
	"strings"
)

// SovereigntyRank orders the sovereignty modes from the loosest to the
// strictest: any (0) < regional (1) < national (2); -1 for an unknown mode.
func SovereigntyRank(mode string) int {
	switch mode {
	case SovereigntyAny:
		return 0
	case SovereigntyRegional:
		return 1
	case SovereigntyNational:
		return 2
	}
	return -1
}

// DataPolicy is an institution's rule for where its data may live and
// whose law may reach it through the provider. Requests inherit it and may
// narrow it, never widen it. The zero policy is the sovereign default:
// national sovereignty, data only in the institution's own country.
type DataPolicy struct {
	// Sovereignty is the default mode and also the loosest one a request
	// may ask for: national (when empty), regional or any.
	Sovereignty string `json:"sovereignty"`
	// Jurisdictions are the provider jurisdictions (ISO 3166-1) allowed
	// where the policy says regional.
	Jurisdictions []string `json:"jurisdictions,omitempty"`
	// Countries are where the data may live (ISO 3166-1); empty means the
	// institution's own country only.
	Countries []string `json:"countries,omitempty"`
	// MinSovereignty raises the mode per classification (e.g.
	// confidential: national). A classification is held at least as
	// strictly as every lower one.
	MinSovereignty map[string]string `json:"min_sovereignty,omitempty"`
}

// Mode is the default sovereignty mode (national when unset).
func (p DataPolicy) Mode() string {
	if p.Sovereignty == "" {
		return SovereigntyNational
	}
	return p.Sovereignty
}

// AllowedCountries are the countries the data may live in; home is the
// institution's country.
func (p DataPolicy) AllowedCountries(home string) []string {
	if len(p.Countries) == 0 {
		return []string{home}
	}
	return p.Countries
}

// Floor is the loosest sovereignty a workload of the classification may
// ask for: the default mode, raised by the minimum of the classification
// and of every lower one.
func (p DataPolicy) Floor(class string) Sovereignty {
	mode := p.Mode()
	rank := ClassRank(class)
	for c, m := range p.MinSovereignty {
		if r := ClassRank(c); r >= 0 && r <= rank && SovereigntyRank(m) > SovereigntyRank(mode) {
			mode = m
		}
	}
	s := Sovereignty{Mode: mode}
	if mode == SovereigntyRegional {
		s.Jurisdictions = slices.Clone(p.Jurisdictions)
	}
	return s
}

// Summary names the policy in one line of API values (it is quoted in
// errors and shown in the console): "sovereignty national; countries BR;
// confidential national".
func (p DataPolicy) Summary(home string) string {
	var b strings.Builder
	b.WriteString("sovereignty " + p.Mode())
	if p.Mode() == SovereigntyRegional || len(p.Jurisdictions) > 0 {
		b.WriteString(" (" + strings.Join(p.Jurisdictions, ", ") + ")")
	}
	b.WriteString("; countries " + strings.Join(p.AllowedCountries(home), ", "))
	for _, c := range Classifications {
		if m, ok := p.MinSovereignty[c]; ok {
			b.WriteString("; " + c + " " + m)
		}
	}
	return b.String()
}

func (p *DataPolicy) defaults() {
	if p.Sovereignty == "" {
		p.Sovereignty = SovereigntyNational
	}
}

func (p DataPolicy) validate(v *Validator) {
	modes := []string{SovereigntyNational, SovereigntyRegional, SovereigntyAny}
	regional := v.OneOf("data_policy.sovereignty", p.Mode(), modes...) && p.Mode() == SovereigntyRegional
	for _, c := range Classifications {
		m, ok := p.MinSovereignty[c]
		if !ok {
			continue
		}
		if v.OneOf("data_policy.min_sovereignty."+c, m, modes...) && m == SovereigntyRegional {
			regional = true
		}
	}
	for c := range p.MinSovereignty {
		if ClassRank(c) < 0 {
			v.Add("data_policy.min_sovereignty", "field.one_of", c, strings.Join(Classifications, ", "))
		}
	}
	if regional && len(p.Jurisdictions) == 0 {
		v.Add("data_policy.jurisdictions", "policy.field.jurisdictions")
	}
	for i, j := range p.Jurisdictions {
		v.Country(fmt.Sprintf("data_policy.jurisdictions[%d]", i), j)
	}
	for i, c := range p.Countries {
		v.Country(fmt.Sprintf("data_policy.countries[%d]", i), c)
	}
}

// Narrow applies the policy to a request of the given classification:
// what the request leaves out (no countries, no sovereignty mode) it
// inherits; what it states must be as narrow as the policy or narrower.
// It returns one FieldError per way the request is wider (none: the
// request, completed in place, is within the policy). home is the
// institution's country.
func (p DataPolicy) Narrow(home, class string, res *Residency, sov *Sovereignty) []FieldError {
	var out []FieldError
	allowed := p.AllowedCountries(home)
	if len(res.Countries) == 0 {
		res.Countries = slices.Clone(allowed)
	}
	for i, c := range res.Countries {
		if !slices.Contains(allowed, c) {
			out = append(out, FieldError{Field: fmt.Sprintf("residency.countries[%d]", i), Key: "policy.country",
				Args: []any{c, strings.Join(allowed, ", ")}})
		}
	}
	floor := p.Floor(class)
	if sov.Mode == "" {
		*sov = floor
		return out
	}
	wider := func(asked string) {
		out = append(out, FieldError{Field: "sovereignty.mode", Key: "policy.sovereignty",
			Args: []any{asked, floor.Mode, class, floor.Mode}})
	}
	switch floor.Mode {
	case SovereigntyNational:
		if sov.Mode != SovereigntyNational {
			wider(sov.Mode)
		}
	case SovereigntyRegional:
		switch sov.Mode {
		case SovereigntyAny:
			wider(sov.Mode)
		case SovereigntyRegional:
			for i, j := range sov.Jurisdictions {
				if !slices.Contains(floor.Jurisdictions, j) {
					out = append(out, FieldError{Field: fmt.Sprintf("sovereignty.jurisdictions[%d]", i), Key: "policy.jurisdiction",
						Args: []any{j, strings.Join(floor.Jurisdictions, ", ")}})
				}
			}
		case SovereigntyNational:
			// National admits, in each country, that country's providers:
			// narrower than the region only where the country is in it.
			for i, c := range res.Countries {
				if !slices.Contains(floor.Jurisdictions, c) {
					out = append(out, FieldError{Field: fmt.Sprintf("residency.countries[%d]", i), Key: "policy.national_outside",
						Args: []any{c, strings.Join(floor.Jurisdictions, ", ")}})
				}
			}
		}
	}
	return out
}

// Judge checks one place the data lives — a site's country and its
// provider's jurisdiction — against the policy for the classification
// and returns the ways it breaks it (keys and args, as Narrow).
func (p DataPolicy) Judge(home, class, siteCountry, jurisdiction string) []FieldError {
	var out []FieldError
	if allowed := p.AllowedCountries(home); siteCountry != "" && !slices.Contains(allowed, siteCountry) {
		out = append(out, FieldError{Field: "country", Key: "policy.judge.country", Args: []any{siteCountry, strings.Join(allowed, ", ")}})
	}
	floor := p.Floor(class)
	switch floor.Mode {
	case SovereigntyNational:
		if jurisdiction != siteCountry {
			out = append(out, FieldError{Field: "jurisdiction", Key: "policy.judge.national", Args: []any{jurisdiction, siteCountry, class}})
		}
	case SovereigntyRegional:
		if !slices.Contains(floor.Jurisdictions, jurisdiction) {
			out = append(out, FieldError{Field: "jurisdiction", Key: "policy.judge.regional",
				Args: []any{jurisdiction, strings.Join(floor.Jurisdictions, ", "), class}})
		}
	}
	return out
}

// Within narrows a stored request to the policy as it stands now, for
// placing it again (a migration, an evacuation): countries outside the
// policy are dropped (with their subdivisions), a mode looser than the
// policy's floor becomes the floor, regional jurisdictions outside the
// floor's are dropped, and national under a regional floor keeps only the
// countries in the region. Nothing is widened; what is left may fit
// nowhere, which the placement then explains.
func (p DataPolicy) Within(home, class string, res Residency, sov Sovereignty) (Residency, Sovereignty) {
	allowed := p.AllowedCountries(home)
	keep := func(list, in []string) []string {
		out := []string{}
		for _, c := range list {
			if slices.Contains(in, c) {
				out = append(out, c)
			}
		}
		return out
	}
	res.Countries = keep(res.Countries, allowed)
	floor := p.Floor(class)
	switch floor.Mode {
	case SovereigntyNational:
		sov = Sovereignty{Mode: SovereigntyNational}
	case SovereigntyRegional:
		switch sov.Mode {
		case SovereigntyRegional:
			sov.Jurisdictions = keep(sov.Jurisdictions, floor.Jurisdictions)
		case SovereigntyNational:
			res.Countries = keep(res.Countries, floor.Jurisdictions)
		default:
			sov = floor
		}
	}
	var subs []string
	for _, s := range res.Subdivisions {
		if len(s) > 2 && slices.Contains(res.Countries, s[:2]) {
			subs = append(subs, s)
		}
	}
	res.Subdivisions = subs
	return res, sov
}
