package bench

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/soberana/soberana/internal/ledger"
	"github.com/soberana/soberana/internal/model"
	"github.com/soberana/soberana/internal/store"
)

// RatingOptions size the rating scenario.
type RatingOptions struct {
	// Workloads is how many workloads ran (one replica each).
	Workloads int
	// Days is the usage window from the first of the month.
	Days int
	// DatabaseURL is a postgres:// URL of an empty database the bench may
	// fill; empty uses SQLite in a temporary directory.
	DatabaseURL string
	// Batch is how many intervals one rating transaction books.
	Batch int
}

// Rating measures closing a month: n workloads each ran a replica for part
// or all of the window (two thirds still running at month end), billed by
// a USD price list whose price and exchange rate both change mid-month, for
// a BRL and a CLP institution. Setup (workloads, commitments, intervals) is
// not timed; closing the month (rating every interval through the month's
// end, booking charges and releases, recording the closure) is.
func Rating(ctx context.Context, o RatingOptions) (RatingResult, error) {
	positive(&o.Workloads, 100_000)
	positive(&o.Days, 30)
	res := RatingResult{Head: Head{Scenario: "rating", Database: "sqlite"}, Workloads: o.Workloads, Days: o.Days}
	st, kind, done, err := scratchStore(ctx, o.DatabaseURL, "rating", "writes a synthetic month")
	if err != nil {
		return res, err
	}
	defer done()
	res.Database = kind
	month := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	res.Month = ledger.Month(month)
	clock := month
	st.SetClock(func() time.Time { return clock })

	setup := time.Now()
	ins, err := ratingFixture(ctx, st, month, o)
	if err != nil {
		return res, fmt.Errorf("setting up: %w", err)
	}
	res.SetupSeconds = time.Since(setup).Seconds()

	clock = month.AddDate(0, 1, 0).Add(time.Hour)
	l := ledger.New(st, ledger.Options{RateBatch: o.Batch})
	start, cpu := time.Now(), cpuTime()
	c, err := l.Close(ctx, res.Month, "", "bench")
	if err != nil {
		return res, err
	}
	el := time.Since(start).Seconds()
	res.CloseMonthSeconds, res.CloseMonthCPUSeconds = el, (cpuTime() - cpu).Seconds()
	res.IntervalsRated, res.ChargeLines, res.ReleaseLines = c.Rated.Intervals, c.Rated.Charges, c.Rated.Releases
	res.IntervalsRatedPerSec = float64(c.Rated.Intervals) / el
	res.LinesBookedPerSec = float64(c.Rated.Charges+c.Rated.Releases) / el
	if len(c.Rated.Unrated) > 0 {
		return res, fmt.Errorf("%d intervals unrated: %s", len(c.Rated.Unrated), c.Rated.Unrated[0].Reason)
	}
	start = time.Now()
	s, err := ledger.InstitutionStatement(ctx, st.Read(), ins, res.Month)
	if err != nil {
		return res, err
	}
	res.StatementSeconds = time.Since(start).Seconds()
	if s.Total != nil {
		res.StatementTotal = s.Total.String()
	}
	return res, nil
}

// RatingResult is the scenario's JSON line.
type RatingResult struct {
	Head
	Workloads         int     `json:"workloads"`
	Days              int     `json:"days"`
	Month             string  `json:"month"`
	IntervalsRated    int     `json:"intervals_rated"`
	ChargeLines       int     `json:"charge_lines"`
	ReleaseLines      int     `json:"release_lines"`
	SetupSeconds      float64 `json:"setup_seconds"`
	CloseMonthSeconds float64 `json:"close_month_seconds"`
	// CloseMonthCPUSeconds is the process CPU time of the close; far
	// below the wall time means the machine was busy with other work.
	CloseMonthCPUSeconds float64 `json:"close_month_cpu_seconds"`
	IntervalsRatedPerSec float64 `json:"intervals_rated_per_second"`
	LinesBookedPerSec    float64 `json:"ledger_lines_per_second"`
	StatementSeconds     float64 `json:"statement_seconds"`
	StatementTotal       string  `json:"statement_total"`
}

// ratingFixture writes the catalog, two institutions and o.Workloads
// workloads with their commitments and usage intervals; it returns the
// BRL institution's id.
func ratingFixture(ctx context.Context, st *store.Store, month time.Time, o RatingOptions) (string, error) {
	var insID string
	err := st.InTx(ctx, func(tx *store.Tx) error {
		prov := model.Provider{Name: "bench cloud", Driver: "sim", Jurisdiction: "BR", Certification: "restricted", Currency: "USD", Health: "healthy", Simulated: true}
		if err := tx.Providers().Create(ctx, &prov, "prv"); err != nil {
			return err
		}
		mid := month.AddDate(0, 0, 14).Format(time.DateOnly)
		var offs []string
		for i, per := range []string{"0.0416", "0.0832", "0.1664", "0.3328"} {
			off := model.Offering{Name: "SCS-" + strconv.Itoa(1<<i) + "V", Kind: model.KindVM, VCPUs: 1 << i, MemoryMiB: 2048 << i, DiskGiB: 20}
			if err := tx.Offerings().Create(ctx, &off, "off"); err != nil {
				return err
			}
			offs = append(offs, off.ID)
			for _, p := range []model.Price{
				{ProviderID: prov.ID, OfferingID: off.ID, Currency: "USD", PerHour: per, ValidFrom: "2026-01-01"},
				{ProviderID: prov.ID, OfferingID: off.ID, Currency: "USD", PerHour: per + "5", ValidFrom: mid},
			} {
				if err := tx.Prices().Create(ctx, &p, "prc"); err != nil {
					return err
				}
			}
		}
		for _, r := range []model.FXRate{
			{From: "USD", To: "BRL", Rate: "5.4213", ValidOn: "2026-01-01", Source: "bench"},
			{From: "USD", To: "BRL", Rate: "5.5127", ValidOn: month.AddDate(0, 0, 9).Format(time.DateOnly), Source: "bench"},
			{From: "USD", To: "CLP", Rate: "949.12", ValidOn: "2026-01-01", Source: "bench"},
			{From: "USD", To: "CLP", Rate: "951.37", ValidOn: month.AddDate(0, 0, 9).Format(time.DateOnly), Source: "bench"},
		} {
			if err := tx.FXRates().Create(ctx, &r, "fx"); err != nil {
				return err
			}
		}
		type tenant struct{ ins, line, project, cur string }
		var tenants []tenant
		for _, c := range []string{"BRL", "CLP"} {
			ins := model.Institution{Name: "bench " + c, Country: "BR", Currency: c}
			if err := tx.Institutions().Create(ctx, &ins, "ins"); err != nil {
				return err
			}
			line := model.BudgetLine{InstitutionID: ins.ID, FiscalYear: 2026, Code: "1", Name: "cloud", Currency: c, AmountMinor: 1 << 60}
			if err := tx.BudgetLines().Create(ctx, &line, "bl"); err != nil {
				return err
			}
			prj := model.Project{InstitutionID: ins.ID, BudgetLineID: line.ID, Name: "bench"}
			if err := tx.Projects().Create(ctx, &prj, "prj"); err != nil {
				return err
			}
			tenants = append(tenants, tenant{ins.ID, line.ID, prj.ID, c})
		}
		insID = tenants[0].ins
		window := time.Duration(o.Days) * 24 * time.Hour
		ws := make([]*store.LedgerWorkload, o.Workloads)
		ivs := make([]*store.UsageInterval, o.Workloads)
		commits := make([]model.LedgerLine, o.Workloads)
		committed := map[string]int64{}
		for i := range o.Workloads {
			t := tenants[i%len(tenants)]
			id := fmt.Sprintf("wl_bench_%07d", i)
			off := offs[i%len(offs)]
			ws[i] = &store.LedgerWorkload{WorkloadID: id, InstitutionID: t.ins, ProjectID: t.project, BudgetLineID: t.line,
				OfferingID: off, Currency: t.cur, ForecastMonthlyMinor: 10_000}
			// Starts spread over the first tenth of the window; one in
			// three stops before the window ends.
			start := month.Add(time.Duration(i%int(window/time.Hour/10+1)) * time.Hour).Add(time.Duration(i%3600) * time.Second)
			iv := &store.UsageInterval{ID: fmt.Sprintf("ivl_bench_%07d", i), PlacementID: fmt.Sprintf("pl_bench_%07d", i),
				WorkloadID: id, OfferingID: off, SiteID: "site_bench", ProviderID: prov.ID, Start: start}
			if i%3 == 0 {
				end := start.Add(window / 2).Add(time.Duration(i%86400) * time.Second)
				iv.End = &end
			}
			ivs[i] = iv
			commits[i] = model.LedgerLine{ID: "commit/" + id, Kind: model.LedgerCommitment, Period: ledger.Month(month),
				InstitutionID: t.ins, BudgetLineID: t.line, ProjectID: t.project, WorkloadID: id, Currency: t.cur,
				AmountMinor: 2_000_000, ProviderCurrency: t.cur, ProviderMinor: 2_000_000, FXRate: "1"}
			committed[t.line] += 2_000_000
		}
		if err := tx.PutLedgerWorkloads(ctx, ws...); err != nil {
			return err
		}
		if _, err := tx.OpenIntervals(ctx, ivs...); err != nil {
			return err
		}
		// Stopped replicas: OpenIntervals stores End as given.
		if _, err := tx.InsertLedgerLines(ctx, commits); err != nil {
			return err
		}
		for line, v := range committed {
			if err := tx.AddBudgetBalance(ctx, line, v, 0); err != nil {
				return err
			}
		}
		return nil
	})
	return insID, err
}
