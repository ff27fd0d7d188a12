package money

import "errors"

// Sentinel errors. Functions wrap them with %w and the offending value, so
// callers match with errors.Is and never by text; the API maps them to
// problem+json in one place.
var (
	// ErrUnknownCurrency: the code is not a current ISO 4217 currency with
	// a minor unit (funds, metals and XXX/XTS are refused too).
	ErrUnknownCurrency = errors.New("unknown currency")

	// ErrCurrencyMismatch: an operation mixed two currencies.
	ErrCurrencyMismatch = errors.New("currency mismatch")

	// ErrOverflow: the result does not fit the representation (int64 minor
	// units for Amount, int64 coefficient and at most 18 decimals for
	// Decimal).
	ErrOverflow = errors.New("money overflow")

	// ErrInvalidDecimal: the text is not a plain decimal number.
	ErrInvalidDecimal = errors.New("invalid decimal")

	// ErrTooManyDecimals: an amount was written with more decimals than its
	// currency has minor-unit digits; booking never rounds silently.
	ErrTooManyDecimals = errors.New("more decimals than the currency allows")

	// ErrInvalidAmount: a JSON amount is malformed or self-contradictory.
	ErrInvalidAmount = errors.New("invalid amount")

	// ErrInvalidRate: a rate is not positive, not dated on a UTC day, or
	// converts a currency into itself.
	ErrInvalidRate = errors.New("invalid exchange rate")

	// ErrRateConflict: two different rates for the same pair and day.
	ErrRateConflict = errors.New("conflicting exchange rate")

	// ErrNoRate: no rate was published for the pair on or before the date.
	ErrNoRate = errors.New("no exchange rate")

	// ErrCSVHeader: a rates CSV does not start with date,from,to,rate.
	ErrCSVHeader = errors.New("rates csv header must be date,from,to,rate")
)
