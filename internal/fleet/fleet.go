// Package fleet keeps the placement engine's copy of the fleet current: it
// loads providers, sites, prices and exchange rates from the store, converts
// each provider's per-hour price into a monthly forecast in every national
// currency in use (730 h per month, the exchange rate in force that day,
// rounded half-even to minor units), rebuilds reservations from the live
// placements at start-up, and reloads when the tables change — through this
// server's API or any other server's, since it watches the database.
package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/soberana/soberana/internal/audit"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/placement"
	"github.com/soberana/soberana/internal/store"
)

// Fleet owns the engine's fleet data.
type Fleet struct {
	st  *store.Store
	eng *placement.Engine
	log *slog.Logger

	mu          sync.RWMutex
	fingerprint string
	day         string
	providers   map[string]model.Provider
	sites       map[string]model.Site
	priced      map[priceKey]bool
	reloadMu    sync.Mutex
	// afterRead, in tests, runs in Refresh between reading the tables and
	// applying them.
	afterRead func()
}

type priceKey struct{ provider, offering string }

// New returns a fleet over an engine; call Load before use.
func New(st *store.Store, eng *placement.Engine, log *slog.Logger) *Fleet {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Fleet{st: st, eng: eng, log: log, providers: map[string]model.Provider{},
		sites: map[string]model.Site{}, priced: map[priceKey]bool{}}
}

// Engine is the placement engine the fleet keeps current.
func (f *Fleet) Engine() *placement.Engine { return f.eng }

// OfferingKey is the engine's name for an offering priced in a currency:
// the engine holds one price per (provider, key), so each national
// currency gets its own key while capacity stays shared.
func OfferingKey(offeringID, currency string) string { return offeringID + "@" + currency }

// Load reads the fleet and applies it, then replays the reservations of
// every live placement. It is for start-up; Refresh keeps it current.
func (f *Fleet) Load(ctx context.Context) error {
	if err := f.Refresh(ctx, true); err != nil {
		return err
	}
	live, err := f.st.Read().LivePlacements(ctx)
	if err != nil {
		return fmt.Errorf("loading live placements: %w", err)
	}
	for _, p := range live {
		if err := f.eng.Reserve(p.SiteID, Resources(p.Placement)); err != nil && !errors.Is(err, placement.ErrUnknownSite) {
			return fmt.Errorf("replaying placement %s: %w", p.ID, err)
		}
	}
	f.log.Info("fleet loaded", "sites", f.eng.SiteCount(), "live_placements", len(live))
	return nil
}

// Resources is what a placement holds on its site.
func Resources(p model.Placement) placement.Resources {
	return placement.Resources{VCPU: p.VCPUs, MemoryMiB: p.MemoryMiB, DiskGiB: p.DiskGiB}
}

// Run reloads whenever the fleet tables change, every interval, until ctx
// ends.
func (f *Fleet) Run(ctx context.Context, every time.Duration) error {
	return pace.Every(ctx, every, func() {
		if err := f.Refresh(ctx, false); err != nil && ctx.Err() == nil {
			f.log.Warn("refreshing the fleet", "err", err)
		}
	})
}

// Refresh reloads the fleet if the tables changed (or always with force).
// It holds reloadMu throughout, so a reload never interleaves with another
// or with a batch of health changes; f.mu is taken only to compare the
// fingerprint and, at the end, to swap the maps.
func (f *Fleet) Refresh(ctx context.Context, force bool) error {
	f.reloadMu.Lock()
	defer f.reloadMu.Unlock()
	tx := f.st.Read()
	fp, now, reload, err := f.needsReload(ctx, tx, force)
	if err != nil || !reload {
		return err
	}
	day := now.Format(time.DateOnly)
	t, err := readTables(ctx, tx)
	if err != nil {
		return err
	}
	if f.afterRead != nil {
		f.afterRead()
	}
	families := siteFamilies(t.imgs)
	rates := f.rateTable(t.fx)
	currencies := currenciesInUse(t.insts)
	newProv := f.loadProviders(t.provs)
	newSites := f.loadSites(t.sites, families)
	newPriced := f.loadPrices(pricesInForce(t.prices, day), newProv, currencies, rates, now)
	f.swap(newProv, newSites, newPriced, fp, day)
	return nil
}

// needsReload reads the tables' fingerprint and the store's clock and
// tells whether the fleet must be reloaded: the tables changed since the
// last reload, the day changed (another price may be in force), or force.
// It returns the fingerprint and the time the reload is for.
func (f *Fleet) needsReload(ctx context.Context, tx *store.Tx, force bool) (fp string, now time.Time, reload bool, err error) {
	fp, err = tx.Fingerprint(ctx)
	if err != nil {
		return "", time.Time{}, false, err
	}
	now = f.st.Now()
	day := now.Format(time.DateOnly)
	f.mu.RLock()
	same := fp == f.fingerprint && day == f.day
	f.mu.RUnlock()
	return fp, now, !same || force, nil
}

// fleetTables is what a reload reads from the store.
type fleetTables struct {
	provs  []model.Provider
	sites  []model.Site
	prices []model.Price
	fx     []model.FXRate
	insts  []model.Institution
	imgs   []model.Image
}

// readTables reads the fleet's tables, in this order: providers, sites,
// prices, exchange rates, institutions (for the currencies in use) and
// images (for the image families each site offers). It stops at the first
// read that fails and returns its error.
func readTables(ctx context.Context, tx *store.Tx) (fleetTables, error) {
	var t fleetTables
	var err error
	readAll(ctx, tx.Providers(), &t.provs, &err)
	readAll(ctx, tx.Sites(), &t.sites, &err)
	readAll(ctx, tx.Prices(), &t.prices, &err)
	readAll(ctx, tx.FXRates(), &t.fx, &err)
	readAll(ctx, tx.Institutions(), &t.insts, &err)
	readAll(ctx, tx.Images(), &t.imgs, &err)
	return t, err
}

// readAll reads every row of a table into *rows, unless an earlier read
// already failed (*err not nil): then it reads nothing. A failure is left
// in *err.
func readAll[T any](ctx context.Context, r store.Repo[T], rows *[]T, err *error) {
	if *err != nil {
		return
	}
	*rows, *err = r.All(ctx)
}

// rateTable builds the table of exchange rates, skipping (with a warning)
// a rate that does not parse or that the table refuses.
func (f *Fleet) rateTable(fx []model.FXRate) *money.RateTable {
	rates := new(money.RateTable)
	for _, r := range fx {
		mr, err := toRate(r)
		if err != nil {
			f.log.Warn("skipping exchange rate", "id", r.ID, "err", err)
			continue
		}
		if err := rates.Add(mr); err != nil {
			f.log.Warn("skipping exchange rate", "id", r.ID, "err", err)
		}
	}
	return rates
}

// currenciesInUse is the set of the institutions' national currencies:
// the currencies every offering is priced in.
func currenciesInUse(insts []model.Institution) map[string]bool {
	currencies := map[string]bool{}
	for _, in := range insts {
		currencies[in.Currency] = true
	}
	return currencies
}

// loadProviders puts the providers into the placement engine and returns
// those it took, by id; one it refuses is skipped with a warning.
func (f *Fleet) loadProviders(provs []model.Provider) map[string]model.Provider {
	newProv := map[string]model.Provider{}
	for _, p := range provs {
		cert, _ := placement.ParseClassification(p.Certification)
		h, _ := placement.ParseHealth(p.Health)
		if err := f.eng.UpsertProvider(placement.Provider{ID: p.ID, Name: p.Name, Jurisdiction: p.Jurisdiction, Certification: cert, Health: h, Simulated: p.Simulated}); err != nil {
			f.log.Warn("skipping provider", "id", p.ID, "err", err)
			continue
		}
		newProv[p.ID] = p
	}
	return newProv
}

// loadSites puts the sites into the placement engine, each with the image
// families it offers (its own and its provider's), and returns those it
// took, by id; one that does not convert or that the engine refuses is
// skipped with a warning.
func (f *Fleet) loadSites(sites []model.Site, families map[string][]string) map[string]model.Site {
	newSites := map[string]model.Site{}
	for _, s := range sites {
		ps, err := toSite(s)
		if err == nil {
			ps.Images = append(families[s.ID], families["provider:"+s.ProviderID]...)
			err = f.eng.UpsertSite(ps)
		}
		if err != nil {
			f.log.Warn("skipping site", "id", s.ID, "err", err)
			continue
		}
		newSites[s.ID] = s
	}
	return newSites
}

// pricesInForce is the price of each (provider, offering) in force on
// day: the latest valid_from on or before it.
func pricesInForce(prices []model.Price, day string) map[priceKey]model.Price {
	inForce := map[priceKey]model.Price{}
	for _, p := range prices {
		if p.ValidFrom > day {
			continue
		}
		k := priceKey{p.ProviderID, p.OfferingID}
		if old, ok := inForce[k]; !ok || p.ValidFrom > old.ValidFrom {
			inForce[k] = p
		}
	}
	return inForce
}

// loadPrices sets in the engine, for each price in force of a provider it
// holds, the monthly price in every currency in use (at the rate in force
// at now), and returns the (provider, offering key) pairs it set. Where a
// currency has no rate, the engine's price in it is removed.
func (f *Fleet) loadPrices(inForce map[priceKey]model.Price, newProv map[string]model.Provider, currencies map[string]bool, rates *money.RateTable, now time.Time) map[priceKey]bool {
	newPriced := map[priceKey]bool{}
	for k, p := range inForce {
		if _, ok := newProv[k.provider]; !ok {
			continue
		}
		for c := range currencies {
			key := OfferingKey(k.offering, c)
			m, err := Monthly(rates, p.PerHour, p.Currency, c, now)
			if err != nil {
				f.log.Debug("no price in currency", "provider", k.provider, "offering", k.offering, "currency", c, "err", err)
				_ = f.eng.RemovePrice(k.provider, key)
				continue
			}
			if err := f.eng.SetPrice(k.provider, key, m); err != nil {
				f.log.Warn("setting price", "provider", k.provider, "offering", k.offering, "err", err)
				continue
			}
			newPriced[priceKey{k.provider, key}] = true
		}
	}
	return newPriced
}

// swap, under f.mu, removes from the engine the prices, sites and
// providers the reload no longer has, then makes the new maps, the
// fingerprint and the day the fleet's.
func (f *Fleet) swap(newProv map[string]model.Provider, newSites map[string]model.Site, newPriced map[priceKey]bool, fp, day string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.priced {
		if !newPriced[k] {
			_ = f.eng.RemovePrice(k.provider, k.offering)
		}
	}
	for id := range f.sites {
		if _, ok := newSites[id]; !ok {
			_ = f.eng.RemoveSite(id)
		}
	}
	for id := range f.providers {
		if _, ok := newProv[id]; !ok {
			_ = f.eng.RemoveProvider(id)
		}
	}
	f.providers, f.sites, f.priced = newProv, newSites, newPriced
	f.fingerprint, f.day = fp, day
}

// Monthly converts a per-hour price in one currency into the monthly cost
// (730 hours) in another, at the rate in force at `at`, rounded half-even to
// the target currency's minor unit.
func Monthly(rates *money.RateTable, perHour, from, to string, at time.Time) (int64, error) {
	d, err := money.ParseDecimal(perHour)
	if err != nil {
		return 0, err
	}
	fc, err := money.ParseCurrency(from)
	if err != nil {
		return 0, err
	}
	tc, err := money.ParseCurrency(to)
	if err != nil {
		return 0, err
	}
	m := money.MonthlyFromHourly(d, fc)
	if fc != tc {
		r, err := rates.LookupOrInverse(fc, tc, at)
		if err != nil {
			return 0, err
		}
		if m, err = money.Convert(m, r); err != nil {
			return 0, err
		}
	}
	a, err := m.RoundChecked(money.HalfEven)
	if err != nil {
		return 0, err
	}
	return a.Minor, nil
}

func toRate(r model.FXRate) (money.Rate, error) {
	from, err := money.ParseCurrency(r.From)
	if err != nil {
		return money.Rate{}, err
	}
	to, err := money.ParseCurrency(r.To)
	if err != nil {
		return money.Rate{}, err
	}
	v, err := money.ParseDecimal(r.Rate)
	if err != nil {
		return money.Rate{}, err
	}
	day, err := time.Parse(time.DateOnly, r.ValidOn)
	if err != nil {
		return money.Rate{}, err
	}
	return money.Rate{From: from, To: to, Value: v, Date: day}, nil
}

func permille(s string) placement.Permille {
	d, err := money.ParseDecimal(s)
	if err != nil || d.Sign() <= 0 {
		return 0
	}
	q := d.Rat()
	q.Mul(q, big.NewRat(1000, 1))
	return placement.Permille(new(big.Int).Quo(q.Num(), q.Denom()).Int64())
}

func toSite(s model.Site) (placement.Site, error) {
	tier, err := placement.ParseTier(s.Tier)
	if err != nil {
		return placement.Site{}, err
	}
	h, err := placement.ParseHealth(s.Health)
	if err != nil {
		return placement.Site{}, err
	}
	cert := placement.Restricted
	if s.Certification != "" {
		if cert, err = placement.ParseClassification(s.Certification); err != nil {
			return placement.Site{}, err
		}
	}
	return placement.Site{ID: s.ID, Name: s.Name, ProviderID: s.ProviderID, Country: s.Country, Subdivision: s.Subdivision,
		Lat: s.Latitude, Lon: s.Longitude, Tier: tier, FailureDomain: s.FailureDomain, Certification: cert, Health: h,
		Capacity:   placement.Resources{VCPU: s.Capacity.VCPUs, MemoryMiB: s.Capacity.MemoryMiB, DiskGiB: s.Capacity.DiskGiB},
		Overcommit: placement.Overcommit{VCPU: permille(s.Overcommit.VCPU), Memory: permille(s.Overcommit.Memory), Disk: permille(s.Overcommit.Disk)},
	}, nil
}

// Site returns a site as last loaded.
func (f *Fleet) Site(id string) (model.Site, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	s, ok := f.sites[id]
	return s, ok
}

// Provider returns a provider as last loaded.
func (f *Fleet) Provider(id string) (model.Provider, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	p, ok := f.providers[id]
	return p, ok
}

// Providers returns every provider as last loaded.
func (f *Fleet) Providers() []model.Provider {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]model.Provider, 0, len(f.providers))
	for _, p := range f.providers {
		out = append(out, p)
	}
	return out
}

// Down reports whether a site (or its provider) is down or unknown.
func (f *Fleet) Down(siteID string) bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	s, ok := f.sites[siteID]
	if !ok {
		return true
	}
	return s.Health == model.HealthDown || f.providers[s.ProviderID].Health == model.HealthDown
}

// DownSites lists the sites that are down.
func (f *Fleet) DownSites() []string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	var out []string
	for id, s := range f.sites {
		if s.Health == model.HealthDown || f.providers[s.ProviderID].Health == model.HealthDown {
			out = append(out, id)
		}
	}
	return out
}

// SetSiteHealth records a site's health in the store and the engine,
// audited (SiteHealthEvent of component fleet).
func (f *Fleet) SetSiteHealth(ctx context.Context, siteID, health string) error {
	if _, err := f.st.Read().Sites().Get(ctx, siteID); err != nil {
		return err
	}
	return f.SetSitesHealth(ctx, []HealthChange{{SiteID: siteID, Health: health}}, SiteHealthEvent(ctx, "fleet"))
}

// SiteHealthEvent returns the audit event of each site health change
// (site.health.<state>, target kind sites) made by component: under the
// caller of the request ctx carries when there is one (a simulated
// outage set through the API), otherwise under the system actor
// (system:<component>). Every change of a site's health is audited; the
// events ride in the batch's transaction.
func SiteHealthEvent(ctx context.Context, component string) func(HealthChange) *model.AuditEvent {
	return func(c HealthChange) *model.AuditEvent {
		e := audit.System(component, "site.health."+c.Health, "sites", c.SiteID)
		audit.ActingAs(ctx, &e)
		return &e
	}
}

// HealthChange is one site's new health.
type HealthChange struct{ SiteID, Health string }

// HealthBatch bounds the sites one transaction of SetSitesHealth changes.
const HealthBatch = 1000

// SetSitesHealth records many sites' health at once: one transaction per
// up to HealthBatch sites instead of one per site (5,000 edge sites that
// go silent together, a region that loses its uplink). In each
// transaction every site whose stored health differs is updated and, when
// event is not nil, gets its own audit event (event(c)), so each site's
// trail stays exact; sites already at that health change nothing and are
// not audited. After each commit the engine and the fleet's copy hold the
// new health before the next batch starts (and before SetSitesHealth
// returns): a placement right after sees it.
//
// A refresh cannot undo a batch: the batch holds the refresh lock from
// before its transaction until the engine holds the new health, so a
// refresh that read the sites before the commit has applied them before
// the batch begins, and one that starts later reads the committed rows.
// It returns the first error; the other batches are still written.
func (f *Fleet) SetSitesHealth(ctx context.Context, changes []HealthChange, event func(HealthChange) *model.AuditEvent) error {
	var first error
	for start := 0; start < len(changes); start += HealthBatch {
		chunk := changes[start:min(start+HealthBatch, len(changes))]
		if err := f.setHealthBatch(ctx, chunk, event); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (f *Fleet) setHealthBatch(ctx context.Context, chunk []HealthChange, event func(HealthChange) *model.AuditEvent) error {
	want := make(map[string]string, len(chunk)) // the last change of a site wins
	for _, c := range chunk {
		if _, err := placement.ParseHealth(c.Health); err != nil {
			return err
		}
		want[c.SiteID] = c.Health
	}
	byHealth := map[string][]string{}
	for id, h := range want {
		byHealth[h] = append(byHealth[h], id)
	}
	for _, ids := range byHealth {
		sort.Strings(ids)
	}
	f.reloadMu.Lock()
	defer f.reloadMu.Unlock()
	// On SQLite the transaction holds the one write lock from BEGIN, so
	// the sites table's fingerprint read before and after the updates
	// brackets exactly this batch: if the fleet was current before it,
	// it is current after it once the engine holds the new health, and
	// the next Refresh need not reload 10,000 sites for it (bench edge:
	// 150 ms of CPU after every health change). On PostgreSQL other
	// transactions commit in between; the reload stays.
	bracket := f.st.Dialect() == store.SQLite
	var before, after string
	err := f.st.InTx(ctx, func(tx *store.Tx) error {
		if bracket {
			var err error
			if before, err = tx.TableFingerprint(ctx, "sites"); err != nil {
				return err
			}
		}
		for _, h := range []string{model.HealthDown, model.HealthDegraded, model.HealthHealthy} {
			ids := byHealth[h]
			if len(ids) == 0 {
				continue
			}
			changed, err := tx.SetSitesHealth(ctx, ids, h)
			if err != nil {
				return err
			}
			for _, id := range changed {
				if event == nil {
					break
				}
				if e := event(HealthChange{SiteID: id, Health: h}); e != nil {
					if err := tx.AppendAudit(ctx, e); err != nil {
						return err
					}
				}
			}
		}
		if bracket {
			var err error
			after, err = tx.TableFingerprint(ctx, "sites")
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, health := range want {
		h, _ := placement.ParseHealth(health)
		if err := f.eng.SetSiteHealth(id, h); err != nil && !errors.Is(err, placement.ErrUnknownSite) {
			return err
		}
		if s, ok := f.sites[id]; ok {
			s.Health = health
			f.sites[id] = s
		}
	}
	if bracket {
		f.fingerprint = advanceFingerprint(f.fingerprint, before, after)
	}
	return nil
}

// advanceFingerprint returns fp with its part before replaced by after,
// or fp unchanged when it does not hold before (the fleet had not loaded
// some other change yet: the next Refresh reloads, as it must).
func advanceFingerprint(fp, before, after string) string {
	parts := strings.Split(fp, ",")
	for i, p := range parts {
		if p == before {
			parts[i] = after
			return strings.Join(parts, ",")
		}
	}
	return fp
}

// Usage is what the engine holds reserved on each site.
func (f *Fleet) Usage() map[string]placement.Usage {
	f.mu.RLock()
	ids := make([]string, 0, len(f.sites))
	for id := range f.sites {
		ids = append(ids, id)
	}
	f.mu.RUnlock()
	out := make(map[string]placement.Usage, len(ids))
	for _, id := range ids {
		if u, ok := f.eng.Usage(id); ok {
			out[id] = u
		}
	}
	return out
}

// siteFamilies indexes the image catalogue by site id ("provider:ID" for
// rows that hold at every site of a provider).
func siteFamilies(imgs []model.Image) map[string][]string {
	out := map[string][]string{}
	for _, im := range imgs {
		k := im.SiteID
		if k == "" {
			k = "provider:" + im.ProviderID
		}
		out[k] = append(out[k], im.Family)
	}
	return out
}
