package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/auth"

	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
	"github.com/soberana/soberana/internal/store"
)

// CloseRequest is the body of POST /v1/statements:close.
type CloseRequest struct {
	Month string `json:"month"`
	// InstitutionID closes the month for one institution; empty closes it
	// for all.
	InstitutionID string `json:"institution_id,omitempty"`
}

// RateRequest is the body of POST /v1/ledger:rate.
type RateRequest struct {
	// Through is the instant up to which usage is rated (default: now).
	Through *time.Time `json:"through,omitempty"`
}

// FXImport is the answer of POST /v1/fx-rates:import.
type FXImport struct {
	Imported int `json:"imported"`
	// Unchanged counts rates already stored with the same value.
	Unchanged int            `json:"unchanged"`
	Items     []model.FXRate `json:"items"`
}

// WorkloadCost is a workload's predictable cost (model.WorkloadCost).
type WorkloadCost = model.WorkloadCost

// Budget alert kinds (BudgetAlertView.Kind).
const (
	BudgetAlertThreshold = "threshold"
	BudgetAlertReduction = "reduction"
)

// BudgetAlertKinds lists every budget alert kind (the OpenAPI enum).
var BudgetAlertKinds = []string{BudgetAlertThreshold, BudgetAlertReduction}

// BudgetAlertView is one alert of a budget line.
type BudgetAlertView struct {
	ID            string       `json:"id"`
	InstitutionID string       `json:"institution_id"`
	BudgetLineID  string       `json:"budget_line_id"`
	Threshold     int64        `json:"threshold_percent"`
	Used          money.Amount `json:"used"`
	Amount        money.Amount `json:"amount"`
	At            time.Time    `json:"at"`
	// Kind is "threshold" (Used reached Threshold % of Amount) or
	// "reduction" (the line was cut to Amount, below the Used it carried,
	// by By, for Reason).
	Kind   string `json:"kind"`
	Reason string `json:"reason,omitempty"`
	By     string `json:"by,omitempty"`
}

// AddLedger registers the ledger's routes (statements, closing, rating,
// exchange-rate import, budget balances and alerts, workload cost); its
// errors are mapped by mapError (a refused commitment answers the ledger's
// "budget-exceeded" problem, whoever refused it).
func (a *API) AddLedger(l *ledger.Ledger) {
	a.AddRoutes(func(a *API) []*Route {
		return []*Route{
			{Method: "POST", Path: "/v1/fx-rates:import", Summary: "Import exchange rates from a text/csv body (date,from,to,rate): all or none; errors name the line and field",
				Tag: "catalog", Auth: Platform("fx-rates:write"), Response: FXImport{}, Status: http.StatusCreated, Query: []string{"source"}, RequestMedia: "text/csv",
				Handle: a.importRates},
			{Method: "GET", Path: "/v1/statements", Summary: "A month's statement of an institution (per budget line, project and provider) or of a provider (per institution)",
				Tag: "ledger", Auth: Any("statements:read"), Response: ledger.Statement{}, Query: []string{"institution_id", "provider_id", "month"},
				Handle: func(r *http.Request) (any, error) {
					q := r.URL.Query()
					month := q.Get("month")
					if _, err := ledger.ParseMonth(month); err != nil {
						return nil, err
					}
					ins, prv := q.Get("institution_id"), q.Get("provider_id")
					if err := AllowAt(r, "statements:read", auth.Target{Institution: ins, Provider: prv}); err != nil {
						return nil, err
					}
					switch {
					case ins != "" && prv == "":
						return ledger.InstitutionStatement(r.Context(), a.store.Read(), ins, month)
					case prv != "" && ins == "":
						return ledger.ProviderStatement(r.Context(), a.store.Read(), prv, month)
					}
					return nil, Errorf(http.StatusBadRequest, "bad-request", "ledger.statement.whose")
				}},
			{Method: "POST", Path: "/v1/statements:close", Summary: "Rate the month's usage and close it (for one institution or all): a closed month is immutable",
				Tag: "ledger", Auth: InScope("statements:write", "institution_id", auth.Institution), Request: CloseRequest{}, Response: ledger.Closure{},
				Handle: withBody(func(r *http.Request, body CloseRequest) (any, error) {
					return l.Close(r.Context(), body.Month, body.InstitutionID, callerName(r))
				})},
			{Method: "POST", Path: "/v1/ledger:rate", Summary: "Rate recorded usage up to an instant (idempotent; rating also runs when a month is closed)",
				Tag: "ledger", Auth: Platform("ledger:write"), Request: RateRequest{}, Response: ledger.RateResult{},
				Handle: func(r *http.Request) (any, error) {
					var body RateRequest
					if err := decodeIfAny(r, &body); err != nil {
						return nil, err
					}
					through := a.store.Now()
					if body.Through != nil {
						through = *body.Through
					}
					return l.Rate(r.Context(), through, "")
				}},
			{Method: "GET", Path: "/v1/budget-lines/{id}/balance", Summary: "A budget line's amount, committed, accrued and available (amount − committed − accrued)",
				Tag: "tenancy", Auth: Object("budget-lines:read", "id"), Response: ledger.Balance{},
				Handle: func(r *http.Request) (any, error) {
					tx := a.store.Read()
					line, err := tx.BudgetLines().Get(r.Context(), r.PathValue("id"))
					if err != nil {
						return nil, err
					}
					bs, err := ledger.Balances(r.Context(), tx, []model.BudgetLine{line})
					if err != nil {
						return nil, err
					}
					return bs[0], nil
				}},
			{Method: "GET", Path: "/v1/budget-alerts", Summary: "Budget alerts: a line reached 50, 80 or 100 % (committed + accrued); each fires once",
				Tag: "tenancy", Auth: Any("budget-lines:read"), Response: listPage[BudgetAlertView]{}, Query: []string{"institution_id", "budget_line_id"},
				Handle: func(r *http.Request) (any, error) {
					q := r.URL.Query()
					as, err := a.store.Read().BudgetAlerts(r.Context(), q.Get("institution_id"), q.Get("budget_line_id"))
					if err != nil {
						return nil, err
					}
					out := listPage[BudgetAlertView]{Items: make([]BudgetAlertView, 0, len(as))}
					for _, al := range as {
						if AllowAt(r, "budget-lines:read", auth.Target{Institution: al.InstitutionID}) != nil {
							continue // outside the caller's scopes
						}
						cur, err := money.ParseCurrency(al.Currency)
						if err != nil {
							return nil, err
						}
						out.Items = append(out.Items, BudgetAlertView{ID: al.ID, InstitutionID: al.InstitutionID,
							BudgetLineID: al.BudgetLineID, Threshold: al.Threshold, At: al.At, Kind: BudgetAlertThreshold,
							Used: money.Amount{Minor: al.UsedMinor, Currency: cur}, Amount: money.Amount{Minor: al.AmountMinor, Currency: cur}})
					}
					reds, err := reductionAlerts(r, a.store.Read(), q.Get("institution_id"), q.Get("budget_line_id"))
					if err != nil {
						return nil, err
					}
					out.Items = mergeAlerts(out.Items, reds)
					return out, nil
				}},
			{Method: "GET", Path: "/v1/workloads/{id}/cost", Summary: "A workload's forecast monthly cost, month-to-date cost and remaining commitment",
				Tag: "workloads", Auth: Object("workloads:read", "id"), Response: WorkloadCost{},
				Handle: func(r *http.Request) (any, error) {
					return workloadCost(r.Context(), a.store.Read(), r.PathValue("id"), a.store.Now())
				}},
		}
	})
}

func workloadCost(ctx context.Context, tx *store.Tx, id string, now time.Time) (WorkloadCost, error) {
	c, err := ledger.WorkloadCost(ctx, tx, id, now)
	if err != nil {
		return WorkloadCost{}, err
	}
	return costView(id, now, c), nil
}

// costView is the wire view of a workload's cost at now.
func costView(id string, now time.Time, c ledger.Cost) WorkloadCost {
	cur := c.MonthToDate.Currency
	return WorkloadCost{WorkloadID: id, Month: ledger.Month(now), MonthToDate: c.MonthToDate,
		ForecastMonthly: money.Amount{Minor: c.Ledger.ForecastMonthlyMinor, Currency: cur},
		Committed:       c.Committed}
}

func callerName(r *http.Request) string {
	if p, ok := PrincipalOf(r.Context()); ok {
		return p.Name
	}
	return ""
}

// decodeIfAny decodes a JSON body when one was sent.
func decodeIfAny(r *http.Request, dst any) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	return DecodeBytes(body, dst)
}

// importRates stores every rate of a CSV body in one transaction, or none.
// A rate already stored with the same value is left as is (re-importing a
// file is safe); a different value for a stored pair and day is refused.
func (a *API) importRates(r *http.Request) (any, error) {
	ct := strings.ToLower(r.Header.Get("Content-Type"))
	if !strings.HasPrefix(ct, "text/csv") && !strings.HasPrefix(ct, "application/csv") {
		return nil, Errorf(http.StatusUnsupportedMediaType, "unsupported-media-type", "ledger.fx_import.media_type")
	}
	body, err := readAll(r)
	if err != nil {
		return nil, err
	}
	source := r.URL.Query().Get("source")
	if source == "" {
		source = "csv import"
	}
	rates, err := money.ParseRatesCSV(bytes.NewReader(body))
	if err != nil {
		return nil, csvProblem(err)
	}
	lines := recordLines(body)
	out := FXImport{Items: []model.FXRate{}}
	err = a.store.InTx(r.Context(), func(tx *store.Tx) error {
		out = FXImport{Items: []model.FXRate{}}
		var bad []model.FieldError
		for i, rt := range rates {
			line := 0
			if i < len(lines) {
				line = lines[i]
			}
			f := model.FXRate{From: rt.From.Code(), To: rt.To.Code(), Rate: rt.Value.String(),
				ValidOn: rt.Date.Format(time.DateOnly), Source: source}
			var ve *model.ValidationError
			if err := f.Validate(); errors.As(err, &ve) {
				for _, fe := range ve.Fields {
					fe.Field = lineField(line, fe.Field)
					bad = append(bad, fe)
				}
				continue
			} else if err != nil {
				return err
			}
			page, err := tx.FXRates().List(r.Context(), store.ListOptions{Filters: map[string]string{
				"from_currency": f.From, "to_currency": f.To, "valid_on": f.ValidOn}})
			if err != nil {
				return err
			}
			if len(page.Items) > 0 {
				have, err := money.ParseDecimal(page.Items[0].Rate)
				if err == nil && have == rt.Value {
					out.Unchanged++
					continue
				}
				bad = append(bad, model.FieldError{Field: lineField(line, "rate"), Key: "ledger.fx_import.conflict", Args: []any{page.Items[0].Rate}})
				continue
			}
			if len(bad) > 0 {
				continue
			}
			if err := tx.FXRates().Create(r.Context(), &f, "fx"); err != nil {
				return err
			}
			out.Items = append(out.Items, f)
		}
		if len(bad) > 0 {
			return &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "ledger.fx_import.detail",
				Args: []any{len(bad)}, Params: bad}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Imported = len(out.Items)
	return Created{Value: out, Location: "/v1/fx-rates"}, nil
}

// recordLines returns the line number of each data record of a CSV.
func recordLines(body []byte) []int {
	cr := csv.NewReader(bytes.NewReader(body))
	cr.FieldsPerRecord = -1
	var out []int
	for first := true; ; first = false {
		if _, err := cr.Read(); err != nil {
			return out
		}
		if !first {
			line, _ := cr.FieldPos(0)
			out = append(out, line)
		}
	}
}

func lineField(line int, field string) string {
	if field == "" {
		return fmt.Sprintf("line %d", line)
	}
	return fmt.Sprintf("line %d: %s", line, field)
}

// csvProblem turns ParseRatesCSV's errors into one problem listing every
// line and field at fault, each reason in the caller's language.
func csvProblem(err error) error {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	e := &Error{Status: http.StatusUnprocessableEntity, Slug: "validation", Key: "ledger.fx_import.detail", Err: err}
	for _, one := range errs {
		var ce *money.CSVError
		if !errors.As(one, &ce) {
			e.Params = append(e.Params, model.FieldError{Field: "body", Key: "ledger.fx_import.invalid", Args: []any{one.Error()}})
			continue
		}
		fe := model.FieldError{Field: lineField(ce.Line, ce.Field)}
		switch {
		case errors.Is(ce, money.ErrCSVHeader):
			fe.Key = "ledger.fx_import.header"
		case errors.Is(ce, money.ErrRateConflict):
			fe.Key = "ledger.fx_import.repeated"
		case ce.Field == "date":
			fe.Key = "ledger.fx_import.date"
		case (ce.Field == "from" || ce.Field == "to") && errors.Is(ce, money.ErrUnknownCurrency):
			fe.Key = "ledger.fx_import.currency"
		case ce.Field == "to" && errors.Is(ce, money.ErrInvalidRate):
			fe.Key = "ledger.fx_import.same"
		case ce.Field == "rate":
			fe.Key = "ledger.fx_import.rate"
		default:
			fe.Key, fe.Args = "ledger.fx_import.invalid", []any{ce.Err.Error()}
		}
		e.Params = append(e.Params, fe)
	}
	e.Args = []any{len(e.Params)}
	return e
}
