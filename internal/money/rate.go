package money

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Rate is an exchange rate as published: 1 From = Value To, valid from Date
// (a UTC day, 00:00) until a later rate for the pair is published.
//
// Inverse marks a rate derived by LookupOrInverse from the published To→From
// rate: Value is then the published number and converting divides by it,
// so the derivation stays exact and visible in the record.
type Rate struct {
	From    Currency  `json:"from"`
	To      Currency  `json:"to"`
	Value   Decimal   `json:"value"`
	Date    time.Time `json:"date"`
	Inverse bool      `json:"inverse,omitempty"`
}

// Validate checks that r converts between two currencies at a positive
// value and is dated at 00:00 of a UTC day.
func (r Rate) Validate() error {
	switch {
	case r.From.IsZero() || r.To.IsZero():
		return fmt.Errorf("rate %s→%s: both currencies are required: %w", label(r.From), label(r.To), ErrInvalidRate)
	case r.From == r.To:
		return fmt.Errorf("rate %s→%s: same currency: %w", r.From, r.To, ErrInvalidRate)
	case r.Date.IsZero():
		return fmt.Errorf("rate %s→%s: date is required: %w", r.From, r.To, ErrInvalidRate)
	case r.Value.Sign() <= 0:
		return fmt.Errorf("rate %s→%s %s: must be positive: %w", r.From, r.To, r.Value, ErrInvalidRate)
	case !isUTCDay(r.Date):
		return fmt.Errorf("rate %s→%s dated %s: must be 00:00 of a UTC day: %w", r.From, r.To, r.Date.Format(time.RFC3339), ErrInvalidRate)
	}
	return nil
}

func isUTCDay(t time.Time) bool {
	u := t.UTC()
	return u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0
}

// utcDay returns 00:00 UTC of the day t falls on in UTC.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Convert converts e with r: e must be in r.From; the result is in r.To,
// exact and unrounded.
func Convert(e Exact, r Rate) (Exact, error) {
	if e.cur != r.From {
		return Exact{}, fmt.Errorf("convert %s with rate %s→%s: %w", label(e.cur), label(r.From), label(r.To), ErrCurrencyMismatch)
	}
	if r.Value.Sign() <= 0 {
		return Exact{}, fmt.Errorf("convert with rate %s→%s %s: %w", label(r.From), label(r.To), r.Value, ErrInvalidRate)
	}
	v := r.Value.Rat()
	if r.Inverse {
		v.Inv(v)
	}
	return Exact{r: v.Mul(v, e.rat()), cur: r.To}, nil
}

type pair struct{ from, to Currency }

// RateTable holds published rates in memory, by pair and date. It is safe
// for concurrent use; the zero value is an empty table.
type RateTable struct {
	mu    sync.RWMutex
	rates map[pair][]Rate // each sorted by Date, one rate per day
}

// NewRateTable returns a table holding rates.
func NewRateTable(rates ...Rate) (*RateTable, error) {
	t := new(RateTable)
	if err := t.Add(rates...); err != nil {
		return nil, err
	}
	return t, nil
}

// Add records rates, all or none: an invalid rate, or a second different
// value for a pair and day (ErrRateConflict), rejects the whole call.
// Adding a rate already present is a no-op, so re-importing a file is safe.
func (t *RateTable) Add(rates ...Rate) error {
	for _, r := range rates {
		if err := r.Validate(); err != nil {
			return err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rates == nil {
		t.rates = make(map[pair][]Rate)
	}
	// Check every rate against the table and the rates before it first.
	type key struct {
		p   pair
		day int64
	}
	batch := make(map[key]Decimal, len(rates))
	for _, r := range rates {
		r.Date = r.Date.UTC()
		k := key{pair{r.From, r.To}, r.Date.Unix()}
		if v, ok := batch[k]; ok && v != r.Value {
			return conflict(r, v)
		}
		batch[k] = r.Value
		if old, ok := find(t.rates[k.p], r.Date); ok && old.Value != r.Value {
			return conflict(r, old.Value)
		}
	}
	for _, r := range rates {
		r.Date = r.Date.UTC()
		p := pair{r.From, r.To}
		list := t.rates[p]
		i, found := slices.BinarySearchFunc(list, r.Date, cmpDate)
		if !found {
			t.rates[p] = slices.Insert(list, i, r)
		}
	}
	return nil
}

func cmpDate(r Rate, d time.Time) int { return r.Date.Compare(d) }

func find(list []Rate, day time.Time) (Rate, bool) {
	i, ok := slices.BinarySearchFunc(list, day, cmpDate)
	if !ok {
		return Rate{}, false
	}
	return list[i], true
}

func conflict(r Rate, had Decimal) error {
	return fmt.Errorf("rate %s→%s on %s: %s differs from %s: %w",
		r.From, r.To, r.Date.Format(time.DateOnly), r.Value, had, ErrRateConflict)
}

// Lookup returns the rate in force for from→to at the instant at: the
// latest published rate dated on or before at. A currency converts into
// itself at 1. The inverse pair is never consulted (see LookupOrInverse);
// without a rate, the error wraps ErrNoRate and names the pair and day.
func (t *RateTable) Lookup(from, to Currency, at time.Time) (Rate, error) {
	if from == to && !from.IsZero() {
		return Rate{From: from, To: to, Value: DecimalFromInt(1), Date: utcDay(at)}, nil
	}
	if r, ok := t.latest(pair{from, to}, at); ok {
		return r, nil
	}
	return Rate{}, noRate(from, to, at)
}

// LookupOrInverse is Lookup falling back to the inverse of the published
// to→from rate, for pairs finance quotes only one way. The returned rate
// has Inverse set and keeps the published Value and Date. When both
// directions are published, the direct rate wins even if older.
func (t *RateTable) LookupOrInverse(from, to Currency, at time.Time) (Rate, error) {
	r, err := t.Lookup(from, to, at)
	if err == nil {
		return r, nil
	}
	inv, ok := t.latest(pair{to, from}, at)
	if !ok {
		return Rate{}, fmt.Errorf("%w (nor %s→%s)", err, label(to), label(from))
	}
	return Rate{From: from, To: to, Value: inv.Value, Date: inv.Date, Inverse: true}, nil
}

func (t *RateTable) latest(p pair, at time.Time) (Rate, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	list := t.rates[p]
	// First index with Date > at; the rate before it is in force.
	i, _ := slices.BinarySearchFunc(list, at, func(r Rate, at time.Time) int {
		if r.Date.After(at) {
			return 1
		}
		return -1
	})
	if i == 0 {
		return Rate{}, false
	}
	return list[i-1], true
}

func noRate(from, to Currency, at time.Time) error {
	return fmt.Errorf("%w %s→%s on or before %s", ErrNoRate, label(from), label(to), at.UTC().Format(time.DateOnly))
}

// Len returns the number of rates held.
func (t *RateTable) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := 0
	for _, list := range t.rates {
		n += len(list)
	}
	return n
}
