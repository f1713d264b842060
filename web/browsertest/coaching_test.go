package browsertest_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

// TestBookACallFromAnotherZone books a 1:1 call from a browser in New
// York with a coach in London: the script moves the picker to the
// browser's zone, and the time on the booking page, in the confirmation
// email and in the calendar invite agree.
func TestBookACallFromAnotherZone(t *testing.T) {
	chromium, axe := requirements(t)
	s := startSite(t)
	ctx := context.Background()
	james, err := s.coaches.Add(ctx, "james@example.com", "James Downer", coachPassword)
	if err != nil {
		t.Fatal(err)
	}
	var week availability.Weekly
	for day := range week {
		week[day] = []availability.Interval{{Start: 9 * 60, End: 17 * 60}}
	}
	if _, err := s.booking.PutAvailability(ctx, james.ID, booking.Availability{Rules: availability.Rules{Zone: "Europe/London", Weekly: week}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.events.CreateAppointmentType(ctx, james.ID, events.AppointmentTypeInput{Slug: "career-chat", Title: "Career chat",
		DurationMinutes: 45, Currency: "GBP", Location: "Online", OnlineURL: "https://meet.example.com/james",
		MinNoticeMinutes: 24 * 60, Status: events.Published}); err != nil {
		t.Fatal(err)
	}
	b := newBrowserIn(t, s, chromium, axe, "America/New_York")

	b.open("/coaching/career-chat")
	// coaching.js reloads the page in the browser's zone.
	b.do(chromedp.WaitVisible(`p.meta[data-zone="America/New_York"]`))
	b.mustSee("main", "the coach works in Europe/London")
	b.checkAccessibility("slot picker")
	b.screenshot("coaching-slot-picker")

	start := run(b, chromedp.AttributeValue(chromedp.CSS(`a.slot time`), "datetime")).Value
	at, err := time.Parse(time.RFC3339, start)
	if err != nil || !strings.HasSuffix(start, "-05:00") {
		t.Fatalf("first slot %q is not in New York time (%v)", start, err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at = at.In(newYork)
	b.load(chromedp.Click(chromedp.CSS(`a.slot`)))
	b.mustSee("#book-heading", at.Format("15:04"))
	b.checkAccessibility("booking form")
	b.typeInto("name", "Ada Lovelace")
	b.typeInto("email", "ada@example.com")
	b.submit(`form[action="/coaching/career-chat/book"] button[type=submit]`)

	if !strings.HasPrefix(b.path(), "/bookings/") {
		t.Fatalf("booking a free call went to %s", b.path())
	}
	end := at.Add(45 * time.Minute)
	when := at.Format("Monday 2 January 2006, 15:04") + "–" + end.Format("15:04 MST")
	b.mustSee("main", when)
	b.mustSee("main", "James Downer")
	b.checkAccessibility("booking page of a call")
	ref := strings.TrimPrefix(b.path(), "/bookings/")

	var email string
	if err := s.db.GetContext(ctx, &email, s.db.Rebind(`SELECT text_body FROM outbox WHERE booking_ref = ? AND to_addr LIKE ? ORDER BY id LIMIT 1`),
		ref, "%ada@example.com%"); err != nil {
		t.Fatalf("confirmation email: %v", err)
	}
	if !strings.Contains(email, when) {
		t.Errorf("the email does not give the time the page does (%s):\n%s", when, email)
	}

	icsLink := run(b, chromedp.AttributeValue(chromedp.CSS(`a[href*="invite.ics"]`), "href")).Value
	status, ics := b.fetchText(icsLink)
	ics = strings.ReplaceAll(ics, "\r\n ", "")
	if want := "DTSTART:" + at.UTC().Format("20060102T150405Z"); status != 200 || !strings.Contains(ics, want) {
		t.Errorf("invite: %d, want %s in:\n%s", status, want, ics)
	}
	if !regexp.MustCompile(`ORGANIZER;CN=James Downer:mailto:james@example.com`).MatchString(ics) {
		t.Errorf("invite does not name James as organizer:\n%s", ics)
	}

	b.open("/coaches/james")
	b.mustSee("main", "Career chat")
	b.checkAccessibility("coach page")

	coach := newBrowser(t, s, chromium, axe)
	coach.open("/dashboard/login")
	coach.typeInto("email", "james@example.com")
	coach.typeInto("password", coachPassword)
	coach.submit(`form[action="/dashboard/login"] button[type=submit]`)
	for _, page := range []struct{ path, want string }{
		{"/dashboard/appointments", "Ada Lovelace"},
		{"/dashboard/availability", "Weekly hours"},
		{"/dashboard/appointment-types", "Career chat"},
		{"/dashboard/appointment-types/new", "Create call"},
		{"/dashboard/appointment-types/career-chat", "Save"},
	} {
		coach.open(page.path)
		coach.mustSee("main", page.want)
		coach.checkAccessibility(page.path)
	}
}
