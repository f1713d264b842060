package events

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/contact"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/money"
)

// ErrAppointmentTypeNotFound is returned for an unknown appointment type,
// and for one the asking coach does not host.
var ErrAppointmentTypeNotFound = fault.New(fault.NotFound, "appointment type not found")

// ErrAppointmentSlugTaken is returned when another appointment type has the slug.
// Like ErrSlugTaken it is the same for a published type and another
// coach's draft, and its field message suggests a free slug.
var ErrAppointmentSlugTaken = &fault.Error{Code: fault.Invalid, Message: "that slug is not available", Fields: map[string]string{"slug": "is not available"}}

// AppointmentType is a 1:1 offering ("Career chat, 45 min, £90") hosted by
// one or more coaches. Lengths are minutes of elapsed time; the price is in
// minor units of Currency.
type AppointmentType struct {
	ID                     int64   `db:"id"`
	Slug                   string  `db:"slug"`
	Title                  string  `db:"title"`
	Description            string  `db:"description"` // Markdown
	DurationMinutes        int     `db:"duration_minutes"`
	PriceCents             int64   `db:"price_cents"`
	Currency               string  `db:"currency"` // ISO 4217
	Location               string  `db:"location"`
	OnlineURL              string  `db:"online_url"` // the join link, only for the client and hosts
	Assignment             string  `db:"assignment"` // "any" (round robin) or "all" (every host attends)
	BufferBeforeMinutes    int     `db:"buffer_before_minutes"`
	BufferAfterMinutes     int     `db:"buffer_after_minutes"`
	MinNoticeMinutes       int     `db:"min_notice_minutes"`
	HorizonDays            int     `db:"horizon_days"`
	SlotIntervalMinutes    int     `db:"slot_interval_minutes"` // 0: the duration
	MaxPerDay              int     `db:"max_per_day"`           // per host; 0: no limit
	ReminderOffsetsMinutes Minutes `db:"reminder_offsets_minutes"`
	// RefundCutoffHours is how long before the start a client who cancels
	// is refunded in full (and may still reschedule); after it, nothing.
	RefundCutoffHours int       `db:"refund_cutoff_hours"`
	Status            Status    `db:"status"`
	CreatedAt         time.Time `db:"created_at"`
	UpdatedAt         time.Time `db:"updated_at"`

	Hosts []Host `db:"-"` // in the order given; the first host's zone is the default display zone
}

// Free reports whether booking the type costs nothing.
func (t AppointmentType) Free() bool { return t.PriceCents == 0 }

// Rules returns the knobs of the type that decide its slots.
func (t AppointmentType) Rules() availability.Type {
	return availability.Type{
		DurationMinutes:     t.DurationMinutes,
		BufferBeforeMinutes: t.BufferBeforeMinutes,
		BufferAfterMinutes:  t.BufferAfterMinutes,
		MinNoticeMinutes:    t.MinNoticeMinutes,
		HorizonDays:         t.HorizonDays,
		SlotIntervalMinutes: t.SlotIntervalMinutes,
		MaxPerDay:           t.MaxPerDay,
		Assignment:          availability.Assignment(t.Assignment),
	}
}

// HostIDs returns the coach ids of the hosts, in order.
func (t AppointmentType) HostIDs() []int64 {
	ids := make([]int64, len(t.Hosts))
	for i, h := range t.Hosts {
		ids[i] = h.CoachID
	}
	return ids
}

// AppointmentTypeInput is what a coach sets on an appointment type. The
// JSON names of DESIGN.md's contract are the field names validation
// reports.
type AppointmentTypeInput struct {
	Slug                   string
	Title                  string
	Description            string
	DurationMinutes        int
	PriceCents             int64
	Currency               string
	Location               string
	OnlineURL              string
	HostEmails             []string
	Assignment             string // "" means "any"
	BufferBeforeMinutes    int
	BufferAfterMinutes     int
	MinNoticeMinutes       int
	HorizonDays            int // 0 means 60
	SlotIntervalMinutes    int // 0 means the duration
	MaxPerDay              int
	ReminderOffsetsMinutes Minutes // nil means DefaultReminderOffsets
	RefundCutoffHours      *int    // nil means DefaultRefundCutoffHours
	Status                 Status  // "" means draft
}

// DefaultHorizonDays is how far ahead a type takes bookings when unset.
const DefaultHorizonDays = 60

// Normalize trims text, upper-cases the currency and fills defaults.
func (in *AppointmentTypeInput) Normalize() {
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	in.Title = strings.TrimSpace(in.Title)
	in.Location = strings.TrimSpace(in.Location)
	in.OnlineURL = strings.TrimSpace(in.OnlineURL)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.Assignment == "" {
		in.Assignment = string(availability.AssignAny)
	}
	if in.HorizonDays == 0 {
		in.HorizonDays = DefaultHorizonDays
	}
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

// Validate returns a fault.Invalid error naming every bad field by its
// JSON name (slug, title, duration_minutes, currency, hosts, …), or nil.
func (in AppointmentTypeInput) Validate() error {
	var f fault.Fields
	f.Check(in.Title != "", "title", "is required")
	f.Check(utf8.RuneCountInString(in.Title) <= MaxTitleLen, "title", fmt.Sprintf("must be at most %d characters", MaxTitleLen))
	f.Check(len(in.Description) <= MaxDescriptionLen, "description", fmt.Sprintf("must be at most %d bytes", MaxDescriptionLen))
	f.Check(len(in.Location) <= 500, "location", "must be at most 500 characters")
	for name, value := range map[string]string{"title": in.Title, "description": in.Description, "location": in.Location} {
		f.Check(utf8.ValidString(value) && !strings.ContainsRune(value, 0), name, "must be valid text")
	}
	if in.Slug != "" {
		f.Check(validSlug(in.Slug), "slug", "must be lower-case letters, digits and single hyphens, at most 80")
	}
	if in.OnlineURL != "" {
		u, err := url.Parse(in.OnlineURL)
		f.Check(err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "", "online_url", "must be an http(s) URL")
	}
	f.Check(in.PriceCents >= 0, "price_cents", "must not be negative")
	f.Check(in.PriceCents <= MaxPriceCents, "price_cents", "is too large")
	if money.Chargeable(in.Currency) != nil {
		f.Add("currency", "must be an ISO 4217 code that cards can be charged in, such as GBP")
	}
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
	if in.RefundCutoffHours != nil {
		f.Check(*in.RefundCutoffHours >= 0 && *in.RefundCutoffHours <= 24*90, "refund_cutoff_hours", "must be between 0 and 2160 (90 days)")
	}
	switch in.Status {
	case Draft, Published, Cancelled:
	default:
		f.Add("status", "must be draft, published or cancelled")
	}
	knobs := AppointmentType{
		DurationMinutes: in.DurationMinutes, BufferBeforeMinutes: in.BufferBeforeMinutes, BufferAfterMinutes: in.BufferAfterMinutes,
		MinNoticeMinutes: in.MinNoticeMinutes, HorizonDays: in.HorizonDays, SlotIntervalMinutes: in.SlotIntervalMinutes,
		MaxPerDay: in.MaxPerDay, Assignment: in.Assignment,
	}.Rules()
	if err := knobs.Validate(); err != nil {
		if fe, ok := err.(*fault.Error); ok {
			for field, message := range fe.Fields {
				f.Add(field, message)
			}
		}
	}
	return f.Err()
}

func typeFromInput(in AppointmentTypeInput) AppointmentType {
	return AppointmentType{
		Slug: in.Slug, Title: in.Title, Description: in.Description, DurationMinutes: in.DurationMinutes,
		PriceCents: in.PriceCents, Currency: in.Currency, Location: in.Location, OnlineURL: in.OnlineURL,
		Assignment: in.Assignment, BufferBeforeMinutes: in.BufferBeforeMinutes, BufferAfterMinutes: in.BufferAfterMinutes,
		MinNoticeMinutes: in.MinNoticeMinutes, HorizonDays: in.HorizonDays, SlotIntervalMinutes: in.SlotIntervalMinutes,
		MaxPerDay: in.MaxPerDay, ReminderOffsetsMinutes: in.ReminderOffsetsMinutes, RefundCutoffHours: *in.RefundCutoffHours,
		Status: in.Status,
	}
}
