package workload

import (
	"strings"
	"time"

	"github.com/soberana/soberana/internal/i18n"
)

// MsgTime is an instant a rendered message names: At is the machine form
// (RFC 3339, UTC), Text how the message writes it, so that a page can
// mark it up (the console wraps it in a <time> element that the reader's
// browser rewrites in their own zone).
type MsgTime struct {
	At   string `json:"at"`
	Text string `json:"text"`
}

// RenderIn returns the message in lang with every argument that is an
// RFC 3339 instant written for a person in lang and loc (nil: UTC), and
// the instants it wrote. Arguments stay RFC 3339 where they are stored.
func (m Msg) RenderIn(lang i18n.Lang, loc *time.Location) (string, []MsgTime) {
	if m.Key == "" {
		return m.Text, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	var times []MsgTime
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = a
		if t, ok := instant(a); ok {
			txt := FormatInstant(lang, t.In(loc))
			args[i] = txt
			times = append(times, MsgTime{At: t.UTC().Format(time.RFC3339), Text: txt})
		}
	}
	return i18n.T(lang, m.Key, args...), times
}

// instant parses an argument that is an RFC 3339 date and time.
func instant(s string) (time.Time, bool) {
	if len(s) < len("2006-01-02T15:04:05Z") || !strings.Contains(s, "T") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// FormatInstant writes an instant for a person in lang, in the instant's
// own location, with the zone's abbreviation: "Mar 4, 2026, 3:04 PM -03"
// in English, "04/03/2026 15:04 -03" in Spanish and Portuguese.
func FormatInstant(lang i18n.Lang, t time.Time) string {
	if lang == i18n.EN {
		return t.Format("Jan 2, 2006, 3:04 PM MST")
	}
	return t.Format("02/01/2006 15:04 MST")
}
