package model

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/geo"
	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/scs"
)

// ErrInvalid is wrapped by every validation failure.
var ErrInvalid = errors.New("invalid input")

// FieldError is one invalid field with a localizable reason.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

// Reason renders the reason in lang.
func (f FieldError) Reason(l i18n.Lang) string { return i18n.T(l, f.Key, f.Args...) }

// ValidationError lists every invalid field of one input.
type ValidationError struct{ Fields []FieldError }

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Reason(i18n.EN)
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Validator collects field errors.
type Validator struct{ fields []FieldError }

// Add records an invalid field.
func (v *Validator) Add(field, key string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Key: key, Args: args})
}

// Err returns nil or a *ValidationError.
func (v *Validator) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &ValidationError{Fields: v.fields}
}

// Required checks a non-empty string of at most 200 characters.
func (v *Validator) Required(field, s string) bool {
	switch {
	case strings.TrimSpace(s) == "":
		v.Add(field, "field.required")
		return false
	case len(s) > 200:
		v.Add(field, "field.too_long", 200)
		return false
	}
	return true
}

// OneOf checks s is one of allowed.
func (v *Validator) OneOf(field, s string, allowed ...string) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	v.Add(field, "field.one_of", s, strings.Join(allowed, ", "))
	return false
}

// Country checks an ISO 3166-1 alpha-2 code.
func (v *Validator) Country(field, c string) bool {
	if !geo.ValidCountry(c) {
		v.Add(field, "field.country", c)
		return false
	}
	return true
}

// Subdivision checks an ISO 3166-2 code of the given country.
func (v *Validator) Subdivision(field, sub, country string) bool {
	if ok, _ := geo.ValidSubdivision(sub); !ok {
		v.Add(field, "field.subdivision", sub)
		return false
	}
	if country != "" && !strings.HasPrefix(sub, country+"-") {
		v.Add(field, "field.subdivision_country", sub, country)
		return false
	}
	return true
}

// Currency checks an ISO 4217 code.
func (v *Validator) Currency(field, c string) bool {
	if _, err := money.ParseCurrency(c); err != nil {
		v.Add(field, "field.currency", c)
		return false
	}
	return true
}

// NonNegative checks n >= 0.
func (v *Validator) NonNegative(field string, n int64) bool {
	if n < 0 {
		v.Add(field, "field.non_negative", n)
		return false
	}
	return true
}

// Positive checks n > 0.
func (v *Validator) Positive(field string, n int64) bool {
	if n <= 0 {
		v.Add(field, "field.positive", n)
		return false
	}
	return true
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$`)

// Validate checks a provider.
func (p *Provider) Validate() error {
	var v Validator
	v.Name("name", &p.Name)
	v.OneOf("driver", p.Driver, DriverSim, DriverOpenStack, DriverKubernetes)
	if p.Kind != "" {
		v.OneOf("kind", p.Kind, ProviderKinds...)
	}
	v.Country("jurisdiction", p.Jurisdiction)
	v.OneOf("certification", p.Certification, Classifications...)
	p.Currency = NormalizeCurrency(p.Currency)
	v.Currency("currency", p.Currency)
	v.OneOf("health", p.Health, HealthHealthy, HealthDegraded, HealthDown)
	return v.Err()
}

// Defaults fills in defaults before validation.
func (p *Provider) Defaults() {
	if p.Health == "" {
		p.Health = HealthHealthy
	}
	p.Currency = NormalizeCurrency(p.Currency)
	p.Simulated = p.Driver == DriverSim
}

// Defaults fills in defaults before validation.
func (s *Site) Defaults() {
	if s.Health == "" {
		s.Health = HealthHealthy
	}
	if s.Tier == "" {
		s.Tier = TierCore
	}
	if s.Overcommit.VCPU == "" {
		s.Overcommit.VCPU = "4"
	}
	if s.Overcommit.Memory == "" {
		s.Overcommit.Memory = "1"
	}
	if s.Overcommit.Disk == "" {
		s.Overcommit.Disk = "1"
	}
}

// Validate checks a site.
func (s *Site) Validate() error {
	var v Validator
	v.Required("provider_id", s.ProviderID)
	v.Name("name", &s.Name)
	v.Country("country", s.Country)
	if s.Subdivision != "" {
		v.Subdivision("subdivision", s.Subdivision, s.Country)
	}
	if math.IsNaN(s.Latitude) || s.Latitude < -90 || s.Latitude > 90 {
		v.Add("latitude", "field.latitude", s.Latitude)
	}
	if math.IsNaN(s.Longitude) || s.Longitude < -180 || s.Longitude > 180 {
		v.Add("longitude", "field.longitude", s.Longitude)
	}
	v.OneOf("tier", s.Tier, TierCore, TierEdge)
	if !codeRE.MatchString(s.FailureDomain) {
		v.Add("failure_domain", "field.code", s.FailureDomain)
	}
	if s.Certification != "" {
		v.OneOf("certification", s.Certification, Classifications...)
	}
	v.NonNegative("capacity.vcpus", s.Capacity.VCPUs)
	v.NonNegative("capacity.memory_mib", s.Capacity.MemoryMiB)
	v.NonNegative("capacity.disk_gib", s.Capacity.DiskGiB)
	for f, r := range map[string]string{"overcommit.vcpu": s.Overcommit.VCPU, "overcommit.memory": s.Overcommit.Memory, "overcommit.disk": s.Overcommit.Disk} {
		d, err := money.ParseDecimal(r)
		if err != nil || d.Sign() <= 0 || d.Cmp(money.MustParseDecimal("64")) > 0 {
			v.Add(f, "field.ratio", r)
		}
	}
	v.OneOf("health", s.Health, HealthHealthy, HealthDegraded, HealthDown)
	return v.Err()
}

// Defaults derives a VM offering's resources from its SCS flavor name.
func (o *Offering) Defaults() {
	if o.Kind == "" {
		o.Kind = KindVM
	}
	if o.Kind == KindVM {
		if f, err := scs.Parse(o.Name); err == nil {
			o.VCPUs = int64(f.VCPUs)
			o.MemoryMiB = f.RAMMiB
			o.DiskGiB = f.DiskGiB
		}
	}
}

// Validate checks an offering.
func (o *Offering) Validate() error {
	var v Validator
	if v.Required("name", o.Name) && o.Kind == KindVM {
		if _, err := scs.Parse(o.Name); err != nil {
			v.Add("name", "field.scs_flavor", o.Name, err.Error())
		}
	}
	v.OneOf("kind", o.Kind, KindVM, KindNamespace, KindVolume)
	v.NonNegative("vcpus", o.VCPUs)
	v.NonNegative("memory_mib", o.MemoryMiB)
	v.NonNegative("disk_gib", o.DiskGiB)
	if o.Kind != KindVM && o.VCPUs == 0 && o.MemoryMiB == 0 && o.DiskGiB == 0 {
		v.Add("disk_gib", "field.empty_offering")
	}
	return v.Err()
}

// Validate checks a price.
func (p *Price) Validate() error {
	var v Validator
	v.Required("provider_id", p.ProviderID)
	v.Required("offering_id", p.OfferingID)
	p.Currency = NormalizeCurrency(p.Currency)
	v.Currency("currency", p.Currency)
	if d, err := money.ParseDecimal(p.PerHour); err != nil {
		v.Add("per_hour", "field.decimal", p.PerHour)
	} else if d.Sign() < 0 {
		v.Add("per_hour", "field.non_negative", p.PerHour)
	} else if d.Scale() > 9 {
		v.Add("per_hour", "field.decimals", 9)
	}
	if p.StoppedPerHour != "" {
		if d, err := money.ParseDecimal(p.StoppedPerHour); err != nil {
			v.Add("stopped_per_hour", "field.decimal", p.StoppedPerHour)
		} else if d.Sign() < 0 {
			v.Add("stopped_per_hour", "field.non_negative", p.StoppedPerHour)
		} else if d.Scale() > 9 {
			v.Add("stopped_per_hour", "field.decimals", 9)
		}
	}
	if _, err := time.Parse(time.DateOnly, p.ValidFrom); err != nil {
		v.Add("valid_from", "field.date", p.ValidFrom)
	}
	return v.Err()
}

// Validate checks an institution.
func (i *Institution) Validate() error {
	var v Validator
	v.Name("name", &i.Name)
	v.Country("country", i.Country)
	i.Currency = NormalizeCurrency(i.Currency)
	v.Currency("currency", i.Currency)
	v.NonNegative("auto_approve_minor", i.AutoApproveMinor)
	i.DataPolicy.validate(&v)
	return v.Err()
}

// Validate checks a budget line.
func (b *BudgetLine) Validate() error {
	var v Validator
	v.Required("institution_id", b.InstitutionID)
	if b.FiscalYear < 2000 || b.FiscalYear > 2100 {
		v.Add("fiscal_year", "field.fiscal_year", b.FiscalYear)
	}
	if !codeRE.MatchString(b.Code) {
		v.Add("code", "field.code", b.Code)
	}
	v.Name("name", &b.Name)
	v.NonNegative("amount_minor", b.AmountMinor)
	b.Currency = NormalizeCurrency(b.Currency)
	if b.Currency != "" {
		v.Currency("currency", b.Currency)
	}
	return v.Err()
}

// Validate checks a project.
func (p *Project) Validate() error {
	var v Validator
	v.Required("institution_id", p.InstitutionID)
	v.Required("budget_line_id", p.BudgetLineID)
	v.Name("name", &p.Name)
	return v.Err()
}

// Validate checks an exchange rate.
func (f *FXRate) Validate() error {
	var v Validator
	f.From, f.To = NormalizeCurrency(f.From), NormalizeCurrency(f.To)
	v.Currency("from", f.From)
	v.Currency("to", f.To)
	if f.From != "" && f.From == f.To {
		v.Add("to", "field.same_currency", f.To)
	}
	if d, err := money.ParseDecimal(f.Rate); err != nil {
		v.Add("rate", "field.decimal", f.Rate)
	} else if d.Sign() <= 0 {
		v.Add("rate", "field.positive", f.Rate)
	} else if d.Scale() > 10 {
		v.Add("rate", "field.decimals", 10)
	}
	if _, err := time.Parse(time.DateOnly, f.ValidOn); err != nil {
		v.Add("valid_on", "field.date", f.ValidOn)
	}
	v.Required("source", f.Source)
	return v.Err()
}

// Validatable is implemented by every noun.
type Validatable interface{ Validate() error }

// Describe is a developer-facing summary used in logs.
func Describe(err error) string { return fmt.Sprintf("%v", err) }
