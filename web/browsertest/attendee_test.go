package browsertest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

// TestAttendeeJourney follows an attendee in New York through issue #17's
// promises: money before, during and after paying; their own time zone in
// their email; a full date's waitlist one click away; forms that say what
// is wrong; link previews and structured data; pages that line up and are
// axe-clean at both widths.
func TestAttendeeJourney(t *testing.T) {
	chromium, axe := requirements(t)
	s := startSite(t)
	ctx := context.Background()
	coach, err := s.coaches.Add(ctx, "james@example.com", "James Downer", coachPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.coaches.SetReceiptAddress(ctx, coach.ID, "Downer Coaching Ltd\n12 Canal Street\nOxford OX2 6BH"); err != nil {
		t.Fatal(err)
	}
	london, _ := time.LoadLocation("Europe/London")
	day := time.Now().In(london).AddDate(0, 0, 30)
	first := time.Date(day.Year(), day.Month(), day.Day(), 18, 0, 0, 0, london)
	lab, err := s.events.CreateEvent(ctx, coach.ID, events.EventInput{
		Title: "Career Clarity Lab", Summary: "Two evenings to find your next step.", Timezone: "Europe/London",
		Location: "Online (Zoom)", OnlineURL: "https://meet.example.com/ccl", PriceCents: 4900, Currency: "GBP",
		Status: events.Published,
		Sessions: []events.SessionInput{
			{StartsAt: first, EndsAt: first.Add(2 * time.Hour), Capacity: 12},
			{StartsAt: first.AddDate(0, 0, 7), EndsAt: first.AddDate(0, 0, 7).Add(2 * time.Hour), Capacity: 3},
			{StartsAt: first.AddDate(0, 0, 14), EndsAt: first.AddDate(0, 0, 14).Add(2 * time.Hour), Capacity: 1},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	roomy, small, tiny := lab.Sessions[0], lab.Sessions[1], lab.Sessions[2]
	// The tiny date is full: someone else holds its one seat.
	if _, err := s.booking.Reserve(ctx, booking.Request{SessionID: tiny.ID, Name: "Someone", Email: "someone@example.com", Seats: 1}); err != nil {
		t.Fatal(err)
	}
	ada := newBrowserIn(t, s, chromium, axe, "America/New_York")
	const eventPage = "/events/career-clarity-lab"
	bookButton := `form[action="/events/career-clarity-lab/book"] button[type=submit]:not(.waitlist-join)`

	t.Run("the event page shows the total for the seats chosen, the refund policy and the hold", func(t *testing.T) {
		ada.t = t
		ada.open(eventPage)
		ada.mustSee("#seat-total", "1 seat: £49.00")
		ada.set("seats", "2")
		ada.do(chromedp.SendKeys(chromedp.ID("seats"), "\b2")) // an input event, as typing makes
		ada.mustSee("#seat-total", "2 × £49.00 = £98.00")
		ada.mustSee(".facts", "Cancel up to 2 days before the start for a full refund")
		ada.mustSee(".book", "We hold your seats for 30 minutes while you pay")
		if n := run(ada, chromedp.Evaluate[int](`document.querySelectorAll('a[href*="calendar.google.com"], a[href$="calendar.ics"]').length`)); n != 0 {
			t.Errorf("%d add-to-calendar links on dates the visitor has not booked", n)
		}
	})

	t.Run("link previews, a description, a favicon and schema.org Events", func(t *testing.T) {
		ada.t = t
		meta := func(selector string) string {
			return run(ada, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q) || {}).content || ""`, selector)))
		}
		if got := meta(`meta[property="og:title"]`); got != "Career Clarity Lab" {
			t.Errorf("og:title %q", got)
		}
		if got := meta(`meta[property="og:description"]`); !strings.Contains(got, "Two evenings") || !strings.Contains(got, "£49.00 per seat") {
			t.Errorf("og:description %q", got)
		}
		if got := meta(`meta[property="og:image"]`); !strings.HasPrefix(got, s.url+"/static/") {
			t.Errorf("og:image %q, want an absolute URL on the site", got)
		}
		if got := meta(`meta[name="description"]`); !strings.Contains(got, "Two evenings") {
			t.Errorf("description %q", got)
		}
		if status, body := ada.fetchText("/favicon.ico"); status != 200 || !strings.Contains(body, "<svg") {
			t.Errorf("favicon: %d %.80q", status, body)
		}
		raw := run(ada, chromedp.Evaluate[string](`document.querySelector('script[type="application/ld+json"]').textContent`))
		var found []struct {
			Type      string `json:"@type"`
			Name      string `json:"name"`
			StartDate string `json:"startDate"`
			Mode      string `json:"eventAttendanceMode"`
			Offers    struct {
				Price, PriceCurrency, Availability string
			} `json:"offers"`
		}
		if err := json.Unmarshal([]byte(raw), &found); err != nil || len(found) != 3 {
			t.Fatalf("JSON-LD %q: %v", raw, err)
		}
		ev := found[0]
		if ev.Type != "Event" || ev.Name != "Career Clarity Lab" || ev.StartDate != first.Format("2006-01-02T15:04:05-07:00") ||
			ev.Offers.Price != "49.00" || ev.Offers.PriceCurrency != "GBP" || !strings.HasSuffix(ev.Mode, "OnlineEventAttendanceMode") {
			t.Errorf("JSON-LD event %+v", ev)
		}
		if found[2].Offers.Availability != "https://schema.org/SoldOut" {
			t.Errorf("the full date's availability: %q", found[2].Offers.Availability)
		}
	})

	t.Run("a form sent empty lists full sentences that link to the fields it marks", func(t *testing.T) {
		ada.t = t
		ada.open(eventPage)
		ada.submitRefused(bookButton, 422)
		ada.mustSee(".error-summary", "Choose a date.")
		ada.mustSee(".error-summary", "Your name is required.")
		ada.mustSee(".error-summary", "Email must be an email address.")
		for _, id := range []string{"name", "email"} {
			if n := run(ada, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll('.error-summary a[href="#%s"]').length`, id))); n != 1 {
				t.Errorf("the summary has %d links to #%s, want 1", n, id)
			}
			invalid := run(ada, chromedp.Evaluate[string](fmt.Sprintf(`document.getElementById(%q).getAttribute("aria-invalid") + " " + getComputedStyle(document.getElementById(%q)).borderTopColor`, id, id)))
			if invalid != "true rgb(166, 27, 27)" {
				t.Errorf("#%s: aria-invalid and border %q, want true and the danger red", id, invalid)
			}
		}
		for _, w := range widths {
			ada.setWidth(w.name)
			ada.checkAccessibility("event page with problems (" + w.name + ")")
		}
		ada.setWidth("desktop")
	})

	t.Run("not enough seats says how many are left", func(t *testing.T) {
		ada.t = t
		ada.open(eventPage)
		ada.do(chromedp.Click(chromedp.ID(fmt.Sprintf("session-%d", small.ID))))
		ada.typeInto("name", "Ada Lovelace")
		ada.typeInto("email", "ada@example.com")
		ada.set("seats", "4")
		ada.submitRefused(bookButton, 409)
		ada.mustSee(".error-summary", "Only 3 seats left on")
		ada.mustSee(".error-summary", "you asked for 4. Choose 3 or fewer, or join the waitlist.")
		if n := run(ada, chromedp.Evaluate[int](`document.querySelectorAll('.error-summary a[href="#seats"]').length`)); n != 1 {
			t.Errorf("the message links to the seats field %d times, want 1", n)
		}
	})

	var manage string
	t.Run("the visitor's zone is captured, the checkout counts down, and the booking page greets them", func(t *testing.T) {
		ada.t = t
		ada.open(eventPage)
		if zone := run(ada, chromedp.Evaluate[string](`document.getElementById("visitor-zone").value`)); zone != "America/New_York" {
			t.Errorf("the hidden zone field holds %q, want the browser's America/New_York", zone)
		}
		ada.mustSee("#visitor-zone-name", "America/New_York")
		ada.do(chromedp.Click(chromedp.ID(fmt.Sprintf("session-%d", roomy.ID))))
		ada.typeInto("name", "Ada Lovelace")
		ada.typeInto("email", "ada@example.com")
		ada.set("seats", "2")
		ada.submit(bookButton)
		ada.mustSee(".facts", "2 × £49.00 = £98.00")
		ada.mustSee(".facts", "Cancel up to 2 days before the start")
		countdown := ada.text(".countdown")
		if !strings.HasSuffix(countdown, " left") || !strings.Contains(countdown, ":") {
			t.Errorf("the countdown says %q, want m:ss left", countdown)
		}
		if n := run(ada, chromedp.Evaluate[int](`document.querySelectorAll(".test-mode").length`)); n != 1 {
			t.Errorf("%d TEST MODE banners on the checkout, want 1", n)
		}
		for _, w := range widths {
			ada.setWidth(w.name)
			ada.checkAccessibility("checkout (" + w.name + ")")
			ada.fitsTheScreen("checkout (" + w.name + ")")
		}
		ada.setWidth("desktop")
		ada.payOnTestCheckout()
		ada.mustSee(".welcome", "You're booked — a confirmation is on its way to ada@example.com.")
		ada.mustSee(".facts", "https://meet.example.com/ccl")
		manage = run(ada, chromedp.Location())

		var text string
		if err := s.db.GetContext(ctx, &text, s.db.Rebind(`SELECT text_body FROM outbox WHERE kind = 'confirmation' AND to_addr = ?`), "ada@example.com"); err != nil {
			t.Fatal(err)
		}
		theirs := first.In(mustZone(t, "America/New_York")).Format("15:04")
		if !strings.Contains(text, "Your time: ") || !strings.Contains(text, theirs) {
			t.Errorf("the confirmation lacks the New York time %s:\n%s", theirs, text)
		}
	})

	t.Run("one Add to calendar button opens a menu", func(t *testing.T) {
		ada.t = t
		if n := run(ada, chromedp.Evaluate[int](`document.querySelectorAll("details.add-to-calendar summary").length`)); n != 1 {
			t.Fatalf("%d Add to calendar buttons, want 1", n)
		}
		if run(ada, chromedp.Evaluate[bool](`document.querySelector("details.add-to-calendar").open`)) {
			t.Error("the menu is open before it is clicked")
		}
		ada.do(chromedp.Click(chromedp.CSS("details.add-to-calendar summary")))
		if !run(ada, chromedp.Evaluate[bool](`document.querySelector("details.add-to-calendar").open &&
  document.querySelector("details.add-to-calendar a[href*='calendar.google.com']").getBoundingClientRect().height > 0`)) {
			t.Error("the menu does not open")
		}
		for _, w := range widths {
			ada.setWidth(w.name)
			ada.checkAccessibility("booking page (" + w.name + ")")
			ada.fitsTheScreen("booking page (" + w.name + ")")
		}
		ada.setWidth("desktop")
	})

	t.Run("the receipt names the coach, the amount, the tax and the payment", func(t *testing.T) {
		ada.t = t
		ada.load(chromedp.Click(chromedp.CSS(`a[href*="/receipt"]`)))
		for _, want := range []string{"James Downer", "12 Canal Street", "Oxford OX2 6BH", "Ada Lovelace", "£98.00", "2 × £49.00 = £98.00", "None charged", "offline_pi_"} {
			ada.mustSee("main", want)
		}
		for _, w := range widths {
			ada.setWidth(w.name)
			ada.checkAccessibility("receipt (" + w.name + ")")
		}
		ada.setWidth("desktop")
	})

	t.Run("a refund shows with its amount and date", func(t *testing.T) {
		ada.t = t
		ada.load(chromedp.Navigate(manage))
		ada.submit(`form[action$="/cancel"] button[type=submit]`)
		ada.mustSee("#refunds-heading", "Refunds")
		today := time.Now().In(london).Format("2 Jan 2006")
		ada.mustSee(".refunds", "£98.00: ")
		ada.mustSee(".refunds", today)
	})

	t.Run("a full date's waitlist is one click away, with the details typed, and shows the place", func(t *testing.T) {
		ada.t = t
		ada.open(eventPage)
		ada.typeInto("name", "Ada Lovelace")
		ada.typeInto("email", "ada@example.com")
		ada.submit(fmt.Sprintf(`button.waitlist-join[formaction$="/sessions/%d/waitlist"]`, tiny.ID))
		ada.mustSee(".lead", "You're on the waitlist")
		ada.mustSee(".place", "You're number 1 in line.")
		ada.checkAccessibility("waitlist page")
	})

	t.Run("header and footer line up with the content; the dev mailbox fits a phone", func(t *testing.T) {
		ada.t = t
		ada.open(eventPage)
		lefts := run(ada, chromedp.Evaluate[[]float64](`[".brand", "main h1", "footer.site p", ".test-mode.banner p"].map(function (s) {
  return document.querySelector(s).getBoundingClientRect().left; })`))
		for i, left := range lefts[1:] {
			if d := left - lefts[0]; d > 1 || d < -1 {
				t.Errorf("element %d starts at %.0fpx, the brand at %.0fpx", i+1, left, lefts[0])
			}
		}
	})
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
