package console

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"math/big"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/api"
	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/money"
)

// The ledger's API (budget balances, alerts, statements, workload cost)
// is read here. Its routes are looked up in the API's table, so these
// parts of the console appear when the ledger is served.

const (
	balancePath    = "/v1/budget-lines/{id}/balance"
	statementsPath = "/v1/statements"
	alertsPath     = "/v1/budget-alerts"
	costPath       = "/v1/workloads/{id}/cost"
)

// balances returns committed / accrued / available per budget line, or an
// empty map while the ledger is not served.
func (c *Console) balances(ctx context.Context, v *view) map[string]*balance {
	out := map[string]*balance{}
	if !c.hasRoute("GET", balancePath) {
		return out
	}
	bls, err := listAll[model.BudgetLine](ctx, c, v, "/v1/budget-lines", nil)
	if err != nil {
		return out
	}
	for _, b := range bls {
		var bal balanceJSON
		if err := c.get(ctx, v, "/v1/budget-lines/"+url.PathEscape(b.ID)+"/balance", &bal); err != nil {
			continue
		}
		out[b.ID] = newBalance(b.AmountMinor, bal.Committed.Minor, bal.Accrued.Minor)
	}
	return out
}

// balanceJSON is the part of GET /v1/budget-lines/{id}/balance the
// console reads: amounts in exact minor units (never a float).
type balanceJSON struct {
	Committed struct {
		Minor int64 `json:"minor"`
	} `json:"committed"`
	Accrued struct {
		Minor int64 `json:"minor"`
	} `json:"accrued"`
}

// workloadCost asks the ledger for month-to-date cost.
func (c *Console) workloadCost(ctx context.Context, v *view, wl api.WorkloadView) *workloadCost {
	if !c.hasRoute("GET", costPath) {
		return nil
	}
	var out api.WorkloadCost
	if err := c.get(ctx, v, "/v1/workloads/"+url.PathEscape(wl.ID)+"/cost", &out); err != nil {
		return nil
	}
	return &workloadCost{MonthToDate: out.MonthToDate.Minor, Forecast: out.ForecastMonthly.Minor, Committed: out.Committed.Minor,
		Currency: out.MonthToDate.Currency.Code()}
}

// alert is a budget alert as the home page shows it.
type alert struct {
	BudgetLine string
	Threshold  int64
	Used       money.Amount
	Amount     money.Amount
	At         time.Time
}

func (c *Console) alerts(ctx context.Context, v *view, institutionID string, lines map[string]model.BudgetLine) []alert {
	if !c.hasRoute("GET", alertsPath) {
		return nil
	}
	var page struct {
		Items []struct {
			BudgetLineID string       `json:"budget_line_id"`
			Threshold    int64        `json:"threshold_percent"`
			Used         money.Amount `json:"used"`
			Amount       money.Amount `json:"amount"`
			At           time.Time    `json:"at"`
		} `json:"items"`
	}
	if err := c.get(ctx, v, alertsPath+"?institution_id="+url.QueryEscape(institutionID), &page); err != nil {
		return nil
	}
	var out []alert
	for _, a := range page.Items {
		bl := lines[a.BudgetLineID]
		out = append(out, alert{BudgetLine: bl.Code + " · " + bl.Name, Threshold: a.Threshold, Used: a.Used, Amount: a.Amount, At: a.At})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out
}

// burndown is the fiscal year's chart of a budget line: the plan (a
// straight line to zero) and what remains after each month's charges.
type burndown struct {
	Plan, Actual string // SVG polyline points
	Months       []burnMonth
	Summary      string
	Top, Mid     string // axis labels
}

type burnMonth struct {
	X     string
	Label string
}

// The chart's coordinates are whole tenths of a pixel computed with
// integers, so no amount passes through a float on its way to a point.
const (
	burnW, burnH       = 600, 200
	burnLeft, burnBase = 120, 175
)

// tenths formats a non-negative coordinate in tenths of a pixel ("12.3").
func tenths(t int64) string { return fmt.Sprintf("%d.%d", t/10, t%10) }

// burndownOf computes the chart from monthly statements of the line's
// institution, January to the current month of the fiscal year.
func (c *Console) burndownOf(ctx context.Context, v *view, bl model.BudgetLine, bal *balance, now time.Time) *burndown {
	if bal == nil || bl.AmountMinor <= 0 || !c.hasRoute("GET", statementsPath) {
		return nil
	}
	last := 12
	if now.Year() == bl.FiscalYear {
		last = int(now.Month())
	} else if now.Year() < bl.FiscalYear {
		last = 0
	}
	// x of a point halfMonths half-months into the year; y of an amount
	// left, as its share of the line's amount (big: amount × pixels can
	// pass int64 for a national budget).
	x := func(halfMonths int64) string {
		return tenths(burnLeft*10 + halfMonths*(burnW-burnLeft-10)*10/24)
	}
	y := func(minor int64) string {
		share := new(big.Int).Mul(big.NewInt(minor), big.NewInt((burnBase-15)*10))
		return tenths(burnBase*10 - share.Quo(share, big.NewInt(bl.AmountMinor)).Int64())
	}
	b := &burndown{}
	b.Plan = x(0) + "," + y(bl.AmountMinor) + " " + x(24) + "," + y(0)
	pts := []string{x(0) + "," + y(bl.AmountMinor)}
	remaining := bl.AmountMinor
	// Nothing is charged to a line before it exists: skip those months.
	first := 1
	if bl.CreatedAt.Year() == bl.FiscalYear {
		first = int(bl.CreatedAt.Month())
	}
	for m := 1; m <= last; m++ {
		month := fmt.Sprintf("%04d-%02d", bl.FiscalYear, m)
		var st ledger.Statement
		if m < first {
			pts = append(pts, x(int64(2*m))+","+y(remaining))
			continue
		}
		if err := c.get(ctx, v, statementsPath+"?institution_id="+url.QueryEscape(bl.InstitutionID)+"&month="+month, &st); err == nil {
			for _, s := range st.ByBudgetLine {
				if s.ID == bl.ID {
					remaining -= s.Amount.Minor
				}
			}
		}
		r := remaining
		if m == last && now.Year() == bl.FiscalYear {
			r = bal.Available // the current month also holds what is committed
		}
		pts = append(pts, x(int64(2*m))+","+y(max(r, 0)))
	}
	b.Actual = strings.Join(pts, " ")
	for m := 1; m <= 12; m++ {
		name := v.T("console.month." + strconv.Itoa(m))
		r := []rune(name)
		b.Months = append(b.Months, burnMonth{X: x(int64(2*m - 1)), Label: strings.ToUpper(string(r[:min(3, len(r))]))})
	}
	b.Top = v.Money(bl.AmountMinor, bl.Currency)
	b.Mid = v.Money(bl.AmountMinor/2, bl.Currency)
	b.Summary = v.T("console.burndown.summary", bl.FiscalYear, v.Money(bl.AmountMinor, bl.Currency), v.Money(bal.Available, bl.Currency))
	return b
}

// ---- statements

type statementsData struct {
	Institutions []model.Institution
	Institution  string
	Month        string
	Statement    *ledger.Statement
	Currency     string
	CSV          string
	// Sim marks simulated providers in the per-provider table.
	Sim map[string]bool
}

func (c *Console) statementQuery(r *http.Request, v *view) (string, string, []model.Institution, error) {
	is, err := listAll[model.Institution](r.Context(), c, v, "/v1/institutions", nil)
	if err != nil {
		return "", "", nil, err
	}
	sort.Slice(is, func(i, j int) bool { return is[i].Name < is[j].Name })
	ins := r.URL.Query().Get("institution_id")
	if ins == "" && len(is) > 0 {
		ins = is[0].ID
	}
	month := r.URL.Query().Get("month")
	if _, err := time.Parse("2006-01", month); err != nil {
		month = c.now().UTC().Format("2006-01")
	}
	return ins, month, is, nil
}

func (c *Console) statements(w http.ResponseWriter, r *http.Request, v *view) error {
	ins, month, is, err := c.statementQuery(r, v)
	if err != nil {
		return err
	}
	d := statementsData{Institutions: is, Institution: ins, Month: month, Sim: map[string]bool{}}
	if ps, err := listAll[model.Provider](r.Context(), c, v, "/v1/providers", nil); err == nil {
		for _, p := range ps {
			d.Sim[p.ID] = p.Simulated
		}
	}
	for _, x := range is {
		if x.ID == ins {
			d.Currency = x.Currency
		}
	}
	if ins != "" {
		var st ledger.Statement
		if err := c.get(r.Context(), v, statementsPath+"?institution_id="+url.QueryEscape(ins)+"&month="+month, &st); err != nil {
			return err
		}
		d.Statement = &st
		d.CSV = "/statements.csv?" + url.Values{"institution_id": {ins}, "month": {month}}.Encode()
	}
	v.Data = d
	return nil
}

// statementCSV downloads a statement in the ledger's export format.
func (c *Console) statementCSV(w http.ResponseWriter, r *http.Request, v *view) error {
	ins, month, _, err := c.statementQuery(r, v)
	if err != nil {
		return err
	}
	var st ledger.Statement
	if err := c.get(r.Context(), v, statementsPath+"?institution_id="+url.QueryEscape(ins)+"&month="+month, &st); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := ledger.WriteCSV(&buf, st); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="statement-%s-%s.csv"`, safeName(ins), month))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
	return errHandled
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, s)
}

// opsAlert is a firing operational alert (health, capacity, failover…).
type opsAlert struct {
	Rule     string    `json:"rule"`
	Severity string    `json:"severity"`
	Summary  string    `json:"summary"`
	FiredAt  time.Time `json:"fired_at"`
	// SummaryTimes are the instants the summary names (as the API wrote
	// them, in UTC): the page marks them up as <time> elements.
	SummaryTimes []struct {
		At   string `json:"at"`
		Text string `json:"text"`
	} `json:"summary_times"`
}

// SummaryHTML is the summary with every instant it names as a <time>
// element, which console.js rewrites in the reader's zone and locale like
// every other time of the console.
func (a opsAlert) SummaryHTML() template.HTML {
	out := template.HTMLEscapeString(a.Summary)
	for _, t := range a.SummaryTimes {
		at, err := time.Parse(time.RFC3339, t.At)
		if err != nil || t.Text == "" {
			continue
		}
		txt := template.HTMLEscapeString(t.Text)
		out = strings.Replace(out, txt, `<time datetime="`+at.UTC().Format(time.RFC3339)+`" data-local>`+txt+`</time>`, 1)
	}
	return template.HTML(out) //nolint:gosec // escaped above; only our own <time> elements added
}

const opsAlertsPath = "/v1/alerts"

// firingAlerts lists the operational alerts firing now, for an
// institution or (institutionID "") for the whole platform.
func (c *Console) firingAlerts(ctx context.Context, v *view, institutionID string) []opsAlert {
	if !c.hasRoute("GET", opsAlertsPath) {
		return nil
	}
	q := url.Values{"state": {string(model.AlertFiring)}, "limit": {"20"}}
	if institutionID != "" {
		q.Set("institution_id", institutionID)
	}
	var page struct {
		Items []opsAlert `json:"items"`
	}
	if err := c.get(ctx, v, opsAlertsPath+"?"+q.Encode(), &page); err != nil {
		return nil
	}
	return page.Items
}
