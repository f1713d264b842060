package notify_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

const joinURL = "https://meet.example.com/chat-4711"

// coachingDesk is the real booking service, notifier, reminders and
// outbox for 1:1 appointments, delivering into a dev mailbox whose raw
// messages the tests parse.
type coachingDesk struct {
	t         *testing.T
	db        *sqldb.DB
	clock     *clock
	notifier  *notify.BookingNotifier
	bookings  *booking.Service
	reminders *notify.Reminders
	deliverer *notify.Deliverer
	mailbox   *notify.DevMailbox
	coach     coaches.Coach
	topic     string // the key of career-chat's one question
}

// wednesday is 10 November 2027, after both London and New York left
// summer time: London is UTC+0 (GMT), New York UTC−5 (EST).
var wednesday = time.Date(2027, 11, 10, 0, 0, 0, 0, time.UTC)

// newCoachingDesk sets up James, working weekdays 09:00–17:00 in
// coachZone, hosting "career-chat" (free, 45 minutes, join link, a
// reminder an hour before, one question) and "paid-chat" (£90, online
// only: its place is the join link).
func newCoachingDesk(t *testing.T, coachZone string) *coachingDesk {
	t.Helper()
	ctx := context.Background()
	d := &coachingDesk{t: t, db: sqldbtest.MustOpenDB(t), clock: newClock(time.Date(2027, 11, 1, 9, 0, 0, 0, time.UTC))}
	var err error
	if d.notifier, err = notify.NewBookingNotifier(testConfig, d.clock.Now, discard()); err != nil {
		t.Fatal(err)
	}
	d.bookings = booking.NewService(d.db, d.notifier, booking.Config{BaseURL: testConfig.BaseURL}, d.clock.Now)
	if d.reminders, err = notify.NewReminders(d.db, bookingSource{d.bookings}, testConfig, d.clock.Now, discard()); err != nil {
		t.Fatal(err)
	}
	d.mailbox = notify.NewDevMailbox(100, discard(), d.clock.Now)
	d.deliverer = newDeliverer(t, d.db, d.mailbox, d.clock)
	if d.coach, err = coaches.NewService(d.db, d.clock.Now).Add(ctx, "james@example.com", "James Downer", ""); err != nil {
		t.Fatal(err)
	}
	nine, _ := availability.ParseClock("09:00")
	five, _ := availability.ParseClock("17:00")
	var week availability.Weekly
	for day := time.Monday; day <= time.Friday; day++ {
		week[day] = []availability.Interval{{Start: nine, End: five}}
	}
	if _, err := d.bookings.PutAvailability(ctx, d.coach.ID, booking.Availability{Rules: availability.Rules{Zone: coachZone, Weekly: week}}); err != nil {
		t.Fatal(err)
	}
	types := events.NewService(d.db, d.clock.Now)
	for _, in := range []events.AppointmentTypeInput{
		{Slug: "career-chat", Title: "Career chat", DurationMinutes: 45, Currency: "GBP", Location: "Online",
			OnlineURL: joinURL, ReminderOffsetsMinutes: events.Minutes{60}, SlotIntervalMinutes: 15, Status: events.Published},
		{Slug: "paid-chat", Title: "Paid chat", DurationMinutes: 45, PriceCents: 9000, Currency: "GBP",
			OnlineURL: joinURL, Status: events.Published},
	} {
		if _, err := types.CreateAppointmentType(ctx, d.coach.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	qs, err := d.bookings.SetAppointmentTypeQuestions(ctx, d.coach.ID, "career-chat", []booking.Question{
		{Kind: booking.LongText, Label: "What would you like to talk about?", Required: true}})
	if err != nil {
		t.Fatal(err)
	}
	d.topic = qs[0].Key()
	return d
}

func (d *coachingDesk) book(slug string, start time.Time, answers booking.Answers) booking.AppointmentResult {
	d.t.Helper()
	res, err := d.bookings.BookAppointment(context.Background(), booking.AppointmentRequest{TypeSlug: slug, Start: start,
		Name: "Ada Lovelace", Email: "ada@example.com", Timezone: "Europe/London", Answers: answers})
	if err != nil {
		d.t.Fatal(err)
	}
	return res
}

// sent delivers what is due and returns the one message of kind to
// address, parsed from its raw bytes: its text, HTML and calendar parts.
func (d *coachingDesk) sent(kind notify.Kind, to string) sentMail {
	d.t.Helper()
	if _, err := d.deliverer.RunOnce(context.Background()); err != nil {
		d.t.Fatal(err)
	}
	var found []notify.DevMessage
	for _, m := range d.mailbox.Messages() {
		if m.Kind == kind && strings.Contains(m.To, "<"+to+">") {
			found = append(found, m)
		}
	}
	if len(found) != 1 {
		d.t.Fatalf("%d %s messages to %s, want 1", len(found), kind, to)
	}
	_, parts := parseMessage(d.t, found[0].Raw)
	out := sentMail{subject: found[0].Subject}
	for _, p := range parts {
		switch {
		case p.MediaType == "text/plain":
			out.text = strings.ReplaceAll(string(p.Body), "\r\n", "\n")
		case p.MediaType == "text/html":
			out.html = string(p.Body)
		case p.MediaType == "text/calendar":
			out.ics, out.method = unfold(string(p.Body)), p.Params["method"]
		}
	}
	return out
}

type sentMail struct{ subject, text, html, ics, method string }

// unfold joins an iCalendar file's folded lines (RFC 5545 section 3.1).
func unfold(ics string) string { return strings.ReplaceAll(ics, "\r\n ", "") }

func wantAll(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, body)
		}
	}
}

func wantNone(t *testing.T, what, body string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(body, w) {
			t.Errorf("%s holds %q:\n%s", what, w, body)
		}
	}
}

// TestAppointmentEmailsAndInvites follows one appointment of a client in
// London with a coach in New York through its emails, reading the real
// MIME parts: each shows the time in both zones, and the invites keep one
// UID, raise SEQUENCE and end with METHOD:CANCEL.
func TestAppointmentEmailsAndInvites(t *testing.T) {
	ctx := context.Background()
	d := newCoachingDesk(t, "America/New_York")
	start := wednesday.Add(15 * time.Hour) // 15:00 GMT, 10:00 EST
	res := d.book("career-chat", start, booking.Answers{d.topic: "Changing careers\nafter ten years"})
	ref := res.Booking.Ref
	uid := "UID:booking-" + ref + "@roster.example"
	london := "Wednesday 10 November 2027, 15:00–15:45 GMT"
	newYork := "Wednesday 10 November 2027, 10:00–10:45 EST"

	t.Run("the confirmation shows both zones and invites from the coach", func(t *testing.T) {
		m := d.sent(notify.KindConfirmation, "ada@example.com")
		for what, body := range map[string]string{"text": m.text, "html": m.html} {
			wantAll(t, "confirmation "+what, body, london, newYork, "your coach", joinURL)
		}
		if m.method != "REQUEST" {
			t.Errorf("calendar part method %q, want REQUEST", m.method)
		}
		wantAll(t, "confirmation invite", m.ics, "METHOD:REQUEST", uid, "SEQUENCE:0",
			"ORGANIZER;CN=James Downer:mailto:james@example.com", "ATTENDEE;CN=Ada Lovelace;", ":mailto:ada@example.com",
			"DTSTART:20271110T150000Z", "DTEND:20271110T154500Z", "Join: "+joinURL, "LOCATION:Online")
	})

	t.Run("the coach's notice shows their own zone first, the client's beside it, and the answers", func(t *testing.T) {
		m := d.sent(notify.KindCoachNewBooking, "james@example.com")
		wantAll(t, "coach notice text", m.text, "When:     "+newYork, london+" (the client's time)",
			"What would you like to talk about?\n  Changing careers\n  after ten years\n", "booked Career chat.")
		wantNone(t, "coach notice text", m.text, "seat")
		wantAll(t, "coach notice html", m.html, newYork, london, "What would you like to talk about?", "Changing careers")
		if !strings.Contains(m.subject, "Wed 10 Nov 2027, 10:00 EST") {
			t.Errorf("coach notice subject %q, want the coach's time", m.subject)
		}
	})

	t.Run("the invite served for the booking has the join link once confirmed", func(t *testing.T) {
		got, err := d.bookings.Get(ctx, ref, booking.Actor{Token: res.Token})
		if err != nil {
			t.Fatal(err)
		}
		ics, err := d.notifier.Invite(got.Event, got.Session, got.Booking)
		if err != nil {
			t.Fatal(err)
		}
		wantAll(t, "invite.ics", unfold(string(ics)), "METHOD:REQUEST", uid, "SEQUENCE:0", "Join: "+joinURL,
			"ORGANIZER;CN=James Downer:mailto:james@example.com", "DTSTART:20271110T150000Z")
	})

	later := wednesday.Add(16 * time.Hour) // 16:00 GMT, 11:00 EST
	londonLater := "Wednesday 10 November 2027, 16:00–16:45 GMT"
	newYorkLater := "Wednesday 10 November 2027, 11:00–11:45 EST"

	t.Run("rescheduling sends the invite again with the same UID and SEQUENCE 1", func(t *testing.T) {
		if _, err := d.bookings.Reschedule(ctx, ref, booking.Actor{Token: res.Token}, later); err != nil {
			t.Fatal(err)
		}
		m := d.sent(notify.KindMoved, "ada@example.com")
		for what, body := range map[string]string{"text": m.text, "html": m.html} {
			wantAll(t, "rescheduled "+what, body, londonLater, newYorkLater, "your coach")
		}
		wantAll(t, "rescheduled invite", m.ics, "METHOD:REQUEST", uid, "SEQUENCE:1",
			"DTSTART:20271110T160000Z", "ORGANIZER;CN=James Downer:mailto:james@example.com", "Join: "+joinURL)
	})

	t.Run("the reminder shows both zones", func(t *testing.T) {
		d.clock.Set(later.Add(-time.Hour))
		if _, err := d.reminders.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		m := d.sent(notify.KindReminder, "ada@example.com")
		for what, body := range map[string]string{"text": m.text, "html": m.html} {
			wantAll(t, "reminder "+what, body, londonLater, newYorkLater, "your coach", joinURL)
		}
	})

	t.Run("cancelling sends METHOD:CANCEL with the same UID and a higher SEQUENCE", func(t *testing.T) {
		if _, err := d.bookings.Cancel(ctx, ref, booking.Actor{Token: res.Token}); err != nil {
			t.Fatal(err)
		}
		m := d.sent(notify.KindCancellation, "ada@example.com")
		for what, body := range map[string]string{"text": m.text, "html": m.html} {
			wantAll(t, "cancellation "+what, body, londonLater, newYorkLater, "your coach")
		}
		if m.method != "CANCEL" {
			t.Errorf("calendar part method %q, want CANCEL", m.method)
		}
		wantAll(t, "cancellation invite", m.ics, "METHOD:CANCEL", uid, "STATUS:CANCELLED", "DTSTART:20271110T160000Z")
		var sequence int
		if i := strings.Index(m.ics, "SEQUENCE:"); i < 0 {
			t.Errorf("cancellation has no SEQUENCE:\n%s", m.ics)
		} else if _, err := fmt.Sscanf(m.ics[i:], "SEQUENCE:%d", &sequence); err != nil || sequence <= 1 {
			t.Errorf("cancellation SEQUENCE %d (%v) is not above the rescheduled invite's 1", sequence, err)
		}
	})
}

func TestAppointmentInviteWhilePaymentIsPending(t *testing.T) {
	ctx := context.Background()
	d := newCoachingDesk(t, "America/New_York")
	res := d.book("paid-chat", wednesday.Add(14*time.Hour), nil)
	if res.Booking.Status != booking.PendingPayment {
		t.Fatalf("status %s, want pending_payment", res.Booking.Status)
	}
	got, err := d.bookings.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
	if err != nil {
		t.Fatal(err)
	}
	ics, err := d.notifier.Invite(got.Event, got.Session, got.Booking)
	if err != nil {
		t.Fatal(err)
	}
	body := unfold(string(ics))
	wantAll(t, "a hold's invite.ics", body, "METHOD:REQUEST", "UID:booking-"+res.Booking.Ref+"@roster.example",
		"ORGANIZER;CN=James Downer:mailto:james@example.com", ":mailto:ada@example.com", "DTSTART:20271110T140000Z")
	// Online only, the join link would be the LOCATION; a hold has not paid for it.
	wantNone(t, "a hold's invite.ics", body, joinURL, "LOCATION:", "Join:")
}

func TestAppointmentEmailsInOneZone(t *testing.T) {
	d := newCoachingDesk(t, "Europe/London")
	d.book("career-chat", wednesday.Add(15*time.Hour), booking.Answers{d.topic: "Promotion"})
	m := d.sent(notify.KindConfirmation, "ada@example.com")
	wantAll(t, "confirmation text", m.text, "Wednesday 10 November 2027, 15:00–15:45 GMT")
	wantNone(t, "confirmation text", m.text, "your coach")
	wantNone(t, "confirmation html", m.html, "your coach")
	coach := d.sent(notify.KindCoachNewBooking, "james@example.com")
	wantNone(t, "coach notice", coach.text, "the client's time")
}
