package money

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// CSVError locates one problem in a rates CSV. Line counts from 1 (the
// header); Field is the column name, or "" when the whole row is at fault.
type CSVError struct {
	Line  int
	Field string
	Err   error
}

func (e *CSVError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("rates csv: line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("rates csv: line %d, field %s: %v", e.Line, e.Field, e.Err)
}

func (e *CSVError) Unwrap() error { return e.Err }

// maxCSVErrors bounds how many problems ParseRatesCSV reports at once.
const maxCSVErrors = 20

var csvColumns = [...]string{"date", "from", "to", "rate"}

// ParseRatesCSV reads published rates:
//
//	date,from,to,rate
//	2025-03-31,USD,BRL,5.7422
//
// The header names the columns (any order, any letter case); date is
// YYYY-MM-DD (the UTC day the rate takes effect), from and to are ISO 4217
// codes, rate is a positive plain decimal: 1 from = rate to. Blank lines
// and a UTF-8 byte-order mark are ignored. The same pair and date twice is
// an error.
//
// On failure it returns no rates and an error joining up to 20 *CSVError,
// each naming the line and field; errors.As finds the first.
func ParseRatesCSV(r io.Reader) ([]Rate, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &CSVError{Line: 1, Err: fmt.Errorf("empty file: %w", ErrCSVHeader)}
		}
		return nil, csvReadError(err, 1)
	}
	col, err := columns(header)
	if err != nil {
		return nil, err
	}

	var (
		rates []Rate
		errs  []error
		seen  = map[string]int{} // "date from to" → line
	)
	fail := func(e *CSVError) bool {
		errs = append(errs, e)
		return len(errs) >= maxCSVErrors
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				if fail(&CSVError{Line: pe.StartLine, Err: fmt.Errorf("%d fields, want %d", len(rec), len(header))}) {
					break
				}
				continue
			}
			errs = append(errs, csvReadError(err, 0))
			break // the reader cannot resynchronise after a quoting error
		}
		line, _ := cr.FieldPos(0)
		rate, field, err := parseRateRow(rec, col)
		if err != nil {
			if fail(&CSVError{Line: line, Field: field, Err: err}) {
				break
			}
			continue
		}
		key := rate.Date.Format(time.DateOnly) + " " + rate.From.code + " " + rate.To.code
		if first, dup := seen[key]; dup {
			if fail(&CSVError{Line: line, Err: fmt.Errorf("%s→%s on %s repeats line %d: %w",
				rate.From, rate.To, rate.Date.Format(time.DateOnly), first, ErrRateConflict)}) {
				break
			}
			continue
		}
		seen[key] = line
		rates = append(rates, rate)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return rates, nil
}

// columns maps the header to the index of each of csvColumns.
func columns(header []string) ([4]int, error) {
	var col [4]int
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	if len(header) != len(csvColumns) {
		return col, &CSVError{Line: 1, Err: fmt.Errorf("%d columns: %w", len(header), ErrCSVHeader)}
	}
	for i := range col {
		col[i] = -1
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		j := -1
		for k, name := range csvColumns {
			if h == name {
				j = k
			}
		}
		if j < 0 || col[j] >= 0 {
			return col, &CSVError{Line: 1, Field: h, Err: fmt.Errorf("unexpected or repeated column: %w", ErrCSVHeader)}
		}
		col[j] = i
	}
	return col, nil
}

func parseRateRow(rec []string, col [4]int) (Rate, string, error) {
	field := func(i int) string { return strings.TrimSpace(rec[col[i]]) }
	var r Rate
	d, err := time.Parse(time.DateOnly, field(0))
	if err != nil {
		return Rate{}, "date", fmt.Errorf("%q is not a YYYY-MM-DD date", clip(field(0)))
	}
	r.Date = d
	if r.From, err = ParseCurrency(field(1)); err != nil {
		return Rate{}, "from", err
	}
	if r.To, err = ParseCurrency(field(2)); err != nil {
		return Rate{}, "to", err
	}
	if r.From == r.To {
		return Rate{}, "to", fmt.Errorf("%s→%s converts a currency into itself: %w", r.From, r.To, ErrInvalidRate)
	}
	if r.Value, err = ParseDecimal(field(3)); err != nil {
		return Rate{}, "rate", err
	}
	if r.Value.Sign() <= 0 {
		return Rate{}, "rate", fmt.Errorf("%s is not positive: %w", r.Value, ErrInvalidRate)
	}
	return r, "", nil
}

func csvReadError(err error, line int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CSVError{Line: pe.Line, Err: pe.Err}
	}
	return &CSVError{Line: line, Err: err}
}
