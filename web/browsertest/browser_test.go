package browsertest_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
	"github.com/roster-app/roster/web/server"
)

// axePath is axe-core's browser bundle, installed by
// npm ci --prefix web/browsertest/axe.
const axePath = "axe/node_modules/axe-core/axe.min.js"

// requirements returns chromium's path and axe-core's source, or skips the
// test when either is missing (fails it under CI=true, which must run it).
func requirements(t *testing.T) (string, string) {
	t.Helper()
	missing := func(what, install string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; install it with: %s", what, install)
		}
		t.Skipf("%s is missing (install it with: %s)", what, install)
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if _, statErr := os.Stat("/usr/bin/chromium"); statErr != nil {
			missing("chromium", "apt-get install -y chromium")
		}
		chromium = "/usr/bin/chromium"
	}
	axe, err := os.ReadFile(axePath)
	if err != nil {
		missing("axe-core", "npm ci --prefix web/browsertest/axe")
	}
	return chromium, string(axe)
}

// site is Roster running in-process on a real listener, as the browser
// sees it, with offline TEST MODE payments and the dev outbox.
type site struct {
	url     string
	db      *sqldb.DB
	coaches *coaches.Service
	events  *events.Service
	booking *booking.Service
}

func startSite(t *testing.T) site {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	baseURL := "http://" + srv.Listener.Addr().String()
	db := sqldbtest.MustOpenDB(t)
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	evs := events.NewService(db, time.Now)
	people := coaches.NewService(db, time.Now)
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: baseURL, From: "Roster <no-reply@localhost>"}, time.Now, logger)
	if err != nil {
		t.Fatal(err)
	}
	offline := payments.NewOfflineWithClock(baseURL, time.Now)
	bookings := booking.NewService(db, notifier, booking.Config{BaseURL: baseURL, Payments: offline}, time.Now)
	handler, err := server.New(server.Config{BaseURL: baseURL}, server.Deps{
		DB: db, Coaches: people, Events: evs, Booking: bookings, Outbox: notify.NewOutbox(db, time.Now), Notifier: notifier,
		Offline: offline, Log: logger, Now: time.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = handler
	srv.Start()
	t.Cleanup(srv.Close)
	return site{url: baseURL, db: db, coaches: people, events: evs, booking: bookings}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

const coachPassword = "correct horse battery staple"

func TestCoachAndAttendees(t *testing.T) {
	chromium, axe := requirements(t)
	s := startSite(t)
	ctx := context.Background()
	coach, err := s.coaches.Add(ctx, "james@example.com", "James Downer", coachPassword)
	if err != nil {
		t.Fatal(err)
	}
	london, _ := time.LoadLocation("Europe/London")
	day := time.Now().In(london).AddDate(0, 0, 30)
	first := time.Date(day.Year(), day.Month(), day.Day(), 18, 0, 0, 0, london)
	second := first.AddDate(0, 0, 7)
	// A free taster, made through the API's service, for the free booking.
	taster, err := s.events.CreateEvent(ctx, coach.ID, events.EventInput{
		Title: "Free Taster", Summary: "An hour to try coaching.", Timezone: "Europe/London", Location: "Online",
		Currency: "GBP", Status: events.Published,
		Sessions: []events.SessionInput{{StartsAt: first.AddDate(0, 0, -1), EndsAt: first.AddDate(0, 0, -1).Add(time.Hour), Capacity: 20}},
	})
	if err != nil {
		t.Fatal(err)
	}

	coachTab := newBrowser(t, s, chromium, axe)
	attendee := newBrowser(t, s, chromium, axe)
	var lab events.Event

	if !t.Run("the coach signs in", func(t *testing.T) {
		coachTab.t = t
		coachTab.open("/dashboard")
		if coachTab.path() != "/dashboard/login" {
			t.Fatalf("the dashboard without a session is %s, want the sign-in page", coachTab.path())
		}
		coachTab.checkAccessibility("sign-in page")
		coachTab.typeInto("email", "james@example.com")
		coachTab.typeInto("password", coachPassword)
		coachTab.submit(`form[action="/dashboard/login"] button[type=submit]`)
		if coachTab.path() != "/dashboard" {
			t.Fatalf("after signing in: %s", coachTab.path())
		}
		coachTab.mustSee("h1", "Hello, James Downer")
	}) {
		return
	}

	if !t.Run("the coach creates an event with two dates", func(t *testing.T) {
		coachTab.t = t
		coachTab.load(chromedp.Click(chromedp.CSS(`.page-head a[href="/dashboard/events/new"]`)))
		coachTab.checkAccessibility("new event form")
		coachTab.typeInto("title", "Career Clarity Lab")
		coachTab.typeInto("summary", "Two evenings to find your next step.")
		coachTab.typeInto("description", "**Bring** a notebook and one question you keep coming back to.")
		coachTab.typeInto("location", "Online (Zoom)")
		coachTab.typeInto("online_url", "https://meet.example.com/ccl")
		coachTab.set("price", "49")
		coachTab.do(chromedp.Click(chromedp.ID("status-published")))
		coachTab.submit(`form[action="/dashboard/events"] button[type=submit]`)
		if coachTab.path() != "/dashboard/events/career-clarity-lab" {
			t.Fatalf("after creating: %s", coachTab.path())
		}
		for _, day := range []time.Time{first, second} {
			coachTab.set("new-date", day.Format("2006-01-02"))
			coachTab.set("new-start", "18:00")
			coachTab.set("new-end", "20:00")
			coachTab.set("new-capacity", "12")
			coachTab.submit(`form.add-date button[type=submit]`)
			coachTab.mustSee(".notice", "Date added")
		}
		coachTab.checkAccessibility("event page")
		if lab, err = s.events.EventBySlug(ctx, "career-clarity-lab"); err != nil {
			t.Fatal(err)
		}
		if len(lab.Sessions) != 2 || lab.Status != events.Published || lab.PriceCents != 4900 {
			t.Fatalf("the lab as saved: %+v", lab)
		}
		if got := lab.Sessions[0].StartsAt.In(london).Format("15:04"); got != "18:00" {
			t.Errorf("the first date starts at %s London time, want 18:00", got)
		}
	}) {
		return
	}

	if !t.Run("attendees book: paid through the TEST MODE checkout, and free", func(t *testing.T) {
		attendee.t = t
		attendee.open("/events/career-clarity-lab")
		attendee.mustSee("h1", "Career Clarity Lab")
		attendee.checkAccessibility("public event page")
		attendee.bookOnPublicPage("career-clarity-lab", lab.Sessions[0].ID, "Ada Lovelace", "ada@example.com")
		attendee.checkAccessibility("TEST MODE checkout")
		attendee.payOnTestCheckout()
		attendee.mustSee("main", "Confirmed")
		attendee.checkAccessibility("booking page")

		attendee.bookOnPublicPage("career-clarity-lab", lab.Sessions[0].ID, "Cy Twombly", "cy@example.com")
		attendee.payOnTestCheckout()
		attendee.mustSee("main", "Confirmed")

		attendee.bookOnPublicPage(taster.Slug, taster.Sessions[0].ID, "Bo Diddley", "bo@example.com")
		if !strings.HasPrefix(attendee.path(), "/bookings/") {
			t.Fatalf("a free booking went to %s, want its booking page", attendee.path())
		}
		attendee.mustSee("main", "Confirmed")
	}) {
		return
	}

	if !t.Run("the coach sees them and exports the CSV", func(t *testing.T) {
		coachTab.t = t
		coachTab.open("/dashboard")
		coachTab.mustSee("table.data", "Career Clarity Lab")
		coachTab.mustSee("table.data", "2 / 12")
		coachTab.mustSee(".stats", "£98.00")
		coachTab.checkAccessibility("dashboard overview")

		coachTab.load(chromedp.Click(chromedp.CSS(fmt.Sprintf(`table.data a[href="/dashboard/sessions/%d"]`, lab.Sessions[0].ID))))
		coachTab.mustSee("table.attendees", "Ada Lovelace")
		coachTab.mustSee("table.attendees", "Cy Twombly")
		coachTab.checkAccessibility("date page")

		href := run(coachTab, chromedp.AttributeValue(chromedp.CSS(`a[href$="/attendees.csv"]`), "href"))
		status, csv := coachTab.fetchText(href.Value)
		// fetch's text() drops the byte order mark; the handler tests check it.
		if status != http.StatusOK || !strings.HasPrefix(strings.TrimPrefix(csv, "\ufeff"), "Ref,Name,Email") ||
			!strings.Contains(csv, "Ada Lovelace,ada@example.com,1,confirmed,49.00") || !strings.Contains(csv, "Cy Twombly") {
			t.Errorf("CSV export: %d %q", status, csv)
		}
	}) {
		return
	}

	if !t.Run("the coach moves one attendee and cancels another", func(t *testing.T) {
		coachTab.t = t
		coachTab.load(chromedp.Click(chromedp.CSS(`table.attendees a[href^="/dashboard/bookings/"]`)))
		coachTab.mustSee("h1", "Ada Lovelace")
		coachTab.checkAccessibility("booking in the dashboard")
		coachTab.do(chromedp.SetValue(chromedp.ID("move-to"), fmt.Sprint(lab.Sessions[1].ID)))
		coachTab.submit(`form[action$="/move"] button[type=submit]`)
		coachTab.mustSee(".notice", "Booking moved")

		coachTab.open(fmt.Sprintf("/dashboard/sessions/%d", lab.Sessions[0].ID))
		coachTab.load(chromedp.Click(chromedp.CSS(`table.attendees a[href^="/dashboard/bookings/"]`)))
		coachTab.mustSee("h1", "Cy Twombly")
		coachTab.do(chromedp.Click(chromedp.ID("refund-full")))
		coachTab.submit(`form[action$="/cancel"] button[type=submit]`)
		coachTab.mustSee(".notice", "Booking cancelled")
		coachTab.mustSee("h1", "Cancelled")

		date1, err := s.booking.SessionAttendees(ctx, coach.ID, lab.Sessions[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		date2, err := s.booking.SessionAttendees(ctx, coach.ID, lab.Sessions[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(date2) != 1 || date2[0].Name != "Ada Lovelace" || date2[0].Status != booking.Confirmed {
			t.Errorf("the second date holds %+v, want Ada, confirmed", date2)
		}
		if len(date1) != 1 || date1[0].Name != "Cy Twombly" || date1[0].Status != booking.Cancelled {
			t.Errorf("the first date holds %+v, want Cy, cancelled", date1)
		}
		if refunds, _ := s.booking.Refunds(ctx, date1[0].ID); len(refunds) != 1 || refunds[0].AmountCents != 4900 {
			t.Errorf("Cy's refunds: %+v, want £49.00 queued", refunds)
		}
	}) {
		return
	}

	if !t.Run("the dashboard works on a phone", func(t *testing.T) {
		coachTab.t = t
		coachTab.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile))
		coachTab.open("/dashboard")
		coachTab.checkAccessibility("dashboard on a phone")
		// The tables scroll inside their frame; the page itself does not.
		overflow := run(coachTab, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if overflow {
			t.Error("the overview is wider than a phone's screen")
		}
	}) {
		return
	}
}
