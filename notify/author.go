package notify

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/calendar"
	"github.com/roster-app/roster/events"
)

// author writes messages: it fills the templates and builds the invites
// that BookingNotifier and Reminders enqueue.
type author struct {
	site   site
	render *renderer
	now    func() time.Time
	log    *slog.Logger
}

func newAuthor(cfg Config, now func() time.Time, logger *slog.Logger) (*author, error) {
	s, err := cfg.parse()
	if err != nil {
		return nil, err
	}
	r, err := newRenderer()
	if err != nil {
		return nil, err
	}
	return &author{site: s, render: r, now: now, log: orDiscard(logger)}, nil
}

// orDiscard lets callers pass a nil logger.
func orDiscard(logger *slog.Logger) *slog.Logger {
	if logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return logger
}

// sessionView is the part of every view that describes the date.
func (a *author) sessionView(e events.Event, s events.Session) view {
	loc := e.Zone()
	siteName := a.site.from.Name
	if siteName == "" {
		siteName = a.site.host
	}
	return view{
		SiteName:  siteName,
		SiteURL:   a.site.baseURL,
		Event:     e.Title,
		EventURL:  a.site.eventURL(e.Slug),
		When:      formatWhen(s.StartsAt, s.EndsAt, loc),
		ShortWhen: formatShortWhen(s.StartsAt, loc),
		Location:  e.Location,
		JoinURL:   e.OnlineURL,
		AlsoWhen:  alsoWhen(e, s, "your coach's time"),
	}
}

// alsoWhen is the session's time in the coach's zone, labelled, when the
// event is an appointment whose coach's zone reads differently from the
// client's; otherwise "".
func alsoWhen(e events.Event, s events.Session, label string) string {
	hostZone := e.HostZone()
	if hostZone == nil {
		return ""
	}
	coach := formatWhen(s.StartsAt, s.EndsAt, hostZone)
	if coach == formatWhen(s.StartsAt, s.EndsAt, e.Zone()) {
		return ""
	}
	return coach + " (" + label + ")"
}

// coachView turns a view written for the client into one for the coach:
// the time in the coach's zone first, the client's beside it.
func coachView(v view, e events.Event, s events.Session) view {
	hostZone := e.HostZone()
	if hostZone == nil || v.AlsoWhen == "" {
		return v
	}
	v.When = formatWhen(s.StartsAt, s.EndsAt, hostZone)
	v.ShortWhen = formatShortWhen(s.StartsAt, hostZone)
	v.AlsoWhen = formatWhen(s.StartsAt, s.EndsAt, e.Zone()) + " (the client's time)"
	return v
}

// bookingView adds the booking's details and calendar links.
func (a *author) bookingView(e events.Event, s events.Session, b booking.Booking, manageURL string) view {
	v := a.sessionView(e, s)
	v.YourWhen = yourWhen(s.StartsAt, s.EndsAt, b.Timezone, e.Zone())
	v.Seats = b.Seats
	v.Ref = b.Ref
	v.Appointment = b.IsAppointment()
	if b.Status == booking.PendingPayment {
		v.JoinURL = "" // the join link is for a paid booking
	}
	v.ManageURL = manageURL
	if b.AmountCents > 0 {
		v.Amount = formatMoney(b.AmountCents, b.Currency)
	}
	entry := a.entry(e, s, b, b.Sequence)
	v.GoogleURL = calendar.GoogleURL(entry)
	v.OutlookURL = calendar.OutlookURL(entry, false)
	return v
}

// entry is the calendar event of a booking: UID booking-<ref>@<host>, the
// given sequence, the first host as organizer (the sender when the event
// has none), the attendee, and a description with the join link. The join
// link appears (in the description, and as the location when there is no
// other place) only once the booking is confirmed: a hold awaiting payment
// has not bought it yet.
//
// It never holds the manage link: a calendar entry (the .ics file, and the
// Google and Outlook links made from it) reaches the calendar provider
// and anyone the calendar is shared with, and the manage link grants
// changes. The description points to the confirmation email instead.
func (a *author) entry(e events.Event, s events.Session, b booking.Booking, sequence int) calendar.Entry {
	joinURL := e.OnlineURL
	if b.Status != booking.Confirmed {
		joinURL = ""
	}
	description := fmt.Sprintf("Your booking %s for %s.", b.Ref, e.Title)
	if joinURL != "" {
		description += "\nJoin: " + joinURL
	}
	description += "\nTo move or cancel it, use the link in your confirmation email."
	location := e.Location
	if location == "" {
		location = joinURL
	}
	organizer := &calendar.Person{Name: a.site.from.Name, Email: a.site.from.Address}
	if len(e.Hosts) > 0 {
		organizer = &calendar.Person{Name: e.Hosts[0].Name, Email: e.Hosts[0].Email}
	}
	return calendar.Entry{
		UID:         "booking-" + b.Ref + "@" + a.site.host,
		Sequence:    sequence,
		Summary:     e.Title,
		Description: description,
		Location:    location,
		Start:       s.StartsAt,
		End:         s.EndsAt,
		Organizer:   organizer,
		Attendees:   []calendar.Person{{Name: oneLine(b.Name, MaxNameLen), Email: b.Email}},
		Stamp:       a.now(),
	}
}

// invite writes the iCalendar file for entry: a cancellation for
// MethodCancel, else a request. An entry the calendar package refuses (an
// address it cannot put in a mailto: URI, say) costs the attendee the
// attachment, not the email: the error is logged and nil returned.
func (a *author) invite(entry calendar.Entry, method string) []byte {
	write := calendar.Request
	if method == MethodCancel {
		write = calendar.Cancel
	}
	ics, err := write(entry)
	if err != nil {
		a.log.Warn("calendar invite left out of an email", "uid", entry.UID, "err", err)
		return nil
	}
	return ics
}

// message renders kind with v for one recipient.
func (a *author) message(kind Kind, key string, to person, bookingRef string, v view, ics []byte, method string) (Message, error) {
	v.Name = oneLine(to.Name, MaxNameLen)
	v.HasInvite = len(ics) > 0
	out, err := a.render.render(kind, v)
	if err != nil {
		return Message{}, err
	}
	m := Message{
		DedupeKey: key, Kind: kind, BookingRef: bookingRef,
		To: to.Email, ToName: v.Name,
		Subject: out.Subject, Text: out.Text, HTML: out.HTML,
		CreatedAt: a.now(),
	}
	if len(ics) > 0 {
		m.ICS, m.ICSMethod = ics, method
	}
	return m, nil
}
