package placement

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/soberana/soberana/internal/i18n"
)

// Reason is a per-site constraint a site can fail. Each rejected site is
// counted once, under the first constraint it fails in this order.
type Reason uint8

// The per-site constraints, in the order they are checked.
const (
	ReasonNone Reason = iota
	ReasonExcluded
	ReasonResidency
	ReasonSubstrate
	ReasonSovereignty
	ReasonProviderCertification
	ReasonSiteCertification
	ReasonTier
	ReasonUnhealthy
	ReasonTooFar
	ReasonNoPrice
	ReasonImage
	ReasonVCPU
	ReasonMemory
	ReasonDisk
	numReasons

	// reasonNoHeadroom rejects a site only for the Balanced preference's
	// first pass; it is never reported.
	reasonNoHeadroom = numReasons
)

var reasons = enum[Reason]{"reason", []string{
	"none", "excluded", "residency", "substrate", "sovereignty", "provider_certification",
	"site_certification", "tier", "unhealthy", "too_far", "no_price",
	"image", "vcpu", "memory", "disk",
}}

// String returns the reason's stable machine name ("residency").
func (r Reason) String() string { return reasons.name(r) }

// MarshalText implements encoding.TextMarshaler.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// ReasonCount is how many sites a constraint rejected.
type ReasonCount struct {
	Reason Reason `json:"reason"`
	Sites  int    `json:"sites"`
}

// SetFailure says why no set could be formed from the sites that pass every
// per-site constraint.
type SetFailure uint8

// The set failures.
const (
	SetOK          SetFailure = iota // a set was found, or no site fits at all
	SetTooFewSites                   // fewer fitting sites than replicas
	SetProviders                     // fewer distinct providers than required
	SetDomains                       // fewer distinct failure domains than required
	SetDomainCap                     // MaxPerFailureDomain leaves too few slots
	SetCombination                   // the rules cannot be met together
	SetHeuristic                     // the spread heuristic found no set
	SetSearchLimit                   // the exact search hit its budget first
	SetCoverage                      // a near point or subdivision has no fitting site
)

var setFailures = enum[SetFailure]{"set", []string{"ok", "too_few_sites", "providers", "failure_domains",
	"failure_domain_cap", "combination", "heuristic", "search_limit", "coverage"}}

// String returns the failure's stable machine name.
func (s SetFailure) String() string { return setFailures.name(s) }

// MarshalText implements encoding.TextMarshaler.
func (s SetFailure) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Reasons explains a decision in numbers, so that callers can localize or
// render it; Explain renders it in a language.
type Reasons struct {
	// What was asked, for the messages.
	Sites          int // sites in the fleet at decision time
	Replicas       int
	OfferingID     string
	OfferingName   string // what people read; OfferingID when empty
	Preference     Preference
	Classification Classification
	Residency      Residency
	Sovereignty    Sovereignty
	Redundancy     Redundancy
	Tier           Tier
	HasTier        bool
	Substrate      Substrate
	Image          string
	Near           Near
	HasNear        bool
	Currency       string
	MinorDigits    int

	// Why nothing fits (NoFitError).
	Fit           int           // sites that pass every per-site constraint
	Rejected      []ReasonCount // per constraint, largest first
	Set           SetFailure    // why the fitting sites form no set
	ProvidersLeft int           // distinct providers among the fitting sites
	DomainsLeft   int           // distinct failure domains among the fitting sites
	DomainSlots   int           // replicas the per-domain cap lets the fitting sites hold
	// Uncovered are the coverage requirements no fitting site covers.
	Uncovered []Uncovered

	// Why these sites (Decision).
	Placed            int
	TotalMonthlyMinor int64
	Exact             bool
	HeadroomFallback  bool
	Providers         int     // distinct providers chosen
	FailureDomains    int     // distinct failure domains chosen
	MinPairDistanceKm float64 // closest two replicas (computed up to 32 replicas)
}

// noFit counts, over the whole fleet, why sites were rejected, and why the
// rest form no set. It is the slow path: it scans every site of the allowed
// countries.
func (e *Engine) noFit(w *work) error {
	r := e.baseReasons(w)
	var counts [numReasons]int
	w.gEpoch++
	if w.gEpoch == 0 {
		clear(w.gMark)
		clear(w.fMark)
		w.gEpoch = 1
	}
	scanned := 0
	var fitting []int32
	for i := range w.slots {
		sl := &w.slots[i]
		for _, si := range e.countries[sl.c].sites {
			scanned++
			s := e.sites[si]
			if why := e.siteReason(w, s, si, sl, true); why != ReasonNone {
				counts[why]++
				continue
			}
			r.Fit++
			if len(w.cov) > 0 {
				fitting = append(fitting, si)
			}
			if w.gMark[s.prov] != w.gEpoch {
				w.gMark[s.prov] = w.gEpoch
				r.ProvidersLeft++
			}
			if w.fMark[s.fd] != w.gEpoch {
				w.fMark[s.fd] = w.gEpoch
				w.fCnt[s.fd] = 0
				r.DomainsLeft++
			}
			w.fCnt[s.fd]++
			if w.maxFD == 0 || int(w.fCnt[s.fd]) <= w.maxFD {
				r.DomainSlots++
			}
		}
	}
	counts[ReasonResidency] += len(e.siteByID) - scanned
	for why, n := range counts {
		if n > 0 {
			r.Rejected = append(r.Rejected, ReasonCount{Reason: Reason(why), Sites: n})
		}
	}
	slices.SortStableFunc(r.Rejected, func(a, b ReasonCount) int { return cmp.Compare(b.Sites, a.Sites) })
	if len(w.cov) > 0 {
		r.Uncovered = e.uncovered(w, fitting)
	}
	switch {
	case r.Fit == 0:
		r.Set = SetOK
	case len(r.Uncovered) > 0:
		r.Set = SetCoverage
	case r.Fit < w.n:
		r.Set = SetTooFewSites
	case r.ProvidersLeft < w.minP:
		r.Set = SetProviders
	case r.DomainsLeft < w.minF:
		r.Set = SetDomains
	case r.DomainSlots < w.n:
		r.Set = SetDomainCap
	case w.aborted:
		r.Set = SetSearchLimit
	case w.n > MaxExactReplicas:
		r.Set = SetHeuristic
	default:
		r.Set = SetCombination
	}
	return &NoFitError{Reasons: r}
}

func (e *Engine) overCeiling(w *work, exact bool) error {
	r := e.baseReasons(w)
	return &CostCeilingError{
		CheapestMinor: w.total(),
		CeilingMinor:  w.req.CostCeilingMinor,
		Exact:         exact,
		Reasons:       r,
	}
}

// Explain renders the reasons in lang: on a decision, why those sites; on
// a NoFitError, why none, in numbers per constraint.
func (r *Reasons) Explain(lang i18n.Lang) string {
	if r.Placed > 0 {
		return r.explainPlaced(lang)
	}
	var b strings.Builder
	b.WriteString(i18n.T(lang, "placement.nofit", 0, r.Sites))
	for i, rc := range r.Rejected {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(r.reasonText(lang, rc))
	}
	if s := r.setText(lang); s != "" {
		b.WriteString("; ")
		b.WriteString(s)
	}
	return b.String()
}

func (r *Reasons) reasonText(lang i18n.Lang, rc ReasonCount) string {
	n := rc.Sites
	switch rc.Reason {
	case ReasonResidency:
		return i18n.T(lang, "placement.reason.residency", n, residencyText(r.Residency))
	case ReasonSovereignty:
		if r.Sovereignty.Mode == Regional {
			return i18n.T(lang, "placement.reason.sovereignty.regional", n, "["+strings.Join(r.Sovereignty.Jurisdictions, ", ")+"]")
		}
		return i18n.T(lang, "placement.reason.sovereignty.national", n)
	case ReasonProviderCertification:
		return i18n.T(lang, "placement.reason.provider_certification", n, i18n.T(lang, "placement.class."+r.Classification.String()))
	case ReasonSiteCertification:
		return i18n.T(lang, "placement.reason.site_certification", n, i18n.T(lang, "placement.class."+r.Classification.String()))
	case ReasonTier:
		return i18n.T(lang, "placement.reason.tier", n, i18n.T(lang, "placement.tier."+r.Tier.String()))
	case ReasonTooFar:
		return i18n.T(lang, "placement.reason.too_far", n, r.Near.RadiusKm)
	case ReasonNoPrice:
		return i18n.T(lang, "placement.reason.no_price", n, nameOr(r.OfferingName, r.OfferingID))
	case ReasonImage:
		return i18n.T(lang, "placement.reason.image", n, r.Image)
	case ReasonSubstrate:
		if r.Substrate == SubstrateSimulated {
			return i18n.T(lang, "placement.reason.substrate.real", n)
		}
		return i18n.T(lang, "placement.reason.substrate.simulated", n)
	default:
		return i18n.T(lang, "placement.reason."+rc.Reason.String(), n)
	}
}

func (r *Reasons) setText(lang i18n.Lang) string {
	rd := &r.Redundancy
	switch r.Set {
	case SetTooFewSites:
		return plural(lang, "placement.set.too_few_sites", r.Fit, r.Fit, r.Replicas)
	case SetProviders:
		return plural(lang, "placement.set.providers", r.ProvidersLeft, r.ProvidersLeft, rd.MinProviders)
	case SetDomains:
		return plural(lang, "placement.set.failure_domains", r.DomainsLeft, r.DomainsLeft, rd.MinFailureDomains)
	case SetDomainCap:
		return i18n.T(lang, "placement.set.failure_domain_cap", rd.MaxPerFailureDomain, r.DomainSlots, r.Replicas)
	case SetCombination, SetHeuristic:
		return i18n.T(lang, "placement.set."+r.Set.String(), r.Replicas, r.Fit,
			rd.MinProviders, rd.MinFailureDomains, rd.MinDistanceKm)
	case SetSearchLimit:
		return i18n.T(lang, "placement.set.search_limit", r.Fit)
	case SetCoverage:
		return r.coverageText(lang)
	}
	return ""
}

func (r *Reasons) explainPlaced(lang i18n.Lang) string {
	var b strings.Builder
	b.WriteString(plural(lang, "placement.placed", r.Placed, r.Placed,
		formatMoney(lang, r.TotalMonthlyMinor, r.Currency, r.MinorDigits)))
	b.WriteString(", ")
	switch {
	case r.Preference == Nearest:
		b.WriteString(i18n.T(lang, "placement.why.nearest"))
	case r.Preference == Balanced && !r.HeadroomFallback:
		b.WriteString(i18n.T(lang, "placement.why.balanced"))
	case r.Preference == Balanced:
		b.WriteString(i18n.T(lang, "placement.why.balanced_fallback"))
	case r.Replicas > MaxExactReplicas:
		b.WriteString(i18n.T(lang, "placement.why.heuristic"))
	default:
		b.WriteString(i18n.T(lang, "placement.why.cheapest"))
	}
	if !r.Exact && r.Replicas <= MaxExactReplicas {
		b.WriteString(" (")
		b.WriteString(i18n.T(lang, "placement.why.inexact"))
		b.WriteString(")")
	}
	if r.Placed > 1 {
		b.WriteString("; ")
		b.WriteString(i18n.T(lang, "placement.spread", r.Providers, r.Redundancy.MinProviders,
			r.FailureDomains, r.Redundancy.MinFailureDomains))
		if r.MinPairDistanceKm > 0 {
			b.WriteString("; ")
			b.WriteString(i18n.T(lang, "placement.distance", r.MinPairDistanceKm, r.Redundancy.MinDistanceKm))
		}
	}
	return b.String()
}

// Explain renders the decision in lang: why these sites, then each site
// with its provider, failure domain, place and cost.
func (d *Decision) Explain(lang i18n.Lang) string {
	var b strings.Builder
	b.WriteString(d.Reasons.Explain(lang))
	for i, c := range d.Choices {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		where := c.Subdivision
		if where == "" {
			where = c.Country
		}
		fd := c.FailureDomain
		if fd == "" {
			fd = "-"
		}
		b.WriteString(i18n.T(lang, "placement.choice", nameOr(c.SiteName, c.SiteID), nameOr(c.ProviderName, c.ProviderID), fd, where,
			formatMoney(lang, c.MonthlyMinor, d.Reasons.Currency, d.Reasons.MinorDigits)))
		if d.Reasons.HasNear {
			b.WriteString(", ")
			b.WriteString(i18n.T(lang, "placement.choice.near", c.DistanceKm))
		}
		if c.Serves != "" {
			b.WriteString(", ")
			b.WriteString(servesText(lang, c))
		}
	}
	return b.String()
}

// residencyText renders allowed places: countries, each replaced by its
// listed subdivisions when it has some.
func residencyText(r Residency) string {
	var parts []string
	for _, c := range r.Countries {
		n := len(parts)
		for _, s := range r.Subdivisions {
			if strings.HasPrefix(s, c+"-") {
				parts = append(parts, s)
			}
		}
		if len(parts) == n {
			parts = append(parts, c)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// plural renders key+".one" when n is in the CLDR "one" category of lang
// (1 in es and en; 0 and 1 in pt-BR) and key+".other" otherwise.
func plural(lang i18n.Lang, key string, n int, args ...any) string {
	if i18n.Category(lang, n) == "one" {
		return i18n.T(lang, key+".one", args...)
	}
	return i18n.T(lang, key+".other", args...)
}

// formatMoney renders an amount in minor units exactly, with the locale's
// digit grouping and decimal separator: "BRL 1.234,56", "BRL 1,234.56".
func formatMoney(lang i18n.Lang, minor int64, currency string, digits int) string {
	sign := ""
	u := uint64(minor)
	if minor < 0 {
		sign, u = "-", uint64(-minor)
	}
	var scale uint64 = 1
	for range digits {
		scale *= 10
	}
	s := sign + i18n.Printer(lang).Sprintf("%d", u/scale)
	if digits > 0 {
		sep := ","
		if lang == i18n.EN {
			sep = "."
		}
		s += sep + fmt.Sprintf("%0*d", digits, u%scale)
	}
	if currency != "" {
		s = currency + " " + s
	}
	return s
}

// nameOr is what people read: the name, or the id when there is none.
func nameOr(name, id string) string {
	if name != "" {
		return name
	}
	return id
}
