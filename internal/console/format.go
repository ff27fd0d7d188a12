package console

import (
	"strconv"
	"strings"
	"time"

	"github.com/soberana/soberana/internal/i18n"
	"github.com/soberana/soberana/internal/money"
)

// Locale formatting for templates. Money goes through internal/money (the
// one place that knows how each locale writes each currency); numbers and
// dates are written here from the same conventions: es and pt-BR group
// with "." and use "," for decimals, en the reverse.

func separators(l i18n.Lang) (group, decimal string) {
	if l == i18n.EN {
		return ",", "."
	}
	return ".", ","
}

// formatInt writes n with the locale's grouping (es groups from five
// digits, as CLDR's minimumGroupingDigits=2 for Spanish says).
func formatInt(l i18n.Lang, n int64) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
	}
	s := strconv.FormatUint(u, 10)
	group, _ := separators(l)
	minDigits := 4
	if l == i18n.ES {
		minDigits = 5
	}
	if len(s) >= minDigits {
		var b strings.Builder
		pre := len(s) % 3
		if pre > 0 {
			b.WriteString(s[:pre])
		}
		for i := pre; i < len(s); i += 3 {
			if b.Len() > 0 {
				b.WriteString(group)
			}
			b.WriteString(s[i : i+3])
		}
		s = b.String()
	}
	if neg {
		return "-" + s
	}
	return s
}

// formatDecimal writes an exact decimal string ("1234.5678") per locale,
// never through a float.
func formatDecimal(l i18n.Lang, s string) string {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(ip, 10, 64)
	if err != nil {
		return s
	}
	out := formatInt(l, n)
	if fp != "" {
		_, dec := separators(l)
		out += dec + fp
	}
	if neg {
		out = "-" + out
	}
	return out
}

// formatMoney writes minor units of a currency for l.
func formatMoney(l i18n.Lang, minor int64, code string) string {
	cur, err := money.ParseCurrency(code)
	if err != nil {
		return formatInt(l, minor) + " " + code
	}
	return money.FormatWithCode(money.Amount{Minor: minor, Currency: cur}, l.Tag())
}

// formatDay writes a calendar day: es/pt-BR 15/03/2026, en Mar 15, 2026.
func formatDay(l i18n.Lang, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l == i18n.EN {
		return t.Format("Jan 2, 2006")
	}
	return t.Format("02/01/2006")
}

// formatDateTime writes an instant in UTC.
func formatDateTime(l i18n.Lang, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	if l == i18n.EN {
		return t.Format("Jan 2, 2006, 3:04 PM") + " UTC"
	}
	return t.Format("02/01/2006 15:04") + " UTC"
}

// formatMonth writes a "2026-03" period as a month name and year.
func formatMonth(l i18n.Lang, period string) string {
	t, err := time.Parse("2006-01", period)
	if err != nil {
		return period
	}
	return i18n.T(l, "console.month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// percent returns part/whole in whole percent, clamped to 0..100.
func percent(part, whole int64) int64 {
	if whole <= 0 || part <= 0 {
		return 0
	}
	p := part * 100 / whole
	if p > 100 {
		p = 100
	}
	return p
}
