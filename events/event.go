// Package events holds events (workshops) and sessions (the dated
// occurrences of an event, each with its own capacity), their validation
// rules and their storage.
package events

import (
	"database/sql/driver"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roster-app/roster/contact"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/money"
)

// Status is where an event is in its life.
type Status string

// Event statuses. Only published events are public.
const (
	Draft     Status = "draft"
	Published Status = "published"
	Cancelled Status = "cancelled"
)

// SessionStatus is whether a dated occurrence still takes place.
type SessionStatus string

// Session statuses.
const (
	Scheduled        SessionStatus = "scheduled"
	SessionCancelled SessionStatus = "cancelled"
)

// Errors returned by the service.
var (
	ErrNotFound = fault.New(fault.NotFound, "event not found")
	ErrNotHost  = fault.New(fault.NotFound, "event not found") // a coach who does not host an event cannot tell it exists
	// ErrSlugTaken matches the answer to a slug in use, published or not;
	// its field message suggests a free slug.
	ErrSlugTaken = &fault.Error{Code: fault.Invalid, Message: "that slug is not available", Fields: map[string]string{"slug": "is not available"}}
)

// Limits on what an event may hold.
const (
	MaxTitleLen       = 200
	MaxSummaryLen     = 500
	MaxDescriptionLen = 20000
	MaxSessions       = 100
	MaxHosts          = 10
	MaxReminders      = 5
	MaxCapacity       = 100000
	MaxPriceCents     = 100_000_00
	maxReminderOffset = 60 * 24 * 30
)

// DefaultRefundCutoffHours is the default refund policy: a full refund for
// cancelling up to 48 hours before the start, none after.
const DefaultRefundCutoffHours = 48

// DefaultReminderOffsets are the reminders an event gets when none are set:
// a day before and an hour before.
var DefaultReminderOffsets = Minutes{1440, 60}

// Event is a workshop a coach runs on one or more dates.
type Event struct {
	ID          int64  `db:"id"`
	Slug        string `db:"slug"`
	Title       string `db:"title"`
	Summary     string `db:"summary"`
	Description string `db:"description"` // Markdown
	Timezone    string `db:"timezone"`    // IANA zone the dates are shown in
	Location    string `db:"location"`
	OnlineURL   string `db:"online_url"`
	PriceCents  int64  `db:"price_cents"` // minor units of Currency
	Currency    string `db:"currency"`    // ISO 4217
	Status      Status `db:"status"`
	// ReminderOffsetsMinutes are how long before a session each reminder goes.
	ReminderOffsetsMinutes Minutes `db:"reminder_offsets_minutes"`
	// RegistrationCutoffMinutes is how long before a session's start
	// registration closes; 0 closes it at the start.
	RegistrationCutoffMinutes int `db:"registration_cutoff_minutes"`
	// RefundCutoffHours is how long before a session an attendee who
	// cancels is still refunded in full; after it, nothing.
	RefundCutoffHours int       `db:"refund_cutoff_hours"`
	CreatedAt         time.Time `db:"created_at"`
	UpdatedAt         time.Time `db:"updated_at"`

	Hosts    []Host    `db:"-"`
	Sessions []Session `db:"-"`
	// TicketTypes are the types on sale or shown, in order; none for an
	// event sold at PriceCents alone.
	TicketTypes []TicketType `db:"-"`
	// HostTimezone is set only on the Event shape of a 1:1 appointment
	// (where Timezone is the client's zone): the IANA zone of the coach
	// who attends it, so emails can show the time in both zones.
	HostTimezone string `db:"-"`
}

// HostZone returns HostTimezone's location, or nil when it is unset,
// unknown, or the same zone as Timezone (nothing more to show).
func (e Event) HostZone() *time.Location {
	if e.HostTimezone == "" || e.HostTimezone == e.Timezone {
		return nil
	}
	loc, err := Location(e.HostTimezone)
	if err != nil {
		return nil
	}
	return loc
}

// Free reports whether booking the event costs nothing: its price is 0,
// or, when it sells ticket types, every type's is (a pay-what-you-want
// type with a suggested price is not free). A discount code can still
// make a paid event's booking free: see booking's quote.
func (e Event) Free() bool {
	if len(e.TicketTypes) == 0 {
		return e.PriceCents == 0
	}
	for _, t := range e.TicketTypes {
		if t.PriceCents > 0 {
			return false
		}
	}
	return true
}

// Zone returns the event's time zone; events are validated on write, so
// an unknown zone falls back to UTC rather than failing a page.
func (e Event) Zone() *time.Location {
	loc, err := Location(e.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// UpcomingSessions returns the scheduled sessions that have not started.
func (e Event) UpcomingSessions(now time.Time) []Session {
	var out []Session
	for _, s := range e.Sessions {
		if s.Status == Scheduled && s.StartsAt.After(now) {
			out = append(out, s)
		}
	}
	return out
}

// Host is a coach who runs an event.
type Host struct {
	CoachID int64  `db:"coach_id"`
	Email   string `db:"email"`
	Name    string `db:"name"`
	// NotifyBookings is whether the host wants an email per booking and
	// cancellation.
	NotifyBookings bool `db:"notify_bookings"`
}

// Session is one dated occurrence of an event with its own capacity.
type Session struct {
	ID         int64         `db:"id"`
	EventID    int64         `db:"event_id"`
	StartsAt   time.Time     `db:"starts_at"`
	EndsAt     time.Time     `db:"ends_at"`
	Capacity   int           `db:"capacity"`
	SeatsTaken int           `db:"seats_taken"`
	Status     SessionStatus `db:"status"`
	Sequence   int           `db:"sequence"` // raised on every change of time or status
	// Revision is raised by the database (migration 00038) on every change
	// to what a booking of the session reads: the session but for its
	// count, its event, the event's hosts, questions and ticket types, its
	// waitlist, and its hosts' tax and privacy settings.
	Revision  int64     `db:"revision"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// Moved reports whether s starts or ends at another time than before.
func (s Session) Moved(before Session) bool {
	return !s.StartsAt.Equal(before.StartsAt) || !s.EndsAt.Equal(before.EndsAt)
}

// SeatsLeft returns how many seats can still be booked.
func (s Session) SeatsLeft() int { return max(s.Capacity-s.SeatsTaken, 0) }

// Minutes is a list of minute offsets, stored as comma-separated text so the
// same column works on both databases.
type Minutes []int

// Value implements driver.Valuer.
func (m Minutes) Value() (driver.Value, error) {
	parts := make([]string, len(m))
	for i, v := range m {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ","), nil
}

// Scan implements sql.Scanner.
func (m *Minutes) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case string:
		text = v
	case []byte:
		text = string(v)
	case nil:
	default:
		return fmt.Errorf("scan minutes: unexpected %T", src)
	}
	*m = Minutes{}
	for _, part := range strings.Split(text, ",") {
		if part == "" {
			continue
		}
		v, err := strconv.Atoi(part)
		if err != nil {
			return fmt.Errorf("scan minutes %q: %w", text, err)
		}
		*m = append(*m, v)
	}
	return nil
}

// EventInput is what a coach sets on an event.
type EventInput struct {
	Slug                      string
	Title                     string
	Summary                   string
	Description               string
	Timezone                  string
	Location                  string
	OnlineURL                 string
	PriceCents                int64
	Currency                  string
	Status                    Status
	HostEmails                []string
	ReminderOffsetsMinutes    Minutes
	RegistrationCutoffMinutes int
	RefundCutoffHours         *int // nil: the default, 48
	Sessions                  []SessionInput
}

// SessionInput is what a coach sets on a dated occurrence.
type SessionInput struct {
	StartsAt time.Time
	EndsAt   time.Time
	Capacity int
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Normalize trims text fields, upper-cases the currency and fills defaults.
func (in *EventInput) Normalize() {
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	in.Title = strings.TrimSpace(in.Title)
	in.Summary = strings.TrimSpace(in.Summary)
	in.Timezone = strings.TrimSpace(in.Timezone)
	in.Location = strings.TrimSpace(in.Location)
	in.OnlineURL = strings.TrimSpace(in.OnlineURL)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.Status == "" {
		in.Status = Draft
	}
	if in.RefundCutoffHours == nil {
		hours := DefaultRefundCutoffHours
		in.RefundCutoffHours = &hours
	}
	if in.ReminderOffsetsMinutes == nil {
		in.ReminderOffsetsMinutes = append(Minutes(nil), DefaultReminderOffsets...)
	}
	for i, email := range in.HostEmails {
		in.HostEmails[i] = strings.ToLower(strings.TrimSpace(email))
	}
}

// Validate returns a fault.Invalid error naming every bad field; sessions
// are checked against now, since a new date cannot be in the past.
func (in EventInput) Validate(now time.Time) error {
	var f fault.Fields
	in.validateText(&f)
	in.validateMoney(&f)
	if _, err := time.LoadLocation(in.Timezone); err != nil || in.Timezone == "" || strings.EqualFold(in.Timezone, "local") {
		f.Add("timezone", "must be an IANA time zone such as Europe/London")
	}
	switch in.Status {
	case Draft, Published, Cancelled:
	default:
		f.Add("status", "must be draft, published or cancelled")
	}
	in.validateLists(&f)
	for i, s := range in.Sessions {
		s.validate(&f, fmt.Sprintf("sessions[%d].", i), now)
	}
	return f.Err()
}

func (in EventInput) validateText(f *fault.Fields) {
	f.Check(in.Title != "", "title", "is required")
	f.Check(utf8.RuneCountInString(in.Title) <= MaxTitleLen, "title", fmt.Sprintf("must be at most %d characters", MaxTitleLen))
	f.Check(utf8.RuneCountInString(in.Summary) <= MaxSummaryLen, "summary", fmt.Sprintf("must be at most %d characters", MaxSummaryLen))
	f.Check(len(in.Description) <= MaxDescriptionLen, "description", fmt.Sprintf("must be at most %d bytes", MaxDescriptionLen))
	f.Check(len(in.Location) <= 500, "location", "must be at most 500 characters")
	if in.Slug != "" {
		f.Check(len(in.Slug) <= 80 && slugPattern.MatchString(in.Slug), "slug", "must be lower-case letters, digits and single hyphens, at most 80")
	}
	if in.OnlineURL != "" {
		u, err := url.Parse(in.OnlineURL)
		f.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "", "online_url", "must be an http(s) URL")
	}
	for name, value := range map[string]string{"title": in.Title, "summary": in.Summary, "description": in.Description, "location": in.Location} {
		f.Check(utf8.ValidString(value) && !strings.ContainsRune(value, 0), name, "must be valid text")
	}
}

func (in EventInput) validateMoney(f *fault.Fields) {
	f.Check(in.PriceCents >= 0, "price_cents", "must not be negative")
	f.Check(in.PriceCents <= MaxPriceCents, "price_cents", "is too large")
	if money.Chargeable(in.Currency) != nil {
		f.Add("currency", "must be an ISO 4217 code that cards can be charged in, such as GBP")
	}
}

func (in EventInput) validateLists(f *fault.Fields) {
	f.Check(len(in.HostEmails) <= MaxHosts, "hosts", fmt.Sprintf("at most %d hosts", MaxHosts))
	for _, email := range in.HostEmails {
		if !contact.ValidEmail(email) {
			f.Add("hosts", fmt.Sprintf("%q is not an email address", email))
		}
	}
	f.Check(len(in.ReminderOffsetsMinutes) <= MaxReminders, "reminder_offsets_minutes", fmt.Sprintf("at most %d reminders", MaxReminders))
	seen := map[int]bool{}
	for _, m := range in.ReminderOffsetsMinutes {
		f.Check(m >= 1 && m <= maxReminderOffset, "reminder_offsets_minutes", "each must be between 1 minute and 30 days")
		f.Check(!seen[m], "reminder_offsets_minutes", "must not repeat")
		seen[m] = true
	}
	f.Check(in.RegistrationCutoffMinutes >= 0 && in.RegistrationCutoffMinutes <= maxReminderOffset,
		"registration_cutoff_minutes", "must be between 0 and 30 days")
	f.Check(len(in.Sessions) <= MaxSessions, "sessions", fmt.Sprintf("at most %d dates", MaxSessions))
	if in.RefundCutoffHours != nil {
		f.Check(*in.RefundCutoffHours >= 0 && *in.RefundCutoffHours <= 24*90, "refund_cutoff_hours", "must be between 0 and 2160 (90 days)")
	}
}

func (s SessionInput) validate(f *fault.Fields, prefix string, now time.Time) {
	f.Check(!s.StartsAt.IsZero(), prefix+"starts_at", "is required")
	f.Check(!s.EndsAt.IsZero(), prefix+"ends_at", "is required")
	if !s.StartsAt.IsZero() {
		f.Check(s.StartsAt.After(now), prefix+"starts_at", "must be in the future")
	}
	if !s.StartsAt.IsZero() && !s.EndsAt.IsZero() {
		f.Check(s.EndsAt.After(s.StartsAt), prefix+"ends_at", "must be after starts_at")
		f.Check(s.EndsAt.Sub(s.StartsAt) <= 14*24*time.Hour, prefix+"ends_at", "must be within 14 days of starts_at")
	}
	f.Check(s.Capacity >= 1, prefix+"capacity", "must be at least 1")
	f.Check(s.Capacity <= MaxCapacity, prefix+"capacity", fmt.Sprintf("must be at most %d", MaxCapacity))
}

// validSlug reports whether s could be a slug; anything else is looked up
// nowhere (a NUL or invalid UTF-8 would be a database error on PostgreSQL).
func validSlug(s string) bool { return len(s) <= maxSlugLen && slugPattern.MatchString(s) }

const maxSlugLen = 80

// Slugify turns a title into a URL slug: lower-case ASCII letters and digits
// joined by single hyphens.
func Slugify(title string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(foldAccents(title)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			hyphen = false
		case !hyphen && b.Len() > 0:
			b.WriteByte('-')
			hyphen = true
		}
	}
	slug := strings.TrimRight(b.String(), "-")
	if len(slug) > 60 {
		slug = strings.TrimRight(slug[:60], "-")
	}
	if slug == "" {
		slug = "event"
	}
	return slug
}

var accentFolds = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ä", "a", "ã", "a", "å", "a", "æ", "ae", "ç", "c",
	"è", "e", "é", "e", "ê", "e", "ë", "e", "ì", "i", "í", "i", "î", "i", "ï", "i",
	"ñ", "n", "ò", "o", "ó", "o", "ô", "o", "ö", "o", "õ", "o", "ø", "o", "œ", "oe",
	"ù", "u", "ú", "u", "û", "u", "ü", "u", "ý", "y", "ÿ", "y", "ß", "ss", "&", " and ",
)

func foldAccents(s string) string { return accentFolds.Replace(strings.ToLower(s)) }
