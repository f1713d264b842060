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
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/labstack/echo/v4"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb/sqldbtest"
	"github.com/roster-app/roster/web/server"
)

// The tests in this file walk every route the assembled server registers —
// read from Echo's route table, so a route added later is swept too — with no
// credentials, another coach's credentials and revoked ones, and every
// booking route with tokens that are not the booking's; they check the
// security headers of every kind of response, and that no secret reaches
// the logs.

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
	loginCookie          string     // the dashboard's cookie name
	echo                 *echo.Echo // the assembled server, for its route table
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
	s.markers = []string{"ada@example.com", "Ada Lovelace", "dan@example.com", "cy@example.com", "Authz Lab", s.ada.Token, s.jamesToken}
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
// the lab's slug, its first date, Ada's booking, Cy's waitlist entry, an
// outbox message about Ada and James's API token.
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
	return strings.Join(parts, "/")
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
	"POST /api/v1/admin/events":                 `{"slug": "second-workshop", "title": "Second", "timezone": "UTC", "currency": "GBP", "sessions": []}`,
	"PATCH /api/v1/admin/events/:slug":          `{"title": "Taken over"}`,
	"POST /api/v1/admin/events/:slug/sessions":  `{"starts_at": "2027-10-06T18:00:00+01:00", "ends_at": "2027-10-06T20:00:00+01:00", "capacity": 6}`,
	"PATCH /api/v1/admin/sessions/:id":          `{"capacity": 1}`,
	"PUT /api/v1/admin/events/:slug/questions":  `[{"kind": "short_text", "label": "Taken over?", "required": false}]`,
	"POST /api/v1/admin/bookings/:ref/move":     `{"session_id": 0}`,
	"POST /api/v1/admin/bookings/:ref/refund":   `{"amount_cents": 100}`,
	"POST /api/v1/admin/bookings/:ref/cancel":   `{}`,
	"POST /api/v1/admin/sessions/:id/cancel":    `{}`,
	"POST /api/v1/admin/sessions/:id/message":   `{"subject": "Taken over", "body": "Hello"}`,
	"POST /api/v1/admin/events/:slug/cancel":    `{}`,
	"POST /api/v1/admin/events/:slug/publish":   `{}`,
	"POST /api/v1/admin/events/:slug/unpublish": `{}`,
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

// TestAdminRouteSweep walks every /api/v1/admin route.
func TestAdminRouteSweep(t *testing.T) {
	s := newSweepEnv(t, server.Config{BaseURL: "http://roster.test"})
	var admin []sweptRoute
	for _, r := range sweepRoutes(t, s.echo) {
		if strings.HasPrefix(r.Path, "/api/v1/admin/") {
			admin = append(admin, r)
		}
	}
	if len(admin) < 10 {
		t.Fatalf("found only %d admin routes: %v", len(admin), admin)
	}
	t.Run("James's own token opens every GET", func(t *testing.T) {
		for _, r := range admin {
			if r.Method != "GET" {
				continue
			}
			if resp, body := s.request("GET", s.fill(r.Path), sweepBearer(s.jamesToken), ""); resp.StatusCode != 200 {
				t.Errorf("%s as James: %d %.200s: the sweep's parameters do not reach the handler", r, resp.StatusCode, body)
			}
		}
	})
	refused := map[string]http.Header{
		"no credentials":             {"Content-Type": {"application/json"}},
		"an unknown token":           sweepBearer("rst_api_" + strings.Repeat("A", 43)),
		"James's token with a typo":  sweepBearer(s.jamesToken + "x"),
		"James's feed token":         sweepBearer(s.jamesFeed),
		"another scheme":             {"Authorization": {"Basic " + s.jamesToken}},
		"the token without a scheme": {"Authorization": {s.jamesToken}},
		"an empty sweepBearer":       {"Authorization": {"Bearer "}},
		"a 10 kB token":              sweepBearer(strings.Repeat("x", 10<<10)),
	}
	for what, header := range refused {
		t.Run(what, func(t *testing.T) {
			for _, r := range admin {
				resp, body := s.request(r.Method, s.fill(r.Path), header, s.sweepBody(r))
				if resp.StatusCode != 401 || !strings.Contains(body, `"code":"unauthorized"`) || resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s: %d %.200s, want 401 unauthorized with WWW-Authenticate", r, resp.StatusCode, body)
				}
				if m := s.leaks(body); m != "" {
					t.Errorf("%s shows %q", r, m)
				}
			}
		})
	}
	t.Run("another coach's token", func(t *testing.T) {
		for _, r := range admin {
			resp, body := s.request(r.Method, s.fill(r.Path), sweepBearer(s.otherToken), s.sweepBody(r))
			if m := s.leaks(body); m != "" {
				t.Errorf("%s as Mallory shows %q: %.300s", r, m, body)
			}
			if strings.Contains(r.Path, ":") && resp.StatusCode != 404 && resp.StatusCode != 403 {
				t.Errorf("%s as Mallory: %d %.200s, want 404 (or 403)", r, resp.StatusCode, body)
			}
		}
		if resp, body := s.request("GET", "/api/v1/admin/outbox?booking="+s.ada.Ref, sweepBearer(s.otherToken), ""); resp.StatusCode != 404 || s.leaks(body) != "" {
			t.Errorf("Mallory reads the outbox of Ada's booking: %d %.300s", resp.StatusCode, body)
		}
	})
	t.Run("the private calendar feed", func(t *testing.T) {
		feed := func(token string) (*http.Response, string) {
			return s.request("GET", "/coaches/feed.ics?token="+url.QueryEscape(token), nil, "")
		}
		if resp, body := feed(s.jamesFeed); resp.StatusCode != 200 || !strings.Contains(body, "Authz Lab") {
			t.Fatalf("James's feed: %d %.200s", resp.StatusCode, body)
		}
		for what, token := range map[string]string{"no token": "", "James's API token": s.jamesToken, "a forged token": "rst_feed_" + strings.Repeat("A", 43)} {
			if resp, body := feed(token); (resp.StatusCode != 401 && resp.StatusCode != 404) || s.leaks(body) != "" {
				t.Errorf("feed with %s: %d %.200s, want 401 or 404", what, resp.StatusCode, body)
			}
		}
		if resp, body := s.request("POST", "/api/v1/admin/feed", sweepBearer(s.jamesToken), ""); resp.StatusCode >= 300 {
			t.Fatalf("rotate the feed: %d %s", resp.StatusCode, body)
		}
		if resp, body := feed(s.jamesFeed); (resp.StatusCode != 401 && resp.StatusCode != 404) || s.leaks(body) != "" {
			t.Errorf("feed with the token rotated away: %d %.200s, want 401 or 404", resp.StatusCode, body)
		}
	})
	t.Run("a revoked token of a co-host", func(t *testing.T) {
		if resp, _ := s.request("GET", "/api/v1/admin/events/"+s.slug, sweepBearer(s.parveenToken), ""); resp.StatusCode != 200 {
			t.Fatalf("Parveen co-hosts the lab but gets %d before revocation", resp.StatusCode)
		}
		if err := s.coaches.RevokeTokens(context.Background(), s.parveen.ID, coaches.APIToken); err != nil {
			t.Fatal(err)
		}
		for _, r := range admin {
			if resp, body := s.request(r.Method, s.fill(r.Path), sweepBearer(s.parveenToken), s.sweepBody(r)); resp.StatusCode != 401 || s.leaks(body) != "" {
				t.Errorf("%s with a revoked token: %d %.200s, want 401", r, resp.StatusCode, body)
			}
		}
	})
	s.assertLabUntouched(t)
}

// assertLabUntouched checks that none of the refused requests changed
// James's workshop or Ada's booking.
func (s *sweepEnv) assertLabUntouched(t *testing.T) {
	t.Helper()
	status, body := s.do("GET", "/api/v1/admin/events/"+s.slug, s.jamesToken, "")
	if status != 200 || !strings.Contains(body, `"title":"Authz Lab"`) || !strings.Contains(body, `"status":"published"`) || strings.Contains(body, "2027-10-06") {
		t.Errorf("the lab changed under refused requests: %d %s", status, body)
	}
	status, body = s.do("GET", "/api/v1/bookings/"+s.ada.Ref+"?t="+url.QueryEscape(s.ada.Token), "", "")
	if status != 200 || !strings.Contains(body, `"status":"confirmed"`) || !strings.Contains(body, fmt.Sprintf(`"session_id":%d`, s.dateA)) {
		t.Errorf("Ada's booking changed under refused requests: %d %s", status, body)
	}
	status, body = s.do("GET", fmt.Sprintf("/api/v1/admin/sessions/%d/waitlist", s.dateA), s.jamesToken, "")
	if status != 200 || !strings.Contains(body, `"Status":"offered"`) {
		t.Errorf("Cy's offer changed under refused requests: %d %s", status, body)
	}
}

// TestBookingRouteTokens tries every public route that names a booking (or a
// waitlist offer) with tokens that are not its own: none, a wrong one,
// another booking's, the right one altered, a very long one.
func TestBookingRouteTokens(t *testing.T) {
	s := newSweepEnv(t, server.Config{BaseURL: "http://roster.test"})
	var public []sweptRoute
	for _, r := range sweepRoutes(t, s.echo) {
		if (strings.Contains(r.Path, ":ref") || strings.HasPrefix(r.Path, "/waitlist/")) &&
			!strings.HasPrefix(r.Path, "/api/v1/admin/") && !strings.HasPrefix(r.Path, "/dashboard") {
			public = append(public, r)
		}
	}
	if len(public) < 6 {
		t.Fatalf("found only %d booking routes: %v", len(public), public)
	}
	t.Run("Ada's own token opens her pages", func(t *testing.T) {
		for _, path := range []string{"/bookings/" + s.ada.Ref, "/bookings/" + s.ada.Ref + "/invite.ics", "/api/v1/bookings/" + s.ada.Ref} {
			if resp, body := s.request("GET", path+"?t="+url.QueryEscape(s.ada.Token), nil, ""); resp.StatusCode != 200 || !strings.Contains(body, "Ada") {
				t.Errorf("GET %s with Ada's token: %d", path, resp.StatusCode)
			}
		}
	})
	tokens := map[string]string{
		"no token":              "",
		"a wrong token":         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"Dan's token":           s.dan.Token,
		"Eve's token":           s.eve.Token,
		"Ada's token, altered":  s.ada.Token[:len(s.ada.Token)-1] + "A",
		"Ada's token, cut":      s.ada.Token[:len(s.ada.Token)/2],
		"Ada's token, upper":    strings.ToUpper(s.ada.Token),
		"a 100 kB token":        strings.Repeat("a", 100<<10),
		"Ada's token plus NUL":  s.ada.Token + "\x00",
		"James's API token":     s.jamesToken,
		"Ada's token, doubled":  s.ada.Token + s.ada.Token,
		"Ada's token as a list": s.ada.Token + "&t=" + s.ada.Token,
	}
	if strings.ToUpper(s.ada.Token) == s.ada.Token {
		delete(tokens, "Ada's token, upper")
	}
	for what, tok := range tokens {
		t.Run(what, func(t *testing.T) {
			for _, r := range public {
				path := s.fill(r.Path)
				header := http.Header{}
				body := ""
				switch {
				case strings.HasPrefix(path, "/api/"):
					path += "?t=" + url.QueryEscape(tok)
					header.Set("Content-Type", "application/json")
					body = fmt.Sprintf(`{"session_id": %d}`, s.dateB)
				case r.Method == "GET":
					path += "?t=" + url.QueryEscape(tok)
				default:
					header.Set("Content-Type", "application/x-www-form-urlencoded")
					body = url.Values{"t": {tok}, "session_id": {strconv.FormatInt(s.dateB, 10)}}.Encode()
				}
				resp, got := s.request(r.Method, path, header, body)
				ok := resp.StatusCode == 404 || strings.HasPrefix(r.Path, "/waitlist/") && resp.StatusCode == 409
				if !ok {
					t.Errorf("%s: %d %.200s, want 404", r, resp.StatusCode, got)
				}
				if m := s.leaks(got); m != "" {
					t.Errorf("%s shows %q", r, m)
				}
			}
		})
	}
	s.assertLabUntouched(t)
}

// sweepDashHeader returns headers for a dashboard request with a session
// cookie (if any) and, for forms, a same-origin Origin.
func (s *sweepEnv) sweepDashHeader(cookie string, form bool) http.Header {
	h := http.Header{}
	if cookie != "" {
		h.Set("Cookie", s.loginCookie+"="+cookie)
	}
	if form {
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		h.Set("Origin", s.srv.URL)
	}
	return h
}

// signIn signs a coach in to the dashboard and returns the session cookie.
func (s *sweepEnv) signIn(email string) string {
	s.t.Helper()
	resp, body := s.request("POST", "/dashboard/login", s.sweepDashHeader("", true),
		url.Values{"email": {email}, "password": {s.passwords[email]}}.Encode())
	for _, c := range resp.Cookies() {
		if c.Name == s.loginCookie && c.Value != "" {
			return c.Value
		}
	}
	s.t.Fatalf("sign in as %s: %d %.300s, no %s cookie", email, resp.StatusCode, body, s.loginCookie)
	return ""
}

var sweepCSRFInput = regexp.MustCompile(`name="csrf_token"\s+value="([^"]+)"|value="([^"]+)"\s+name="csrf_token"`)

// csrfOf reads a signed-in session's form token from a dashboard page.
func (s *sweepEnv) csrfOf(cookie string) string {
	s.t.Helper()
	_, body := s.request("GET", "/dashboard/settings", s.sweepDashHeader(cookie, false), "")
	m := sweepCSRFInput.FindStringSubmatch(body)
	if m == nil {
		s.t.Fatalf("no csrf_token field on the settings page: %.500s", body)
	}
	return m[1] + m[2]
}

// TestDashboardRouteSweep walks every /dashboard route signed out, with
// a forged session, as another coach, and with a session ended by "sign
// out everywhere".
func TestDashboardRouteSweep(t *testing.T) {
	s := newSweepEnv(t, server.Config{BaseURL: "http://roster.test"})
	var dash []sweptRoute
	for _, r := range sweepRoutes(t, s.echo) {
		if strings.HasPrefix(r.Path, "/dashboard") && r.Path != "/dashboard/login" {
			dash = append(dash, r)
		}
	}
	if len(dash) < 5 {
		t.Fatalf("found only %d dashboard routes: %v", len(dash), dash)
	}
	signedOut := func(t *testing.T, cookie string) {
		for _, r := range dash {
			form := r.Method != "GET"
			resp, body := s.request(r.Method, s.fill(r.Path), s.sweepDashHeader(cookie, form), "")
			toSignIn := resp.StatusCode == 303 && strings.Contains(resp.Header.Get("Location"), "/dashboard/login")
			if !toSignIn && resp.StatusCode != 401 && resp.StatusCode != 403 {
				t.Errorf("%s: %d (Location %q), want 303 to the sign-in page", r, resp.StatusCode, resp.Header.Get("Location"))
			}
			if m := s.leaks(body); m != "" {
				t.Errorf("%s shows %q", r, m)
			}
		}
	}
	t.Run("signed out", func(t *testing.T) { signedOut(t, "") })
	t.Run("a forged session", func(t *testing.T) { signedOut(t, "rst_session_"+strings.Repeat("A", 43)) })
	t.Run("an API token as the session", func(t *testing.T) { signedOut(t, s.jamesToken) })

	t.Run("James's session opens every GET", func(t *testing.T) {
		james := s.signIn("james@example.com")
		for _, r := range dash {
			if r.Method != "GET" || strings.Contains(r.Path, "/progress") {
				continue
			}
			if resp, body := s.request("GET", s.fill(r.Path), s.sweepDashHeader(james, false), ""); resp.StatusCode != 200 {
				t.Errorf("%s as James: %d %.200s: the sweep's parameters do not reach the handler", r, resp.StatusCode, body)
			}
		}
	})
	t.Run("another coach's session", func(t *testing.T) {
		mallory := s.signIn("mallory@example.com")
		csrf := s.csrfOf(mallory)
		for _, r := range dash {
			if !strings.Contains(r.Path, ":") {
				continue // her own overview, settings and sign-out
			}
			form := url.Values{"csrf_token": {csrf}, "session_id": {strconv.FormatInt(s.dateB, 10)}, "title": {"Taken over"},
				"capacity": {"1"}, "subject": {"Taken over"}, "body": {"Hello"}, "amount": {"1.00"}}
			resp, body := s.request(r.Method, s.fill(r.Path), s.sweepDashHeader(mallory, r.Method != "GET"), form.Encode())
			if resp.StatusCode != 404 && resp.StatusCode != 403 {
				t.Errorf("%s as Mallory: %d %.200s, want 404 (or 403)", r, resp.StatusCode, body)
			}
			if m := s.leaks(body); m != "" {
				t.Errorf("%s as Mallory shows %q", r, m)
			}
		}
	})
	t.Run("a session ended everywhere", func(t *testing.T) {
		parveen := s.signIn("parveen@example.com")
		if resp, _ := s.request("GET", "/dashboard/events/"+s.slug, s.sweepDashHeader(parveen, false), ""); resp.StatusCode != 200 {
			t.Fatalf("Parveen co-hosts the lab but gets %d before signing out", resp.StatusCode)
		}
		other := s.signIn("parveen@example.com")
		resp, body := s.request("POST", "/dashboard/settings/sign-out-everywhere", s.sweepDashHeader(other, true),
			url.Values{"csrf_token": {s.csrfOf(other)}}.Encode())
		if resp.StatusCode >= 400 {
			t.Fatalf("sign out everywhere: %d %.300s", resp.StatusCode, body)
		}
		signedOut(t, parveen)
	})
	s.assertLabUntouched(t)
}

// parseCSP parses a Content-Security-Policy header.
func parseCSP(policy string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(policy, ";") {
		fields := strings.Fields(d)
		if len(fields) > 0 {
			out[strings.ToLower(fields[0])] = fields[1:]
		}
	}
	return out
}

var (
	cspScriptTag     = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script\s*>`)
	cspEventHandler  = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`)
	cspJavascriptURL = regexp.MustCompile(`(?i)(href|src|action)\s*=\s*["']?\s*javascript:`)
)

// TestSecurityHeadersEveryResponse checks the headers of every kind of response and
// that pages carry no inline script the policy would have to allow.
func TestSecurityHeadersEveryResponse(t *testing.T) {
	for _, base := range []string{"http://roster.test", "https://roster.example.com"} {
		t.Run(base, func(t *testing.T) {
			s := newSweepEnv(t, server.Config{BaseURL: base})
			manage := "?t=" + url.QueryEscape(s.ada.Token)
			pages := []struct {
				path       string
				noReferrer bool // the URL carries a secret
			}{
				{"/", false},
				{"/events/" + s.slug, false},
				{"/events/no-such-workshop", false},
				{"/bookings/" + s.ada.Ref + manage, true},
				{"/bookings/" + s.ada.Ref + "/invite.ics" + manage, true},
				{"/api/v1/events/" + s.slug, false},
				{"/api/v1/bookings/" + s.ada.Ref + manage, false},
				{"/api/v1/nope", false},
				{"/dashboard/login", false},
				{"/healthz", false},
			}
			for _, p := range pages {
				resp, body := s.request("GET", p.path, nil, "")
				h := resp.Header
				csp := parseCSP(h.Get("Content-Security-Policy"))
				scripts, ok := csp["script-src"]
				if !ok {
					scripts = csp["default-src"]
				}
				if len(scripts) == 0 {
					t.Errorf("%s: no script-src or default-src in %q", p.path, h.Get("Content-Security-Policy"))
				}
				for _, src := range scripts {
					switch strings.ToLower(src) {
					case "'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:":
						t.Errorf("%s: script-src allows %s", p.path, src)
					}
				}
				if fa := csp["frame-ancestors"]; !(len(fa) == 1 && (fa[0] == "'none'" || fa[0] == "'self'")) && h.Get("X-Frame-Options") != "DENY" {
					t.Errorf("%s: can be framed (frame-ancestors %v, X-Frame-Options %q)", p.path, fa, h.Get("X-Frame-Options"))
				}
				if h.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("%s: X-Content-Type-Options %q", p.path, h.Get("X-Content-Type-Options"))
				}
				switch rp := h.Get("Referrer-Policy"); {
				case p.noReferrer && rp != "no-referrer":
					t.Errorf("%s: Referrer-Policy %q on a URL that carries a manage token, want no-referrer", p.path, rp)
				case rp == "" || rp == "unsafe-url" || rp == "no-referrer-when-downgrade":
					t.Errorf("%s: Referrer-Policy %q", p.path, rp)
				}
				hsts := h.Get("Strict-Transport-Security")
				if strings.HasPrefix(base, "https://") {
					age, _ := strconv.Atoi(strings.TrimPrefix(strings.Split(hsts, ";")[0], "max-age="))
					if age < 180*24*3600 {
						t.Errorf("%s: Strict-Transport-Security %q, want max-age of at least 180 days", p.path, hsts)
					}
				} else if hsts != "" {
					t.Errorf("%s: Strict-Transport-Security %q on a plain-http site", p.path, hsts)
				}
				if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
					for _, tag := range cspScriptTag.FindAllStringSubmatch(body, -1) {
						if !strings.Contains(tag[1], "src=") || strings.TrimSpace(tag[2]) != "" {
							t.Errorf("%s: inline script the CSP forbids: %.120s", p.path, tag[0])
						}
					}
					for _, bad := range []*regexp.Regexp{cspEventHandler, cspJavascriptURL} {
						if m := bad.FindString(body); m != "" {
							t.Errorf("%s: inline script the CSP forbids: %.120s", p.path, m)
						}
					}
				}
			}

			// The dashboard's session cookie.
			resp, _ := s.request("POST", "/dashboard/login", s.sweepDashHeader("", true),
				url.Values{"email": {"james@example.com"}, "password": {s.passwords["james@example.com"]}}.Encode())
			var session *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == s.loginCookie {
					session = c
				}
			}
			switch {
			case session == nil:
				t.Errorf("signing in set no %s cookie (status %d)", s.loginCookie, resp.StatusCode)
			case !session.HttpOnly || session.SameSite == http.SameSiteNoneMode || session.SameSite == http.SameSiteDefaultMode:
				t.Errorf("session cookie %q: want HttpOnly and SameSite Lax or Strict", session.Raw)
			case strings.HasPrefix(base, "https://") != session.Secure:
				t.Errorf("session cookie %q: Secure must be set exactly when the site is https", session.Raw)
			}
		})
	}
}

// TestLogsHoldNoSecrets runs a flow that handles every kind of secret
// through a server logging at debug level, then searches the log.
func TestLogsHoldNoSecrets(t *testing.T) {
	s := newSweepEnv(t, server.Config{BaseURL: "http://roster.test"})
	secrets := map[string]string{
		"James's API token": s.jamesToken, "Mallory's API token": s.otherToken, "Parveen's API token": s.parveenToken,
		"feed token": s.jamesFeed, "Ada's manage token": s.ada.Token, "Dan's manage token": s.dan.Token,
		"James's password": s.passwords["james@example.com"], "a mistyped password": "mistyped-password-9",
		"a forged sweepBearer token": "rst_api_forgedforgedforgedforgedforgedforged",
	}
	manage := "?t=" + url.QueryEscape(s.ada.Token)
	for _, path := range []string{"/bookings/" + s.ada.Ref + manage, "/bookings/" + s.ada.Ref + "/invite.ics" + manage,
		"/api/v1/bookings/" + s.ada.Ref + manage, "/bookings/" + s.ada.Ref + "?t=" + url.QueryEscape(s.dan.Token),
		"/coaches/feed.ics?token=" + url.QueryEscape(s.jamesFeed)} {
		s.request("GET", path, nil, "")
	}
	s.request("POST", "/api/v1/bookings/"+s.dan.Ref+"/move?t="+url.QueryEscape(s.dan.Token), http.Header{"Content-Type": {"application/json"}},
		fmt.Sprintf(`{"session_id": %d}`, s.dateA))
	s.request("GET", "/api/v1/admin/events", sweepBearer(s.jamesToken), "")
	s.request("GET", "/api/v1/admin/events", sweepBearer(secrets["a forged sweepBearer token"]), "")
	s.request("GET", "/api/v1/admin/outbox", sweepBearer(s.jamesToken), "")
	s.request("POST", "/dashboard/login", s.sweepDashHeader("", true), url.Values{"email": {"james@example.com"}, "password": {"mistyped-password-9"}}.Encode())
	cookie := s.signIn("james@example.com")
	secrets["James's dashboard session"] = cookie
	s.request("GET", "/dashboard", s.sweepDashHeader(cookie, false), "")
	s.request("GET", "/dashboard/bookings/"+s.ada.Ref, s.sweepDashHeader(cookie, false), "")
	// A server error is logged in full: make one with a secret in the URL.
	s.request("GET", "/bookings/"+strings.Repeat("Z", 5000)+manage, nil, "")

	logs := s.logs.String()
	if strings.Count(logs, "\n") < 20 {
		t.Fatalf("only %d log lines: the search would prove nothing", strings.Count(logs, "\n"))
	}
	for what, secret := range secrets {
		if i := strings.Index(logs, secret); i >= 0 {
			start := strings.LastIndex(logs[:i], "\n") + 1
			end := i + strings.Index(logs[i:]+"\n", "\n")
			t.Errorf("the log holds %s: %.400s", what, logs[start:end])
		}
	}
}
