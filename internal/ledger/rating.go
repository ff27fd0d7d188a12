package ledger

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/pace"
	"github.com/soberana/soberana/internal/store"
)

// pricePoint is one price of a provider's offering, in force from from
// until the next one.
type pricePoint struct {
	from    time.Time
	id      string
	perHour money.Decimal
	// stoppedPerHour is what a stopped replica costs (perHour when the
	// price list does not say).
	stoppedPerHour money.Decimal
	cur            money.Currency
}

type pair struct{ a, b money.Currency }

// Pricebook holds every price and exchange rate in memory for rating: a
// rating run loads it once and prices each segment without a query.
type Pricebook struct {
	prices map[[2]string][]pricePoint // (provider, offering) → by from
	rates  *money.RateTable
	// rateDates are the days either direction of a pair changes rate.
	rateDates map[pair][]time.Time
}

// LoadPricebook reads all prices and exchange rates.
func LoadPricebook(ctx context.Context, tx *store.Tx) (*Pricebook, error) {
	ps, err := tx.Prices().All(ctx)
	if err != nil {
		return nil, err
	}
	fx, err := tx.FXRates().All(ctx)
	if err != nil {
		return nil, err
	}
	pb := &Pricebook{prices: map[[2]string][]pricePoint{}, rateDates: map[pair][]time.Time{}}
	for _, p := range ps {
		cur, err := money.ParseCurrency(p.Currency)
		if err != nil {
			return nil, fmt.Errorf("price %s: %w", p.ID, err)
		}
		d, err := money.ParseDecimal(p.PerHour)
		if err != nil {
			return nil, fmt.Errorf("price %s: %w", p.ID, err)
		}
		stopped := d
		if p.StoppedPerHour != "" {
			if stopped, err = money.ParseDecimal(p.StoppedPerHour); err != nil {
				return nil, fmt.Errorf("price %s: stopped_per_hour: %w", p.ID, err)
			}
		}
		from, err := time.Parse(time.DateOnly, p.ValidFrom)
		if err != nil {
			return nil, fmt.Errorf("price %s: valid_from %q: %w", p.ID, p.ValidFrom, err)
		}
		k := [2]string{p.ProviderID, p.OfferingID}
		pb.prices[k] = append(pb.prices[k], pricePoint{from: from, id: p.ID, perHour: d, stoppedPerHour: stopped, cur: cur})
	}
	for _, pts := range pb.prices {
		sort.Slice(pts, func(i, j int) bool { return pts[i].from.Before(pts[j].from) })
	}
	rates := make([]money.Rate, 0, len(fx))
	for _, f := range fx {
		r, err := rateOf(f.From, f.To, f.Rate, f.ValidOn)
		if err != nil {
			return nil, fmt.Errorf("exchange rate %s: %w", f.ID, err)
		}
		rates = append(rates, r)
		k := pairOf(r.From, r.To)
		pb.rateDates[k] = append(pb.rateDates[k], r.Date)
	}
	if pb.rates, err = money.NewRateTable(rates...); err != nil {
		return nil, err
	}
	for _, ds := range pb.rateDates {
		sort.Slice(ds, func(i, j int) bool { return ds[i].Before(ds[j]) })
	}
	return pb, nil
}

func rateOf(from, to, value, day string) (money.Rate, error) {
	var (
		r   money.Rate
		err error
	)
	if r.From, err = money.ParseCurrency(from); err != nil {
		return r, err
	}
	if r.To, err = money.ParseCurrency(to); err != nil {
		return r, err
	}
	if r.Value, err = money.ParseDecimal(value); err != nil {
		return r, err
	}
	if r.Date, err = time.Parse(time.DateOnly, day); err != nil {
		return r, fmt.Errorf("date %q: %w", day, money.ErrInvalidRate)
	}
	return r, r.Validate()
}

func pairOf(a, b money.Currency) pair {
	if a.Code() > b.Code() {
		a, b = b, a
	}
	return pair{a, b}
}

// priceAt returns the price in force at t.
func (pb *Pricebook) priceAt(provider, offering string, t time.Time) (pricePoint, bool) {
	pts := pb.prices[[2]string{provider, offering}]
	i := sort.Search(len(pts), func(i int) bool { return pts[i].from.After(t) })
	if i == 0 {
		return pricePoint{}, false
	}
	return pts[i-1], true
}

// Segment is a stretch of usage with one price, one exchange rate and one
// month, priced exactly and rounded once.
type Segment struct {
	From, To  time.Time
	Seconds   int64
	Price     pricePoint
	Rate      money.Rate // zero Value when no conversion
	Provider  money.Amount
	National  money.Amount
	Converted bool
}

// Segments cuts [from, to) at month starts, price changes and exchange
// rate changes, and prices each piece in national currency. The cuts depend
// only on the instants, so the same usage always yields the same segments.
func (pb *Pricebook) Segments(provider, offering string, national money.Currency, from, to time.Time) ([]Segment, error) {
	return pb.segments(provider, offering, national, from, to, false)
}

// IntervalSegments is Segments for [from, to) of one usage interval: a
// stretch the replica was stopped is priced at the stopped price.
func (pb *Pricebook) IntervalSegments(iv *store.UsageInterval, national money.Currency, from, to time.Time) ([]Segment, error) {
	return pb.segments(iv.ProviderID, iv.OfferingID, national, from, to, iv.Stopped)
}

func (pb *Pricebook) segments(provider, offering string, national money.Currency, from, to time.Time, stopped bool) ([]Segment, error) {
	from, to = from.UTC().Truncate(time.Second), to.UTC().Truncate(time.Second)
	if !from.Before(to) {
		return nil, nil
	}
	cuts := []time.Time{from, to}
	for m := monthStart(from).AddDate(0, 1, 0); m.Before(to); m = m.AddDate(0, 1, 0) {
		cuts = append(cuts, m)
	}
	curs := map[money.Currency]bool{}
	for _, p := range pb.prices[[2]string{provider, offering}] {
		if p.from.After(from) && p.from.Before(to) {
			cuts = append(cuts, p.from)
		}
		curs[p.cur] = true
	}
	for c := range curs {
		if c == national {
			continue
		}
		for _, d := range pb.rateDates[pairOf(c, national)] {
			if d.After(from) && d.Before(to) {
				cuts = append(cuts, d)
			}
		}
	}
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].Before(cuts[j]) })
	var out []Segment
	for i := 0; i+1 < len(cuts); i++ {
		a, b := cuts[i], cuts[i+1]
		if !a.Before(b) {
			continue
		}
		p, ok := pb.priceAt(provider, offering, a)
		if !ok {
			return nil, fmt.Errorf("%s %s at %s: %w", provider, offering, a.Format(time.RFC3339), ErrNoPrice)
		}
		s := Segment{From: a, To: b, Seconds: int64(b.Sub(a) / time.Second), Price: p}
		rate := p.perHour
		if stopped {
			rate = p.stoppedPerHour
		}
		exact := money.PerHour(rate, p.cur, b.Sub(a))
		s.Provider = exact.Round(money.HalfEven)
		if p.cur == national {
			s.National = s.Provider
		} else {
			r, err := pb.rates.LookupOrInverse(p.cur, national, a)
			if err != nil {
				return nil, err
			}
			conv, err := money.Convert(exact, r)
			if err != nil {
				return nil, err
			}
			s.Rate, s.National, s.Converted = r, conv.Round(money.HalfEven), true
		}
		out = append(out, s)
	}
	return out, nil
}

// RateResult is what a rating run did.
type RateResult struct {
	Through   time.Time `json:"through"`
	Intervals int       `json:"intervals_rated"`
	Charges   int       `json:"charges_booked"`
	Releases  int       `json:"releases_booked"`
	// Unrated lists intervals left for a later run (no price or rate yet).
	Unrated []Unrated `json:"unrated,omitempty"`
}

// Unrated is usage rating could not price.
type Unrated struct {
	IntervalID string `json:"interval_id"`
	WorkloadID string `json:"workload_id"`
	Reason     string `json:"reason"`
}

const maxUnratedReported = 100

// closedSet answers whether an institution's month is closed.
type closedSet map[[2]string]bool

func (c closedSet) closed(inst, month string) bool {
	return c[[2]string{inst, month}] || c[[2]string{"", month}]
}

// period is the month a line for usage in month is booked into: the month
// itself, or the first open month after it once it is closed.
func (c closedSet) period(inst string, at time.Time) string {
	m := monthStart(at)
	for c.closed(inst, Month(m)) {
		m = m.AddDate(0, 1, 0)
	}
	return Month(m)
}

func loadClosed(ctx context.Context, tx *store.Tx) (closedSet, error) {
	cs, err := tx.Closures(ctx)
	if err != nil {
		return nil, err
	}
	out := closedSet{}
	for _, c := range cs {
		out[[2]string{c.InstitutionID, c.Month}] = true
	}
	return out, nil
}

// Rate books the usage recorded up to through (whole seconds) as charges,
// and releases the matching part of each workload's commitment. It works
// in batches, each its own transaction: an interval's charges, its release
// and how far it is rated are one fact. Re-running it books nothing twice;
// usage that cannot be priced yet stays for a later run. institutionID ""
// rates every institution.
func (l *Ledger) Rate(ctx context.Context, through time.Time, institutionID string) (RateResult, error) {
	return l.rate(ctx, nil, through, institutionID)
}

// RatePaced is Rate as one bulk background pass of gov (package pace):
// it waits until no other bulk pass of the process runs and rests
// between its batches, so that rating 100,000 replicas' usage (seconds of
// CPU) never takes both cores from the requests. The server's rating
// loop uses it; Rate, for an operator who asked, runs flat out.
func (l *Ledger) RatePaced(ctx context.Context, gov *pace.Governor, through time.Time, institutionID string) (RateResult, error) {
	pass, err := gov.Begin(ctx, "rating")
	if err != nil {
		return RateResult{Through: through.UTC().Truncate(time.Second)}, err
	}
	defer pass.End()
	return l.rate(ctx, pass, through, institutionID)
}

// pacedRateBatch bounds a paced pass's batch: a chunk of about 20-40 ms
// of CPU between rests.
const pacedRateBatch = 1000

// rate books the usage through `through`, a batch a transaction; with a
// pass it yields between batches (never inside a transaction: on SQLite
// that would hold the one write lock while it rests).
func (l *Ledger) rate(ctx context.Context, pass *pace.Pass, through time.Time, institutionID string) (RateResult, error) {
	through = through.UTC().Truncate(time.Second)
	res := RateResult{Through: through}
	size := l.rateBatch
	if pass != nil {
		size = min(size, pacedRateBatch)
	}
	rd := l.st.Read()
	pb, err := LoadPricebook(ctx, rd)
	if err != nil {
		return res, err
	}
	closed, err := loadClosed(ctx, rd)
	if err != nil {
		return res, err
	}
	after := ""
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var (
			batch int
			step  RateResult
		)
		err := l.st.InTx(ctx, func(tx *store.Tx) error {
			step = RateResult{}
			ivs, err := tx.UnratedIntervals(ctx, through, after, size, institutionID)
			if err != nil {
				return err
			}
			batch = len(ivs)
			if batch == 0 {
				return nil
			}
			step, err = rateBatch(ctx, tx, pb, closed, through, ivs)
			after = ivs[len(ivs)-1].ID
			return err
		})
		if err != nil {
			return res, err
		}
		res.Intervals += step.Intervals
		res.Charges += step.Charges
		res.Releases += step.Releases
		for _, u := range step.Unrated {
			l.log.WarnContext(ctx, "usage not rated", "interval", u.IntervalID, "workload", u.WorkloadID, "reason", u.Reason)
			if len(res.Unrated) < maxUnratedReported {
				res.Unrated = append(res.Unrated, u)
			}
		}
		if batch < size {
			return res, nil
		}
		if pass != nil {
			if err := pass.Yield(ctx); err != nil {
				return res, err
			}
		}
	}
}

func rateBatch(ctx context.Context, tx *store.Tx, pb *Pricebook, closed closedSet, through time.Time, ivs []store.UsageInterval) (RateResult, error) {
	var res RateResult
	wids := make([]string, 0, len(ivs))
	for _, iv := range ivs {
		wids = append(wids, iv.WorkloadID)
	}
	remaining, err := tx.RemainingCommitments(ctx, wids)
	if err != nil {
		return res, err
	}
	var (
		charges []model.LedgerLine
		owner   []int // charges[i] belongs to ivs[owner[i]]
		ratedTo = make(map[string]time.Time, len(ivs))
	)
	for k := range ivs {
		iv := &ivs[k]
		to := through
		if iv.End != nil && iv.End.Before(to) {
			to = *iv.End
		}
		cur, err := money.ParseCurrency(iv.Currency)
		if err != nil {
			return res, err
		}
		segs, err := pb.IntervalSegments(iv, cur, iv.RatedTo, to)
		if err != nil {
			if errors.Is(err, ErrNoPrice) || errors.Is(err, money.ErrNoRate) {
				res.Unrated = append(res.Unrated, Unrated{IntervalID: iv.ID, WorkloadID: iv.WorkloadID, Reason: err.Error()})
				continue
			}
			return res, err
		}
		for _, s := range segs {
			charges = append(charges, chargeLine(iv, s, closed))
			owner = append(owner, k)
		}
		ratedTo[iv.ID] = to
		res.Intervals++
	}
	inserted, err := book(ctx, tx, charges)
	if err != nil {
		return res, err
	}
	// Release, per interval, as much of the commitment as was charged.
	charged := make([]int64, len(ivs))
	lastPeriod := make([]string, len(ivs))
	for i := range charges {
		if inserted[charges[i].ID] {
			charged[owner[i]] += charges[i].AmountMinor
			lastPeriod[owner[i]] = charges[i].Period
			res.Charges++
		}
	}
	var releases []model.LedgerLine
	for k := range ivs {
		iv := &ivs[k]
		amt := min(charged[k], remaining[iv.WorkloadID])
		if amt <= 0 {
			continue
		}
		remaining[iv.WorkloadID] -= amt
		releases = append(releases, model.LedgerLine{
			ID: "release/" + iv.ID + "/" + strconv.FormatInt(iv.RatedTo.Unix(), 10), Kind: model.LedgerRelease,
			Period: lastPeriod[k], InstitutionID: iv.InstitutionID, BudgetLineID: iv.BudgetLineID, ProjectID: iv.ProjectID,
			WorkloadID: iv.WorkloadID, ProviderID: iv.ProviderID, IntervalID: iv.ID, Currency: iv.Currency,
			AmountMinor: -amt, ProviderCurrency: iv.Currency, ProviderMinor: -amt, FXRate: "1",
			Memo: "released as charged",
		})
	}
	ins, err := book(ctx, tx, releases)
	if err != nil {
		return res, err
	}
	res.Releases = len(ins)
	return res, tx.SetRatedTo(ctx, ratedTo)
}

func chargeLine(iv *store.UsageInterval, s Segment, closed closedSet) model.LedgerLine {
	l := model.LedgerLine{
		ID: "charge/" + iv.ID + "/" + strconv.FormatInt(s.From.Unix(), 10), Kind: model.LedgerCharge,
		Period: closed.period(iv.InstitutionID, s.From), InstitutionID: iv.InstitutionID, BudgetLineID: iv.BudgetLineID,
		ProjectID: iv.ProjectID, WorkloadID: iv.WorkloadID, ProviderID: iv.ProviderID, IntervalID: iv.ID,
		UsageFrom: s.From, UsageTo: s.To, Seconds: s.Seconds, UnitPrice: s.Price.perHour.String(), PriceID: s.Price.id,
		ProviderCurrency: s.Provider.Currency.Code(), ProviderMinor: s.Provider.Minor,
		Currency: s.National.Currency.Code(), AmountMinor: s.National.Minor, FXRate: "1",
	}
	if s.Converted {
		l.FXRate, l.FXDate, l.FXInverse = s.Rate.Value.String(), s.Rate.Date.Format(time.DateOnly), s.Rate.Inverse
	}
	if l.Period != Month(s.From) {
		l.Memo = "usage of " + Month(s.From) + ", rated after that month closed"
	}
	return l
}
