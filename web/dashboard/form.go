package dashboard

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/currency"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/calendar"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// The dashboard's forms name their fields as the admin API does, except
// where a person writes a value differently from a script: a price in
// pounds rather than pence, reminders as "1d, 1h" rather than minutes.
var eventFieldNames = map[string]string{
	"price_cents":                 "price",
	"reminder_offsets_minutes":    "reminders",
	"registration_cutoff_minutes": "registration_cutoff",
}

// sessionFieldNames map a date's domain fields to its form's.
var sessionFieldNames = map[string]string{"starts_at": "start", "ends_at": "end"}

// eventFromForm reads the event form into the domain type, recording a
// message in f for each value that does not parse (the service checks
// the rest).
func eventFromForm(form url.Values, f *fault.Fields) events.EventInput {
	in := events.EventInput{
		Slug: form.Get("slug"), Title: form.Get("title"), Summary: form.Get("summary"),
		Description: strings.ReplaceAll(form.Get("description"), "\r\n", "\n"),
		Timezone:    form.Get("timezone"), Location: form.Get("location"), OnlineURL: form.Get("online_url"),
		Currency: strings.ToUpper(strings.TrimSpace(form.Get("currency"))), Status: events.Draft,
		HostEmails: splitList(form.Get("hosts")),
	}
	if form.Get("status") == string(events.Published) {
		in.Status = events.Published
	}
	in.PriceCents = parsePrice(f, "price", form.Get("price"), in.Currency)
	in.ReminderOffsetsMinutes = parseDurations(f, "reminders", form.Get("reminders"))
	cutoff := parseDurations(f, "registration_cutoff", form.Get("registration_cutoff"))
	if len(cutoff) > 1 {
		f.Add("registration_cutoff", "must be one length of time, such as 0, 2h or 1d")
	} else if len(cutoff) == 1 {
		in.RegistrationCutoffMinutes = cutoff[0]
	}
	if v := strings.TrimSpace(form.Get("refund_cutoff_hours")); v != "" {
		hours, err := strconv.Atoi(v)
		if err != nil {
			f.Add("refund_cutoff_hours", "must be a whole number of hours")
		}
		in.RefundCutoffHours = &hours
	}
	return in
}

// patchFromInput is the change that makes an event what the edit form says.
func patchFromInput(in events.EventInput) events.EventPatch {
	hosts := in.HostEmails
	if hosts == nil {
		hosts = []string{} // the coach alone
	}
	return events.EventPatch{
		Title: &in.Title, Summary: &in.Summary, Description: &in.Description, Timezone: &in.Timezone,
		Location: &in.Location, OnlineURL: &in.OnlineURL, Currency: &in.Currency, PriceCents: &in.PriceCents,
		HostEmails: hosts, ReminderOffsetsMinutes: in.ReminderOffsetsMinutes,
		RegistrationCutoffMinutes: &in.RegistrationCutoffMinutes, RefundCutoffHours: in.RefundCutoffHours,
	}
}

// eventFormValues fills the edit form from an event; the signed-in coach
// is left out of the co-hosts, since they always host what they edit.
func eventFormValues(e events.Event, coachID int64) url.Values {
	var cohosts []string
	for _, h := range e.Hosts {
		if h.CoachID != coachID {
			cohosts = append(cohosts, h.Email)
		}
	}
	return url.Values{
		"slug": {e.Slug}, "title": {e.Title}, "summary": {e.Summary}, "description": {e.Description},
		"timezone": {e.Timezone}, "location": {e.Location}, "online_url": {e.OnlineURL},
		"price": {formatPrice(e.PriceCents, e.Currency)}, "currency": {e.Currency},
		"hosts": {strings.Join(cohosts, ", ")}, "reminders": {formatDurations(e.ReminderOffsetsMinutes)},
		"registration_cutoff": {formatDurations(events.Minutes{e.RegistrationCutoffMinutes})},
		"refund_cutoff_hours": {strconv.Itoa(e.RefundCutoffHours)}, "status": {string(e.Status)},
	}
}

// newEventFormValues are the new-event form's starting values.
func newEventFormValues() url.Values {
	return url.Values{
		"timezone": {"Europe/London"}, "currency": {"GBP"}, "price": {"0"}, "reminders": {"1d, 1h"},
		"registration_cutoff": {"0"}, "refund_cutoff_hours": {strconv.Itoa(events.DefaultRefundCutoffHours)},
		"status": {string(events.Draft)},
	}
}

// splitList splits a list of emails typed with commas, spaces or lines.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// currencyScale is how many digits a currency has after the point.
func currencyScale(code string) int {
	unit, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(unit)
	return scale
}

var priceRE = regexp.MustCompile(`^(\d{1,9})(?:\.(\d+))?$`)

// parsePrice reads an amount such as "49", "49.5" or "1,049.00" in major
// units of code and returns it in minor units.
func parsePrice(f *fault.Fields, field, value, code string) int64 {
	value = strings.ReplaceAll(strings.TrimSpace(value), ",", "")
	if value == "" {
		return 0
	}
	scale := currencyScale(code)
	m := priceRE.FindStringSubmatch(value)
	if m == nil || len(m[2]) > scale {
		f.Add(field, fmt.Sprintf("must be an amount such as 49 or 49.00 (at most %d decimal places)", scale))
		return 0
	}
	whole, _ := strconv.ParseInt(m[1], 10, 64)
	frac := int64(0)
	if m[2] != "" {
		frac, _ = strconv.ParseInt(m[2]+strings.Repeat("0", scale-len(m[2])), 10, 64)
	}
	unit := int64(1)
	for range scale {
		unit *= 10
	}
	return whole*unit + frac
}

// formatPrice shows minor units as the form takes them: "49.00".
func formatPrice(cents int64, code string) string { return booking.DecimalAmount(cents, code) }

var durationRE = regexp.MustCompile(`^(\d{1,6})\s*(d|days?|h|hours?|hrs?|m|mins?|minutes?)?$`)

// parseDurations reads lengths of time such as "1d, 2h, 30m" (a bare
// number is minutes) and returns them in minutes, largest first.
func parseDurations(f *fault.Fields, field, value string) events.Minutes {
	out := events.Minutes{}
	for _, part := range strings.Split(strings.ToLower(value), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		m := durationRE.FindStringSubmatch(part)
		if m == nil {
			f.Add(field, fmt.Sprintf("%q is not a length of time; write them like 1d, 2h, 30m", part))
			continue
		}
		n, _ := strconv.Atoi(m[1])
		switch {
		case strings.HasPrefix(m[2], "d"):
			n *= 24 * 60
		case strings.HasPrefix(m[2], "h"):
			n *= 60
		}
		out = append(out, n)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out
}

// formatDurations writes minutes as parseDurations reads them.
func formatDurations(minutes events.Minutes) string {
	parts := make([]string, len(minutes))
	for i, m := range minutes {
		switch {
		case m == 0:
			parts[i] = "0"
		case m%(24*60) == 0:
			parts[i] = fmt.Sprintf("%dd", m/(24*60))
		case m%60 == 0:
			parts[i] = fmt.Sprintf("%dh", m/60)
		default:
			parts[i] = fmt.Sprintf("%dm", m)
		}
	}
	return strings.Join(parts, ", ")
}

// sessionFromForm reads a date form (a day, a start and end time in the
// event's time zone, and a capacity). An end before the start is on the
// next day, for an evening that runs past midnight. Wall times become
// instants through calendar.At, the one conversion in Roster: a time the
// clocks skip is read with the offset before the change, a time they
// repeat means its first occurrence.
func sessionFromForm(form url.Values, zone *time.Location, f *fault.Fields) events.SessionInput {
	var in events.SessionInput
	day, err := time.Parse("2006-01-02", strings.TrimSpace(form.Get("date")))
	if err != nil {
		f.Add("date", "must be a date such as 2027-09-22")
	}
	start, startErr := time.Parse("15:04", strings.TrimSpace(form.Get("start")))
	if startErr != nil {
		f.Add("start", "must be a time such as 18:00")
	}
	end, endErr := time.Parse("15:04", strings.TrimSpace(form.Get("end")))
	if endErr != nil {
		f.Add("end", "must be a time such as 20:00")
	}
	if err == nil && startErr == nil && endErr == nil {
		endDay := day
		if end.Before(start) {
			endDay = day.AddDate(0, 0, 1)
		}
		in.StartsAt = wallTime(f, "start", zone, day, start)
		in.EndsAt = wallTime(f, "end", zone, endDay, end)
	}
	capacity, err := strconv.Atoi(strings.TrimSpace(form.Get("capacity")))
	if err != nil {
		f.Add("capacity", "must be a whole number of seats")
	}
	in.Capacity = capacity
	return in
}

// wallTime is the instant (UTC) the clock in zone shows clock on day.
func wallTime(f *fault.Fields, field string, zone *time.Location, day, clock time.Time) time.Time {
	t, err := calendar.At(zone.String(), day.Year(), day.Month(), day.Day(), clock.Hour(), clock.Minute())
	if err != nil {
		f.Add(field, "is not a time in the event's time zone")
		return time.Time{}
	}
	return t.UTC()
}

// sessionFormValues fills a date form from a date.
func sessionFormValues(s events.Session, zone *time.Location) url.Values {
	start, end := s.StartsAt.In(zone), s.EndsAt.In(zone)
	return url.Values{
		"date": {start.Format("2006-01-02")}, "start": {start.Format("15:04")}, "end": {end.Format("15:04")},
		"capacity": {strconv.Itoa(s.Capacity)},
	}
}

// refundPolicyFromForm reads a refund choice: "policy", "full" or "none".
func refundPolicyFromForm(value string, f *fault.Fields) booking.RefundPolicy {
	switch value {
	case "", "policy":
		return booking.RefundByPolicy
	case "full":
		return booking.RefundFull
	case "none":
		return booking.RefundNone
	}
	f.Add("refund", "must be policy, full or none")
	return booking.RefundByPolicy
}
