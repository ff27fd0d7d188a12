package money

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"golang.org/x/text/currency"
)

// Currency is an ISO 4217 currency with its minor-unit digits. The zero
// value is "no currency"; every real Currency comes from ParseCurrency or the
// package variables. Currency is comparable and a valid map key, and it
// encodes as its code in JSON, text and SQL.
type Currency struct {
	code   string
	digits uint8
	unit   currency.Unit // zero for codes newer than x/text's CLDR tables
}

// Currencies of the platform's first markets.
var (
	BRL = mustCurrency("BRL")
	MXN = mustCurrency("MXN")
	CLP = mustCurrency("CLP")
	COP = mustCurrency("COP")
	ARS = mustCurrency("ARS")
	PEN = mustCurrency("PEN")
	UYU = mustCurrency("UYU")
	USD = mustCurrency("USD")
)

// isoDigits corrects the digits x/text reports where they differ from the
// ISO 4217 minor unit. x/text carries CLDR's *display* digits (CLDR 32), which
// drop the cents of currencies whose coins are out of use (COP 0, IDR 0, ...);
// invoices, bank files and tax authorities (Colombia's DIAN, for one) use the
// ISO minor unit, so booking does too.
var isoDigits = map[string]uint8{
	"AFN": 2, "ALL": 2, "AMD": 2, "COP": 2, "GYD": 2, "IDR": 2, "IQD": 3,
	"IRR": 2, "KPW": 2, "LAK": 2, "LBP": 2, "MGA": 2, "MMK": 2, "MNT": 2,
	"MUR": 2, "PKR": 2, "RSD": 2, "SLL": 2, "SOS": 2, "SYP": 2, "TZS": 2,
	"UZS": 2, "YER": 2,
}

// newerCodes are ISO 4217 codes introduced after the CLDR release bundled in
// x/text, with their minor units. They format with the code as symbol.
var newerCodes = map[string]uint8{
	"MRU": 2, // Mauritania, 2018
	"SLE": 2, // Sierra Leone, 2022
	"UYW": 4, // Uruguay, unidad previsional
	"VED": 2, // Venezuela, 2021
	"VES": 2, // Venezuela, 2018
	"XCG": 2, // Caribbean guilder, 2025
	"ZWG": 2, // Zimbabwe gold, 2024
}

// notMoney are ISO 4217 codes whose minor unit is "N.A.": precious metals,
// bond-market units, SDR, the testing code and "no currency". Nothing is
// booked in them.
var notMoney = map[string]bool{
	"XAG": true, "XAU": true, "XBA": true, "XBB": true, "XBC": true,
	"XBD": true, "XDR": true, "XPD": true, "XPT": true, "XSU": true,
	"XTS": true, "XUA": true, "XXX": true,
}

// registry holds every currency ParseCurrency accepts: the units x/text
// lists as in use today (legal tender or not, so CLF, MXV and UYI are in),
// plus newerCodes, minus notMoney. Withdrawn codes (DEM, ESP) are unknown.
var registry = buildRegistry()

func buildRegistry() map[string]Currency {
	reg := make(map[string]Currency, 200)
	it := currency.Query(currency.NonTender)
	for it.Next() {
		u := it.Unit()
		code := u.String()
		if notMoney[code] {
			continue
		}
		digits, ok := isoDigits[code]
		if !ok {
			scale, _ := currency.Standard.Rounding(u)
			digits = uint8(scale)
		}
		reg[code] = Currency{code: code, digits: digits, unit: u}
	}
	for code, digits := range newerCodes {
		if _, ok := reg[code]; !ok {
			reg[code] = Currency{code: code, digits: digits}
		}
	}
	return reg
}

func mustCurrency(code string) Currency {
	c, err := ParseCurrency(code)
	if err != nil {
		panic(err)
	}
	return c
}

// ParseCurrency returns the currency with the ISO 4217 code, in any letter
// case. Unknown, withdrawn and non-monetary codes yield ErrUnknownCurrency.
func ParseCurrency(code string) (Currency, error) {
	if c, ok := registry[code]; ok {
		return c, nil
	}
	if len(code) == 3 {
		if c, ok := registry[strings.ToUpper(code)]; ok {
			return c, nil
		}
	}
	return Currency{}, fmt.Errorf("%w %q", ErrUnknownCurrency, clip(code))
}

// Code returns the ISO 4217 code, or "" for the zero Currency.
func (c Currency) Code() string { return c.code }

// Digits returns the number of minor-unit digits (2 for BRL, 0 for CLP).
func (c Currency) Digits() int { return int(c.digits) }

// IsZero reports whether c is the zero Currency (no currency).
func (c Currency) IsZero() bool { return c.code == "" }

// String returns the code.
func (c Currency) String() string { return c.code }

// MarshalText encodes c as its code; the zero Currency encodes as "".
func (c Currency) MarshalText() ([]byte, error) { return []byte(c.code), nil }

// UnmarshalText decodes a code. The empty string decodes to the zero
// Currency, mirroring MarshalText; callers that need a currency check IsZero.
func (c *Currency) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = Currency{}
		return nil
	}
	v, err := ParseCurrency(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Value stores c as its code (TEXT); the zero Currency stores as NULL.
func (c Currency) Value() (driver.Value, error) {
	if c.IsZero() {
		return nil, nil
	}
	return c.code, nil
}

// Scan reads a code stored as TEXT; NULL scans to the zero Currency.
func (c *Currency) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c = Currency{}
		return nil
	case string:
		return c.UnmarshalText([]byte(v))
	case []byte:
		return c.UnmarshalText(v)
	default:
		return fmt.Errorf("scan currency: unsupported type %T", src)
	}
}

// clip shortens untrusted input quoted in error messages.
func clip(s string) string {
	const limit = 40
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}
