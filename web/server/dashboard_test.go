package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
	"github.com/roster-app/roster/web/server"
)

// testClock is a clock the dashboard tests move forward, to expire
// sessions without waiting.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// dashEnv is a running server, with email and offline payments, and three
// coaches who can sign in: James and Parveen host the Career Clarity Lab,
// Mallory hosts nothing of theirs.
type dashEnv struct {
	*env
	db      *sqldb.DB
	clock   *testClock
	booking *booking.Service
	offline *payments.Offline
	outbox  *notify.Outbox
	parveen coaches.Coach
}

// coachPassword is every test coach's password.
const coachPassword = "correct horse battery"

// cheapHash is coachPassword hashed at bcrypt's lowest cost. The test
// coaches get it straight in the database: at the real cost, each sign-in
// takes seconds under the race detector. Unknown emails still compare
// against the real-cost dummy, as in production.
var cheapHash = sync.OnceValue(func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(coachPassword), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
})

func newDashEnv(t *testing.T, cfg server.Config) *dashEnv {
	t.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://roster.test"
	}
	db := sqldbtest.MustOpenDB(t)
	clock := &testClock{t: now}
	svc := events.NewService(db, clock.Now)
	people := coaches.NewService(db, clock.Now)
	logs := &syncBuilder{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: cfg.BaseURL, From: "Roster <no-reply@roster.test>"}, clock.Now, logger)
	if err != nil {
		t.Fatal(err)
	}
	offline := payments.NewOfflineWithClock(cfg.BaseURL, clock.Now)
	bookings := booking.NewService(db, notifier, booking.Config{BaseURL: cfg.BaseURL, Payments: offline}, clock.Now)
	outbox := notify.NewOutbox(db, clock.Now)
	handler, err := server.New(cfg, server.Deps{
		DB: db, Coaches: people, Events: svc, Booking: bookings, Outbox: outbox, Notifier: notifier, Offline: offline, Log: logger, Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	e := &dashEnv{env: &env{t: t, srv: srv, coaches: people, events: svc, logs: logs}, db: db, clock: clock, booking: bookings, offline: offline, outbox: outbox}
	e.james = e.coach("james@example.com", "James Downer")
	e.parveen = e.coach("parveen@example.com", "Parveen Downer")
	e.other = e.coach("mallory@example.com", "Mallory")
	if e.jamesToken, err = people.CreateToken(context.Background(), e.james.ID, coaches.APIToken, "setup"); err != nil {
		t.Fatal(err)
	}
	return e
}

// coach adds a coach who signs in with coachPassword.
func (e *dashEnv) coach(email, name string) coaches.Coach {
	e.t.Helper()
	c := mustCoach(e.t, e.coaches, email, name)
	if _, err := e.db.Writer().Exec(e.db.Rebind(`UPDATE coaches SET password_hash = ? WHERE id = ?`), cheapHash(), c.ID); err != nil {
		e.t.Fatal(err)
	}
	return c
}

// paidBooking books seats on a date of a paid event and pays for them
// through the offline provider, as the TEST MODE checkout does.
func (e *dashEnv) paidBooking(sessionID int64, name, email string, seats int) booking.Booking {
	e.t.Helper()
	ctx := context.Background()
	res, err := e.booking.Reserve(ctx, booking.Request{SessionID: sessionID, Name: name, Email: email, Seats: seats, Answers: booking.Answers{}})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.booking.StartCheckout(ctx, res.Booking.Ref, res.Token); err != nil {
		e.t.Fatal(err)
	}
	d, err := e.booking.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
	if err != nil {
		e.t.Fatal(err)
	}
	b := d.Booking
	if _, err := e.booking.ApplyPayment(ctx, e.offline.CompleteEvent(b.PaymentRef, b.Ref, b.AmountCents, b.Currency, e.clock.Now())); err != nil {
		e.t.Fatal(err)
	}
	return b
}

// hold books seats on a paid date without paying: a hold.
func (e *dashEnv) hold(sessionID int64, name, email string) booking.Booking {
	e.t.Helper()
	res, err := e.booking.Reserve(context.Background(), booking.Request{SessionID: sessionID, Name: name, Email: email, Seats: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return res.Booking
}

// bookingStatus reads a booking as its host sees it.
func (e *dashEnv) bookingStatus(ref string) booking.Booking {
	e.t.Helper()
	d, err := e.booking.Get(context.Background(), ref, booking.Actor{CoachID: e.james.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return d.Booking
}

// browser is a client with its own cookies that does not follow
// redirects, so tests see each answer.
type browser struct {
	e    *dashEnv
	c    *http.Client
	csrf string
}

type answer struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (e *dashEnv) newBrowser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`)

// signedIn returns a browser signed in as the coach with this email, with
// the CSRF token its forms carry.
func (e *dashEnv) signedIn(email string) *browser {
	e.t.Helper()
	b := e.newBrowser()
	a := b.send("POST", "/dashboard/login", url.Values{"email": {email}, "password": {coachPassword}}, nil)
	if a.status != http.StatusSeeOther || a.location != "/dashboard" {
		e.t.Fatalf("sign in as %s: %d %s %.300s", email, a.status, a.location, a.body)
	}
	page := b.get("/dashboard")
	m := csrfRE.FindStringSubmatch(page.body)
	if page.status != 200 || m == nil {
		e.t.Fatalf("overview after signing in: %d, no CSRF token in %.300s", page.status, page.body)
	}
	b.csrf = m[1]
	return b
}

func (b *browser) send(method, path string, form url.Values, header http.Header) answer {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.srv.URL+path, body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(raw), location: resp.Header.Get("Location"), header: resp.Header}
}

func (b *browser) get(path string) answer {
	b.e.t.Helper()
	return b.send("GET", path, nil, nil)
}

// post sends a dashboard form with the browser's CSRF token, unless the
// form sets csrf_token itself.
func (b *browser) post(path string, form url.Values) answer {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, set := form["csrf_token"]; !set {
		form.Set("csrf_token", b.csrf)
	}
	return b.send("POST", path, form, nil)
}

// cookie returns the browser's session cookie value, "" if none.
func (b *browser) cookie() string {
	u, _ := url.Parse(b.e.srv.URL + "/dashboard")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "roster_session" {
			return c.Value
		}
	}
	return ""
}
