package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb/sqldbtest"
	"github.com/roster-app/roster/web/server"
)

// The sweep (this file's environment, authz_api_test.go,
// authz_dashboard_test.go and headers_test.go) walks every route the
// assembled server registers — read from Echo's route table, so a route
// added later is swept too — with no credentials, another coach's
// credentials and revoked ones, and every booking route with tokens that
// are not the booking's; it checks the security headers of every kind of
// response, and that no secret reaches the logs.

// sweptRoute is a method and path pattern as registered with Echo.
type sweptRoute struct{ Method, Path string }

func (r sweptRoute) String() string { return r.Method + " " + r.Path }

var sweepMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true}

// sweepMinRoutes is how many routes the server registered when the sweep
// was last reviewed. Finding fewer fails the sweep, so that a refactor
// which loses routes from Echo's table (or hands the sweep another server)
// cannot quietly sweep less.
const sweepMinRoutes = 85

// sweepRoutes lists every route the assembled server registered, read from
// Echo's own route table, so a route added later to web/public, web/api or
// web/dashboard is swept too.
func sweepRoutes(t *testing.T, e *echo.Echo) []sweptRoute {
	t.Helper()
	seen := map[sweptRoute]bool{}
	var out []sweptRoute
	for _, r := range e.Routes() {
		route := sweptRoute{r.Method, r.Path}
		// Echo also lists its not-found handlers of guarded groups; they
		// are no route of Roster's.
		if !sweepMethods[r.Method] || seen[route] {
			continue
		}
		seen[route] = true
		out = append(out, route)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	for _, want := range []sweptRoute{{"POST", "/api/v1/bookings"}, {"GET", "/api/v1/admin/events"}, {"GET", "/bookings/:ref"}, {"GET", "/dashboard"}} {
		if !seen[want] {
			t.Fatalf("Echo's route table lacks %s (found %v)", want, out)
		}
	}
	if len(out) < sweepMinRoutes {
		t.Fatalf("Echo's route table holds %d routes, fewer than the %d known: %v", len(out), sweepMinRoutes, out)
	}
	return out
}

// lockedBuffer collects log output written by server goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// sweepBooking is a booking and the token that manages it.
type sweepBooking struct{ Ref, Token string }

// sweepEnv is a server wired as roster serve wires it (a real notifier and
// outbox), with debug logs kept, and a fixture: James and Parveen co-host
// a free workshop whose first date (2 seats) is full, with Cy offered a
// seat from its waitlist; Mallory hosts a workshop of her own.
type sweepEnv struct {
	*env
	logs                 *lockedBuffer
	parveen              coaches.Coach
	parveenToken         string
	jamesFeed            string
	slug, mallorySlug    string
	dateA, dateB         int64 // the lab's dates
	malloryDate          int64
	ada, dan, eve        sweepBooking // Ada on date A, Dan on date B, Eve at Mallory's
	waitlistID, outboxID int64
	jamesTokenID         int64
	markers              []string // what must never show to someone not allowed to see it
	passwords            map[string]string
	packageSlug          string       // James's Authz Pack
	purchase             sweepBooking // Fay's purchase of it, and its credit code
	loginCookie          string       // the dashboard's cookie name
	echo                 *echo.Echo   // the assembled server, for its route table
}

func newSweepEnv(t *testing.T, cfg server.Config) *sweepEnv {
	t.Helper()
	db := sqldbtest.MustOpenDB(t)
	clock := func() time.Time { return now }
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := events.NewService(db, clock)
	people := coaches.NewService(db, clock)
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: cfg.BaseURL, From: "Roster <no-reply@roster.test>"}, clock, log)
	if err != nil {
		t.Fatal(err)
	}
	bookings := booking.NewService(db, notifier, booking.Config{BaseURL: cfg.BaseURL}, clock)
	handler, err := server.New(cfg, server.Deps{
		DB: db, Coaches: people, Events: svc, Booking: bookings, Outbox: notify.NewOutbox(db, clock), Notifier: notifier, Log: log, Now: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	s := &sweepEnv{env: &env{t: t, srv: srv, coaches: people, events: svc}, logs: logs, loginCookie: "roster_session", echo: handler.Echo(),
		passwords: map[string]string{"james@example.com": "james-password-1", "parveen@example.com": "parveen-password-2", "mallory@example.com": "mallory-password-3"}}
	s.james = mustCoach(t, people, "james@example.com", "James Downer")
	s.parveen = mustCoach(t, people, "parveen@example.com", "Parveen Downer")
	s.other = mustCoach(t, people, "mallory@example.com", "Mallory")
	for email, password := range s.passwords {
		// At bcrypt's lowest cost, straight into the database: at the real
		// cost every sign-in takes seconds under the race detector.
		hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Writer().Exec(db.Rebind(`UPDATE coaches SET password_hash = ? WHERE email = ?`), string(hash), email); err != nil {
			t.Fatal(err)
		}
	}
	if s.jamesToken, err = people.CreateToken(ctx, s.james.ID, coaches.APIToken, "test"); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &s.jamesTokenID, db.Rebind(`SELECT id FROM coach_tokens WHERE coach_id = ?`), s.james.ID); err != nil {
		t.Fatal(err)
	}
	if s.otherToken, err = people.CreateToken(ctx, s.other.ID, coaches.APIToken, "test"); err != nil {
		t.Fatal(err)
	}
	if s.parveenToken, err = people.CreateToken(ctx, s.parveen.ID, coaches.APIToken, "test"); err != nil {
		t.Fatal(err)
	}
	if s.jamesFeed, err = people.CreateToken(ctx, s.james.ID, coaches.FeedToken, "test"); err != nil {
		t.Fatal(err)
	}

	s.slug, s.mallorySlug = "authz-lab", "mallory-workshop"
	lab := s.mustJSON("POST", "/api/v1/admin/events", s.jamesToken, 201, `{"slug": "authz-lab", "title": "Authz Lab",
		"timezone": "Europe/London", "currency": "GBP", "price_cents": 0, "status": "published",
		"hosts": ["james@example.com", "parveen@example.com"],
		"sessions": [{"starts_at": "2027-09-22T18:00:00+01:00", "ends_at": "2027-09-22T20:00:00+01:00", "capacity": 2},
		             {"starts_at": "2027-09-29T18:00:00+01:00", "ends_at": "2027-09-29T20:00:00+01:00", "capacity": 10}]}`)
	s.dateA, s.dateB = sweepSessionIDs(t, lab)[0], sweepSessionIDs(t, lab)[1]
	theirs := s.mustJSON("POST", "/api/v1/admin/events", s.otherToken, 201, `{"slug": "mallory-workshop", "title": "Mallory Workshop",
		"timezone": "UTC", "currency": "GBP", "price_cents": 0, "status": "published",
		"sessions": [{"starts_at": "2027-10-01T09:00:00Z", "ends_at": "2027-10-01T10:00:00Z", "capacity": 5}]}`)
	s.malloryDate = sweepSessionIDs(t, theirs)[0]
	s.mustJSON("POST", "/api/v1/admin/appointment-types", s.jamesToken, 201, `{"slug": "authz-chat", "title": "Authz Chat",
		"duration_minutes": 30, "currency": "GBP", "hosts": ["parveen@example.com"], "status": "published"}`)

	s.addPackageFixture()

	s.ada = s.mustBook(s.dateA, "Ada Lovelace", "ada@example.com")
	bo := s.mustBook(s.dateA, "Bo Fairfax", "bo@example.com")
	s.dan = s.mustBook(s.dateB, "Dan Dabrowski", "dan@example.com")
	s.eve = s.mustBook(s.malloryDate, "Eve Evans", "eve@example.com")
	s.mustJSON("POST", fmt.Sprintf("/api/v1/sessions/%d/waitlist", s.dateA), "", 201, `{"name": "Cy Cyrus", "email": "cy@example.com"}`)
	s.mustJSON("POST", "/api/v1/bookings/"+bo.Ref+"/cancel?t="+url.QueryEscape(bo.Token), "", 200, "")
	var waitlist []struct {
		ID     int64
		Status string
	}
	if err := json.Unmarshal(s.mustJSON("GET", fmt.Sprintf("/api/v1/admin/sessions/%d/waitlist", s.dateA), s.jamesToken, 200, ""), &waitlist); err != nil || len(waitlist) != 1 || waitlist[0].Status != "offered" {
		t.Fatalf("waitlist: %v %+v: Cy should have been offered Bo's seat", err, waitlist)
	}
	s.waitlistID = waitlist[0].ID
	var outbox []struct{ ID int64 }
	if err := json.Unmarshal(s.mustJSON("GET", "/api/v1/admin/outbox?booking="+s.ada.Ref, s.jamesToken, 200, ""), &outbox); err != nil || len(outbox) == 0 {
		t.Fatalf("Ada's outbox: %v %v", err, outbox)
	}
	s.outboxID = outbox[0].ID
	s.markers = []string{"ada@example.com", "Ada Lovelace", "dan@example.com", "cy@example.com", "Authz Lab", "Authz Chat", s.ada.Token, s.jamesToken,
		"fay@example.com", "Fay Fairweather", s.purchase.Token}
	return s
}

// mustJSON sends a request and requires the status; it returns the body.
func (s *sweepEnv) mustJSON(method, path, token string, status int, body string) []byte {
	s.t.Helper()
	got, raw := s.do(method, path, token, body)
	if got != status {
		s.t.Fatalf("%s %s: %d %s, want %d", method, path, got, raw, status)
	}
	return []byte(raw)
}

func (s *sweepEnv) mustBook(date int64, name, email string) sweepBooking {
	s.t.Helper()
	raw := s.mustJSON("POST", "/api/v1/bookings", "", 201, fmt.Sprintf(`{"session_id": %d, "name": %q, "email": %q, "seats": 1}`, date, name, email))
	var b struct {
		Ref       string `json:"ref"`
		ManageURL string `json:"manage_url"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		s.t.Fatal(err)
	}
	u, err := url.Parse(b.ManageURL)
	if err != nil {
		s.t.Fatal(err)
	}
	return sweepBooking{Ref: b.Ref, Token: u.Query().Get("t")}
}

func sweepSessionIDs(t *testing.T, eventJSON []byte) []int64 {
	t.Helper()
	var e struct{ Sessions []struct{ ID int64 } }
	if err := json.Unmarshal(eventJSON, &e); err != nil || len(e.Sessions) == 0 {
		t.Fatalf("event without sessions: %v %s", err, eventJSON)
	}
	ids := make([]int64, len(e.Sessions))
	for i, sess := range e.Sessions {
		ids[i] = sess.ID
	}
	return ids
}

// fill replaces a route's parameters with the fixture's James-side values:
// the lab's slug (or James's appointment type's), its first date, Ada's booking, Cy's waitlist entry, an
// outbox message about Ada and James's API token; for package routes, the
// Authz Pack and Fay's purchase of it.
func (s *sweepEnv) fill(path string) string {
	parts := strings.Split(path, "/")
	for i, part := range parts {
		if !strings.HasPrefix(part, ":") {
			continue
		}
		prev := ""
		if i > 0 {
			prev = parts[i-1]
		}
		switch {
		case part == ":slug" && prev == "packages":
			parts[i] = s.packageSlug
		case part == ":ref" && purchaseRoute(path):
			parts[i] = s.purchase.Ref
		case part == ":slug" && (prev == "appointment-types" || prev == "coaching"):
			parts[i] = "authz-chat"
		case part == ":slug":
			parts[i] = s.slug
		case part == ":ref":
			parts[i] = s.ada.Ref
		case prev == "sessions":
			parts[i] = strconv.FormatInt(s.dateA, 10)
		case prev == "waitlist":
			parts[i] = strconv.FormatInt(s.waitlistID, 10)
		case prev == "outbox":
			parts[i] = strconv.FormatInt(s.outboxID, 10)
		case prev == "tokens":
			parts[i] = strconv.FormatInt(s.jamesTokenID, 10)
		default:
			parts[i] = "1"
		}
	}
	filled := strings.Join(parts, "/")
	if strings.HasSuffix(filled, "/admin/people") {
		filled += "?email=" + url.QueryEscape("ada@example.com") // the person asked about is a query parameter
	}
	return filled
}

// request sends a request with optional sweepBearer token, cookie and form, and
// returns the response with its body read.
func (s *sweepEnv) request(method, path string, header http.Header, body string) (*http.Response, string) {
	s.t.Helper()
	req, err := http.NewRequest(method, s.srv.URL+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := sweepClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	checkSnakeCase(s.t, method+" "+path, path, resp.Header.Get("Content-Type"), string(b))
	return resp, string(b)
}

var sweepClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// leaks returns the first marker body holds.
func (s *sweepEnv) leaks(body string) string {
	for _, m := range s.markers {
		if m != "" && strings.Contains(body, m) {
			return m
		}
	}
	return ""
}

// sweepAdminBodies are plausible, valid bodies per admin route, so that a
// refusal comes from the authorisation check and not from validation.
var sweepAdminBodies = map[string]string{
	"POST /api/v1/admin/events":                           `{"slug": "second-workshop", "title": "Second", "timezone": "UTC", "currency": "GBP", "sessions": []}`,
	"PATCH /api/v1/admin/events/:slug":                    `{"title": "Taken over"}`,
	"POST /api/v1/admin/events/:slug/sessions":            `{"starts_at": "2027-10-06T18:00:00+01:00", "ends_at": "2027-10-06T20:00:00+01:00", "capacity": 6}`,
	"PATCH /api/v1/admin/sessions/:id":                    `{"capacity": 1}`,
	"PUT /api/v1/admin/events/:slug/questions":            `[{"kind": "short_text", "label": "Taken over?", "required": false}]`,
	"POST /api/v1/admin/bookings/:ref/move":               `{"session_id": 0}`,
	"POST /api/v1/admin/bookings/:ref/refund":             `{"amount_cents": 100}`,
	"POST /api/v1/admin/bookings/:ref/cancel":             `{}`,
	"POST /api/v1/admin/sessions/:id/cancel":              `{}`,
	"POST /api/v1/admin/sessions/:id/message":             `{"subject": "Taken over", "body": "Hello"}`,
	"POST /api/v1/admin/events/:slug/cancel":              `{}`,
	"POST /api/v1/admin/events/:slug/publish":             `{}`,
	"POST /api/v1/admin/events/:slug/unpublish":           `{}`,
	"PATCH /api/v1/admin/appointment-types/:slug":         `{"title": "Taken over"}`,
	"POST /api/v1/admin/appointment-types":                `{"slug": "second-chat", "title": "Second chat", "duration_minutes": 30, "currency": "GBP"}`,
	"PUT /api/v1/admin/availability":                      `{"timezone": "UTC", "weekly": {"mon": [{"start": "09:00", "end": "10:00"}]}}`,
	"POST /api/v1/admin/packages":                         `{"slug": "second-pack", "title": "Second", "appointment_type": "authz-call", "credits": 1}`,
	"POST /api/v1/admin/packages/:slug/grants":            `{"name": "Taken Over", "email": "taken@example.com", "credits": 1}`,
	"POST /api/v1/admin/package-purchases/:ref/extend":    `{"days": 30}`,
	"POST /api/v1/admin/package-purchases/:ref/refund":    `{}`,
	"POST /api/v1/admin/bookings/:ref/reschedule":         `{"start": "2026-12-01T09:00:00Z"}`,
	"PUT /api/v1/admin/appointment-types/:slug/questions": `[{"kind": "short_text", "label": "Taken over?", "required": false}]`,
}

func (s *sweepEnv) sweepBody(r sweptRoute) string {
	if body, ok := sweepAdminBodies[r.String()]; ok {
		return strings.ReplaceAll(body, `"session_id": 0`, fmt.Sprintf(`"session_id": %d`, s.dateB))
	}
	return ""
}

func sweepBearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"}}
}
