package store

import (
	"context"
	"database/sql"
	"errors"
	"reflect"

	"github.com/soberana/soberana/internal/model"
)

// noun completes an entity with what every noun shares: meta is the
// model.Meta it embeds, and when values is unset its columns are all
// plain fields (no JSON, no time in microseconds), so what it writes is
// what scanDest reads into and the noun names its fields once.
func noun[T any, P interface {
	*T
	GetMeta() *model.Meta
}](e *entity[T]) *entity[T] {
	e.meta = func(v *T) *model.Meta { return P(v).GetMeta() }
	if e.values == nil {
		e.values = func(v *T) []any {
			vs := e.scanDest(v)
			for i, p := range vs {
				vs[i] = reflect.ValueOf(p).Elem().Interface()
			}
			return vs
		}
	}
	return e
}

var providers = noun(&entity[model.Provider]{
	table:   "providers",
	cols:    []string{"name", "driver", "jurisdiction", "certification", "currency", "simulated", "health", "kind"},
	filters: map[string]bool{"driver": true, "jurisdiction": true, "name": true, "kind": true},
	scanDest: func(v *model.Provider) []any {
		return []any{&v.Name, &v.Driver, &v.Jurisdiction, &v.Certification, &v.Currency, &v.Simulated, &v.Health, &v.Kind}
	},
})

var sites = noun(&entity[model.Site]{
	table: "sites",
	cols: []string{"provider_id", "name", "country", "subdivision", "city", "latitude", "longitude", "tier",
		"failure_domain", "certification", "vcpus", "memory_mib", "disk_gib", "overcommit_vcpu",
		"overcommit_memory", "overcommit_disk", "health", "simulated"},
	filters: map[string]bool{"provider_id": true, "country": true, "tier": true, "health": true, "subdivision": true},
	scanDest: func(v *model.Site) []any {
		return []any{&v.ProviderID, &v.Name, &v.Country, &v.Subdivision, &v.City, &v.Latitude, &v.Longitude, &v.Tier,
			&v.FailureDomain, &v.Certification, &v.Capacity.VCPUs, &v.Capacity.MemoryMiB, &v.Capacity.DiskGiB,
			&v.Overcommit.VCPU, &v.Overcommit.Memory, &v.Overcommit.Disk, &v.Health, &v.Simulated}
	},
})

var offerings = noun(&entity[model.Offering]{
	table:   "offerings",
	cols:    []string{"name", "kind", "vcpus", "memory_mib", "disk_gib", "description"},
	filters: map[string]bool{"kind": true, "name": true},
	scanDest: func(v *model.Offering) []any {
		return []any{&v.Name, &v.Kind, &v.VCPUs, &v.MemoryMiB, &v.DiskGiB, &v.Description}
	},
})

var prices = noun(&entity[model.Price]{
	table:   "prices",
	cols:    []string{"provider_id", "offering_id", "currency", "per_hour", "valid_from", "stopped_per_hour"},
	filters: map[string]bool{"provider_id": true, "offering_id": true, "currency": true},
	scanDest: func(v *model.Price) []any {
		return []any{&v.ProviderID, &v.OfferingID, &v.Currency, &v.PerHour, &v.ValidFrom, &v.StoppedPerHour}
	},
	changed: (*Tx).pricesChanged,
})

var institutions = noun(&entity[model.Institution]{
	table:   "institutions",
	cols:    []string{"name", "country", "currency", "auto_approve_minor", "allow_overdraft_requests", "data_policy"},
	filters: map[string]bool{"country": true, "name": true},
	values: func(v *model.Institution) []any {
		// Stored explicit: an unset mode is the national default.
		v.DataPolicy.Sovereignty = v.DataPolicy.Mode()
		return []any{v.Name, v.Country, v.Currency, v.AutoApproveMinor, v.AllowOverdraftRequests, jsonText(v.DataPolicy)}
	},
	scanDest: func(v *model.Institution) []any {
		return []any{&v.Name, &v.Country, &v.Currency, &v.AutoApproveMinor, &v.AllowOverdraftRequests, jsonCol{&v.DataPolicy}}
	},
})

var budgetLines = noun(&entity[model.BudgetLine]{
	table:   "budget_lines",
	cols:    []string{"institution_id", "fiscal_year", "code", "name", "currency", "amount_minor"},
	filters: map[string]bool{"institution_id": true, "fiscal_year": true, "code": true},
	scanDest: func(v *model.BudgetLine) []any {
		return []any{&v.InstitutionID, &v.FiscalYear, &v.Code, &v.Name, &v.Currency, &v.AmountMinor}
	},
})

var projects = noun(&entity[model.Project]{
	table:   "projects",
	cols:    []string{"institution_id", "budget_line_id", "name"},
	filters: map[string]bool{"institution_id": true, "budget_line_id": true, "name": true},
	scanDest: func(v *model.Project) []any {
		return []any{&v.InstitutionID, &v.BudgetLineID, &v.Name}
	},
})

var fxRates = noun(&entity[model.FXRate]{
	table:   "fx_rates",
	cols:    []string{"from_currency", "to_currency", "rate", "valid_on", "source"},
	filters: map[string]bool{"from_currency": true, "to_currency": true, "valid_on": true},
	scanDest: func(v *model.FXRate) []any {
		return []any{&v.From, &v.To, &v.Rate, &v.ValidOn, &v.Source}
	},
	changed: (*Tx).pricesChanged,
})

// FXRates is the exchange-rate repository.
func (t *Tx) FXRates() Repo[model.FXRate] { return Repo[model.FXRate]{t, fxRates} }

// Providers is the provider repository.
func (t *Tx) Providers() Repo[model.Provider] { return Repo[model.Provider]{t, providers} }

// Sites is the site repository.
func (t *Tx) Sites() Repo[model.Site] { return Repo[model.Site]{t, sites} }

// Offerings is the offering repository.
func (t *Tx) Offerings() Repo[model.Offering] { return Repo[model.Offering]{t, offerings} }

// Prices is the price repository.
func (t *Tx) Prices() Repo[model.Price] { return Repo[model.Price]{t, prices} }

// Institutions is the institution repository.
func (t *Tx) Institutions() Repo[model.Institution] { return Repo[model.Institution]{t, institutions} }

// BudgetLines is the budget line repository.
func (t *Tx) BudgetLines() Repo[model.BudgetLine] { return Repo[model.BudgetLine]{t, budgetLines} }

// Projects is the project repository.
func (t *Tx) Projects() Repo[model.Project] { return Repo[model.Project]{t, projects} }

// Setting reads a key of the settings table; ok is false when absent.
func (t *Tx) Setting(ctx context.Context, key string) (value string, ok bool, err error) {
	err = t.QueryRow(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, mapErr(err)
	}
	return value, true, nil
}

// PutSetting writes a key of the settings table.
func (t *Tx) PutSetting(ctx context.Context, key, value string) error {
	_, err := t.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}
