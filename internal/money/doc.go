// Package money is soberana's exact money: amounts in ISO 4217 minor units,
// exact decimals for prices and exchange rates, dated rates, rounding, and
// formatting for the platform's locales. No value passes through float32 or
// float64 (TestNoFloatInMoneyPaths enforces it here and in ledger, budget
// and rating).
//
// # Conventions
//
// Booked money is an Amount: an int64 count of the currency's minor units
// (123456 BRL centavos is R$ 1.234,56; CLP has no minor unit, so 1235 is
// $1.235). The digits are ISO 4217's minor unit: x/text's CLDR data, with
// ISO corrections where CLDR shows fewer digits (COP has 2).
//
// Prices and rates are Decimals (per-hour prices to 6 decimals and beyond,
// rates to 10). Arithmetic on them yields an Exact, an unrounded rational
// quantity of a currency: PerHour prices a duration to the second (hours =
// seconds/3600 exactly), Mul applies quantities and factors, Convert applies
// a Rate. Nothing is rounded along the way.
//
// Rounding happens once, when booking: Exact.Round to the minor unit,
// half-even (banker's) by default, half-up only where a contract requires
// it. Each booked line is rounded on its own and a total is the sum of booked
// lines, never a re-rounding of the exact total: the two can differ by up to
// about half a minor unit per line, and statements must add up to the lines
// people see.
//
// Exchange rates are dated: a Rate published for a day applies from 00:00
// UTC of that day until the next published rate for the pair. A RateTable
// returns the rate in force at an instant and refuses to invent rates: the
// inverse of a published rate is used only through LookupOrInverse, and is
// then marked Inverse.
//
// A month is 730 hours (8760 hours a year / 12) for every calendar month:
// MonthlyFromHourly and budgets quote the same monthly price in February and
// in March.
//
// Format writes amounts per locale from the integer minor units (symbols from
// CLDR, separators from a table), never through a float formatter.
package money
