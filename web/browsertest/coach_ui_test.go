package browsertest_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/roster-app/roster/events"
)

// TestCoachUI follows a coach through what issue #17 changed for them, at
// desktop width and on a 390-pixel phone, with axe-core on every page:
// publishing asks for dates and a place, drafts preview, dates repeat
// weekly, the overview charts bookings, the history reads in words, the
// partial refund box starts empty, the phone's attendee list is cards
// with a Check-in button, refund progress updates without a reload, and a
// forgotten password is reset by email.
func TestCoachUI(t *testing.T) {
	chromium, axe := requirements(t)
	s := startSite(t)
	ctx := context.Background()
	coach, err := s.coaches.Add(ctx, "james@example.com", "James Downer", coachPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.events.CreateEvent(ctx, coach.ID, events.EventInput{
		Slug: "spring-reset", Title: "Spring Reset", Summary: "Three evenings to reset.", Timezone: "Europe/London",
		PriceCents: 2500, Currency: "GBP", Status: events.Draft,
	}); err != nil {
		t.Fatal(err)
	}
	london, _ := time.LoadLocation("Europe/London")
	first := time.Now().In(london).AddDate(0, 0, 20)

	tab := newBrowser(t, s, chromium, axe)
	phone := func(on bool) {
		if on {
			tab.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		} else {
			tab.do(chromedp.EmulateViewport(1280, 900))
		}
	}
	fitsScreen := func(t *testing.T, what string) {
		t.Helper()
		if run(tab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)) {
			t.Errorf("%s is wider than the screen", what)
		}
	}
	step := func(name string, f func(t *testing.T)) bool {
		return t.Run(name, func(t *testing.T) { tab.t = t; f(t) })
	}

	if !step("the coach signs in", func(t *testing.T) {
		tab.open("/dashboard/login")
		tab.typeInto("email", "james@example.com")
		tab.typeInto("password", coachPassword)
		tab.submit(`form[action="/dashboard/login"] button[type=submit]`)
		tab.mustSee("h1", "Hello, James Downer")
	}) {
		return
	}

	if !step("publishing a draft without dates or a place asks for them", func(t *testing.T) {
		tab.open("/dashboard/events/spring-reset")
		// The refusal is the event page again, answered 422.
		tab.do(chromedp.Click(chromedp.CSS(`form[action$="/publish"] button[type=submit]`)), chromedp.WaitVisible(chromedp.ID("location-error")))
		tab.mustSee(".error-summary", "Before publishing, add a date and a location")
		tab.mustSee("#location-error", "before publishing")
		tab.checkAccessibility("publish refused")
	}) {
		return
	}

	if !step("the draft previews as attendees will see it", func(t *testing.T) {
		tab.load(chromedp.Click(chromedp.CSS(`a[href="/dashboard/events/spring-reset/preview"]`)))
		tab.mustSee("main", "the event is a draft")
		tab.mustSee("h1", "Spring Reset")
		tab.checkAccessibility("draft preview")
	}) {
		return
	}

	if !step("three weekly dates in one go, and the form keeps the values", func(t *testing.T) {
		tab.open("/dashboard/events/spring-reset")
		tab.set("new-date", first.Format("2006-01-02"))
		tab.set("new-start", "19:00")
		tab.set("new-end", "20:30")
		tab.set("new-capacity", "6")
		tab.set("new-repeat_weeks", "2")
		tab.submit(`form.add-date button[type=submit]`)
		tab.mustSee(".notice", "3 weekly dates added")
		if got, want := run(tab, chromedp.Evaluate[string](`document.getElementById("new-date").value`)), first.AddDate(0, 0, 21).Format("2006-01-02"); got != want {
			t.Errorf("the next date offered is %s, want %s (a week after the last)", got, want)
		}
		if got := run(tab, chromedp.Evaluate[string](`document.getElementById("new-start").value + " " + document.getElementById("new-capacity").value`)); got != "19:00 6" {
			t.Errorf("the form offers %q, want the last date's 19:00 and 6 seats", got)
		}
		tab.set("location", "Online")
		tab.submit(`form[action="/dashboard/events/spring-reset"] button[type=submit]`)
		tab.submit(`form[action$="/publish"] button[type=submit]`)
		tab.mustSee(".notice", "Published")
		tab.checkAccessibility("event with weekly dates")
	}) {
		return
	}
	spring, err := s.events.EventBySlug(ctx, "spring-reset")
	if err != nil || len(spring.Sessions) != 3 {
		t.Fatalf("spring reset: %d dates, %v", len(spring.Sessions), err)
	}

	attendee := newBrowser(t, s, chromium, axe)
	attendee.t = t
	for _, who := range []struct{ name, email string }{{"Ada Lovelace", "ada@example.com"}, {"Grace Hopper", "grace@example.com"}} {
		attendee.bookOnPublicPage("spring-reset", spring.Sessions[0].ID, who.name, who.email)
		attendee.payOnTestCheckout()
		attendee.mustSee("main", "Confirmed")
	}

	if !step("the overview charts bookings with the numbers beside them", func(t *testing.T) {
		tab.open("/dashboard")
		if n := run(tab, chromedp.Evaluate[int](`document.querySelectorAll("svg.chart-bookings rect").length`)); n != 30 {
			t.Errorf("the bookings chart has %d bars, want 30 days", n)
		}
		tab.mustSee(".chart-numbers", "2 seats booked")
		tab.mustSee(".seat-bars", "2 of 6 sold")
		tab.checkAccessibility("overview with charts")
	}) {
		return
	}

	if !step("a booking's history and the payments log read in words", func(t *testing.T) {
		tab.open(fmt.Sprintf("/dashboard/sessions/%d", spring.Sessions[0].ID))
		tab.load(chromedp.Click(chromedp.CSS(`table.attendees a[href^="/dashboard/bookings/"]`)))
		tab.mustSee(".history", "Paid by card")
		if v := run(tab, chromedp.Evaluate[string](`document.getElementById("amount").value`)); v != "" {
			t.Errorf("the partial refund box holds %q, want it empty", v)
		}
		tab.checkAccessibility("booking with history")
		tab.open("/dashboard/webhooks")
		tab.mustSee("table.data", "Paid by card")
		if body := tab.text("main"); strings.Contains(body, "checkout.session") || strings.Contains(body, "offline_") {
			t.Errorf("the payments log shows internal names: %s", body)
		}
	}) {
		return
	}

	if !step("at the door on a phone: cards with a Check-in button", func(t *testing.T) {
		phone(true)
		defer phone(false)
		tab.open(fmt.Sprintf("/dashboard/sessions/%d", spring.Sessions[0].ID))
		if !run(tab, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector(".attendee-cards")).display !== "none" &&
			getComputedStyle(document.querySelector(".attendee-table")).display === "none"`)) {
			t.Fatal("the phone shows the wide table, not the cards")
		}
		fitsScreen(t, "the date page")
		tab.checkAccessibility("date page on a phone")
		tab.submit(`.attendee-cards button[aria-label="Check in Ada Lovelace"]`)
		tab.mustSee(".notice", "Checked in")
		tab.mustSee(".attendee-cards", "Checked in at")
		tab.open("/dashboard")
		fitsScreen(t, "the overview")
	}) {
		return
	}

	if !step("cancelling the date shows refunds done without a reload", func(t *testing.T) {
		tab.open(fmt.Sprintf("/dashboard/sessions/%d", spring.Sessions[0].ID))
		tab.do(chromedp.Click(chromedp.ID("confirm-cancel")))
		tab.submit(`form[action$="/cancel"] button.danger`)
		tab.mustSee(".refund-progress", "0 of 2 made")
		tab.checkAccessibility("cancelled date with refunds pending")
		tab.do(chromedp.Evaluate[chromedp.Void](`window.__sameDocument = true`))
		if _, err := s.booking.ProcessRefunds(ctx); err != nil {
			t.Fatal(err)
		}
		wait, cancel := context.WithTimeout(tab.ctx, 20*time.Second)
		defer cancel()
		if _, err := chromedp.Run(wait, chromedp.Poll[bool](`document.querySelector('[data-progress="done"]').textContent === "2"`,
			chromedp.WithPollingInterval(200*time.Millisecond))); err != nil {
			t.Fatalf("the refund count did not update: %v (%s)", err, tab.text(".refund-progress"))
		}
		if !run(tab, chromedp.Evaluate[bool](`window.__sameDocument === true`)) {
			t.Error("the page reloaded to show the refunds")
		}
		tab.mustSee(".refund-progress", "Nothing is waiting")
	}) {
		return
	}

	if !step("a forgotten password is reset from the emailed link", func(t *testing.T) {
		other := newBrowser(t, s, chromium, axe)
		other.open("/dashboard/login")
		other.load(chromedp.Click(chromedp.CSS(`a[href="/dashboard/forgot-password"]`)))
		other.checkAccessibility("forgot password")
		other.typeInto("email", "james@example.com")
		other.submit(`form[action="/dashboard/forgot-password"] button[type=submit]`)
		other.mustSee(".notice", "a link to choose a new password is on its way")
		link := s.lastLink(t, "password_reset", "james@example.com")
		other.open(link)
		other.checkAccessibility("choose a new password")
		other.typeInto("password", "a brand new passphrase")
		other.typeInto("password_confirm", "a brand new passphrase")
		other.submit(`form[action="/dashboard/reset-password"] button[type=submit]`)
		other.mustSee(".notice", "Your password is set")
		other.open("/dashboard/settings")
		other.mustSee("#password-heading", "Change your password")
		other.checkAccessibility("settings with password and invitation forms")
	}) {
		return
	}
}

// lastLink is the path and query of the link in the last email of kind to
// an address, read from the outbox, as the coach would click it.
func (s site) lastLink(t *testing.T, kind, to string) string {
	t.Helper()
	var body string
	if err := s.db.Get(&body, s.db.Rebind(`SELECT text_body FROM outbox WHERE kind = ? AND to_addr = ? ORDER BY id DESC LIMIT 1`), kind, to); err != nil {
		t.Fatalf("no %s email to %s: %v", kind, to, err)
	}
	i := strings.Index(body, s.url+"/dashboard/")
	if i < 0 {
		t.Fatalf("no link in %q", body)
	}
	link := strings.Fields(body[i:])[0]
	return strings.TrimPrefix(link, s.url)
}
