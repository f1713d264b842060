package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb/sqldbtest"
	"github.com/roster-app/roster/web/server"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// env is a running server on a real database with two coaches.
type env struct {
	t            *testing.T
	srv          *httptest.Server
	coaches      *coaches.Service
	events       *events.Service
	james, other coaches.Coach
	jamesToken   string
	otherToken   string
	logs         *syncBuilder
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvConfig(t, server.Config{BaseURL: "http://roster.test"})
}

func newEnvConfig(t *testing.T, cfg server.Config) *env {
	t.Helper()
	return newEnvWith(t, cfg, nil)
}

// newEnvWith builds the server with Stripe as the payment provider when
// stripe is set, else with offline test payments.
func newEnvWith(t *testing.T, cfg server.Config, stripe *payments.Stripe) *env {
	t.Helper()
	db := sqldbtest.MustOpenDB(t)
	clock := func() time.Time { return now }
	svc := events.NewService(db, clock)
	people := coaches.NewService(db, clock)
	logs := &syncBuilder{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: cfg.BaseURL, From: "Roster <no-reply@roster.test>"}, clock, logger)
	if err != nil {
		t.Fatal(err)
	}
	deps := server.Deps{DB: db, Coaches: people, Events: svc, Outbox: notify.NewOutbox(db, clock), Notifier: notifier, Log: logger, Now: clock}
	var provider payments.Provider
	if stripe != nil {
		deps.Stripe, provider = stripe, stripe
	} else {
		deps.Offline = payments.NewOfflineWithClock(cfg.BaseURL, clock)
		provider = deps.Offline
	}
	deps.Booking = booking.NewService(db, notifier, booking.Config{BaseURL: cfg.BaseURL, Payments: provider}, clock)
	handler, err := server.New(cfg, deps)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, coaches: people, events: svc, logs: logs}
	ctx := context.Background()
	e.james = mustCoach(t, people, "james@example.com", "James Downer")
	mustCoach(t, people, "parveen@example.com", "Parveen Downer")
	e.other = mustCoach(t, people, "mallory@example.com", "Mallory")
	if e.jamesToken, err = people.CreateToken(ctx, e.james.ID, coaches.APIToken, "test"); err != nil {
		t.Fatal(err)
	}
	if e.otherToken, err = people.CreateToken(ctx, e.other.ID, coaches.APIToken, "test"); err != nil {
		t.Fatal(err)
	}
	return e
}

// syncBuilder is a strings.Builder safe for the server's goroutines.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func mustCoach(t *testing.T, svc *coaches.Service, email, name string) coaches.Coach {
	t.Helper()
	c, err := svc.Add(context.Background(), email, name, "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const labJSON = `{"slug": "career-clarity-lab", "title": "Career Clarity Lab", "summary": "Find your next step.",
  "description": "**Bring** a notebook.<script>alert(1)</script>", "timezone": "Europe/London", "location": "Online",
  "online_url": "https://meet.example.com/ccl", "price_cents": 4900, "currency": "GBP",
  "hosts": ["james@example.com", "parveen@example.com"], "status": "published",
  "reminder_offsets_minutes": [1440, 60],
  "sessions": [{"starts_at": "2027-09-22T18:00:00+01:00", "ends_at": "2027-09-22T20:00:00+01:00", "capacity": 12},
               {"starts_at": "2027-09-29T18:00:00+01:00", "ends_at": "2027-09-29T20:00:00+01:00", "capacity": 12}]}`

// do sends a request and returns the status and body.
func (e *env) do(method, path, token, body string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	checkSnakeCase(e.t, method+" "+path, path, resp.Header.Get("Content-Type"), string(b))
	checkAgainstSpec(e.t, method, path, resp.StatusCode, resp.Header.Get("Content-Type"), string(b))
	return resp.StatusCode, string(b)
}

func (e *env) createLab() {
	e.t.Helper()
	if status, body := e.do("POST", "/api/v1/admin/events", e.jamesToken, labJSON); status != 201 {
		e.t.Fatalf("create lab: %d %s", status, body)
	}
}

func TestPublicPages(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	tests := []struct {
		name, path string
		status     int
		contains   []string
		absent     []string
	}{
		{"home lists the lab", "/", 200, []string{"Career Clarity Lab", "James Downer and Parveen Downer", "£49.00"}, nil},
		{"event page shows dates in London time", "/events/career-clarity-lab", 200,
			[]string{"Wednesday 22 September 2027, 18:00–20:00 BST", "Wednesday 29 September 2027", "12 of 12 seats left", "<strong>Bring</strong>", `datetime="2027-09-22T17:00:00Z"`},
			[]string{"<script>alert(1)</script>"}},
		{"unknown slug is 404", "/events/nope", 404, []string{"Not found"}, nil},
		{"path tricks are 404", "/events/..%2F..%2Fetc%2Fpasswd", 404, nil, nil},
		{"healthz", "/healthz", 200, []string{"ok"}, nil},
		{"readyz", "/readyz", 200, []string{"ready"}, nil},
		{"metrics", "/metrics", 200, []string{"roster_http_requests_total", "go_sql_max_open_connections"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("GET", tt.path, "", "")
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			for _, want := range tt.contains {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %q", want)
				}
			}
			for _, bad := range tt.absent {
				if strings.Contains(body, bad) {
					t.Errorf("body holds %q", bad)
				}
			}
		})
	}
}

func TestPublicAPI(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	status, body := e.do("GET", "/api/v1/events/career-clarity-lab", "", "")
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var got struct {
		Slug, Title, Timezone, Currency string
		PriceCents                      int64 `json:"price_cents"`
		Hosts                           []string
		OnlineURL                       string `json:"online_url"`
		Sessions                        []struct {
			ID        int64
			StartsAt  string `json:"starts_at"`
			Capacity  int
			SeatsLeft int `json:"seats_left"`
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Slug != "career-clarity-lab" || got.PriceCents != 4900 || got.Currency != "GBP" || len(got.Hosts) != 2 {
		t.Errorf("event %+v", got)
	}
	if got.OnlineURL != "" {
		t.Errorf("public API leaks the join link %q", got.OnlineURL)
	}
	if len(got.Sessions) != 2 || got.Sessions[0].StartsAt != "2027-09-22T18:00:00+01:00" || got.Sessions[0].SeatsLeft != 12 {
		t.Errorf("sessions %+v", got.Sessions)
	}
	status, body = e.do("GET", "/api/v1/events", "", "")
	if status != 200 || !strings.Contains(body, "career-clarity-lab") {
		t.Errorf("list: %d %s", status, body)
	}
}

func TestAdminAPI(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	t.Run("publish, unpublish, cancel", func(t *testing.T) {
		for _, step := range []struct{ action, status string }{{"unpublish", "draft"}, {"publish", "published"}} {
			status, body := e.do("POST", "/api/v1/admin/events/career-clarity-lab/"+step.action, e.jamesToken, "")
			if status != 200 || !strings.Contains(body, `"status":"`+step.status+`"`) {
				t.Fatalf("%s: %d %s", step.action, status, body)
			}
		}
	})
	t.Run("edit title", func(t *testing.T) {
		status, body := e.do("PATCH", "/api/v1/admin/events/career-clarity-lab", e.jamesToken, `{"title": "Career Clarity Lab (Autumn)"}`)
		if status != 200 || !strings.Contains(body, "Career Clarity Lab (Autumn)") {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("add, move and cancel a date", func(t *testing.T) {
		status, body := e.do("POST", "/api/v1/admin/events/career-clarity-lab/sessions", e.jamesToken,
			`{"starts_at": "2027-10-06T18:00:00+01:00", "ends_at": "2027-10-06T20:00:00+01:00", "capacity": 6}`)
		if status != 201 || !strings.Contains(body, "2027-10-06T18:00:00+01:00") {
			t.Fatalf("add: %d %s", status, body)
		}
		status, body = e.do("PATCH", "/api/v1/admin/sessions/3", e.jamesToken, `{"starts_at": "2027-10-06T19:00:00+01:00", "ends_at": "2027-10-06T21:00:00+01:00"}`)
		if status != 200 || !strings.Contains(body, "2027-10-06T19:00:00+01:00") {
			t.Fatalf("move: %d %s", status, body)
		}
		status, body = e.do("POST", "/api/v1/admin/sessions/3/cancel", e.jamesToken, "")
		if status != 200 || !strings.Contains(body, `"status":"cancelled"`) {
			t.Fatalf("cancel: %d %s", status, body)
		}
	})
	t.Run("coach lists only their events", func(t *testing.T) {
		_, body := e.do("GET", "/api/v1/admin/events", e.otherToken, "")
		if strings.TrimSpace(body) != "[]" {
			t.Errorf("another coach sees %s", body)
		}
	})
}

func TestAdminAuthorisation(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	routes := []struct{ method, path, body string }{
		{"GET", "/api/v1/admin/events", ""},
		{"POST", "/api/v1/admin/events", labJSON},
		{"GET", "/api/v1/admin/events/career-clarity-lab", ""},
		{"PATCH", "/api/v1/admin/events/career-clarity-lab", `{"title": "Mine now"}`},
		{"POST", "/api/v1/admin/events/career-clarity-lab/cancel", ""},
		{"POST", "/api/v1/admin/events/career-clarity-lab/sessions", `{"starts_at": "2027-10-06T18:00:00+01:00", "ends_at": "2027-10-06T20:00:00+01:00", "capacity": 6}`},
		{"PATCH", "/api/v1/admin/sessions/1", `{"capacity": 1}`},
		{"POST", "/api/v1/admin/sessions/1/cancel", ""},
	}
	for _, r := range routes {
		t.Run("no token "+r.method+" "+r.path, func(t *testing.T) {
			status, body := e.do(r.method, r.path, "", r.body)
			if status != 401 || !strings.Contains(body, `"code":"unauthorized"`) {
				t.Errorf("%d %s, want 401 unauthorized", status, body)
			}
		})
		t.Run("bad token "+r.method+" "+r.path, func(t *testing.T) {
			if status, _ := e.do(r.method, r.path, "rst_api_forged", r.body); status != 401 {
				t.Errorf("status %d, want 401", status)
			}
		})
		if r.path == "/api/v1/admin/events" {
			continue
		}
		t.Run("another coach "+r.method+" "+r.path, func(t *testing.T) {
			if status, body := e.do(r.method, r.path, e.otherToken, r.body); status != 404 {
				t.Errorf("status %d %s, want 404", status, body)
			}
		})
	}
	t.Run("revoked token", func(t *testing.T) {
		if err := e.coaches.RevokeTokens(context.Background(), e.james.ID, coaches.APIToken); err != nil {
			t.Fatal(err)
		}
		if status, _ := e.do("GET", "/api/v1/admin/events", e.jamesToken, ""); status != 401 {
			t.Errorf("status %d, want 401", status)
		}
	})
	status, body := e.do("GET", "/api/v1/events/career-clarity-lab", "", "")
	if status != 200 || !strings.Contains(body, `"title":"Career Clarity Lab"`) {
		t.Errorf("the lab changed under unauthorised requests: %s", body)
	}
}

func TestAdminValidation(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, body string
		status     int
		field      string
	}{
		{"invalid JSON", `{"title": `, 400, "body"},
		{"empty body", ``, 400, "body"},
		{"price is a string", `{"title": "X", "price_cents": "free"}`, 422, "price_cents"},
		{"capacity is a string", `{"title": "X", "sessions": [{"capacity": "ten"}]}`, 422, "sessions[0].capacity"},
		{"a key named twice", `{"title": "X", "title": "Y"}`, 400, "title"},
		{"a key in the wrong case", `{"Title": "X"}`, 400, "Title"},
		{"empty title", `{"title": "", "timezone": "Europe/London", "currency": "GBP"}`, 422, "title"},
		{"unknown zone", `{"title": "X", "timezone": "Europe/Atlantis", "currency": "GBP"}`, 422, "timezone"},
		{"negative price", `{"title": "X", "timezone": "UTC", "currency": "GBP", "price_cents": -5}`, 422, "price_cents"},
		{"unknown currency", `{"title": "X", "timezone": "UTC", "currency": "ZZZ"}`, 422, "currency"},
		{"bad time", `{"title": "X", "timezone": "UTC", "currency": "GBP", "sessions": [{"starts_at": "next tuesday", "ends_at": "2027-01-01T10:00:00Z", "capacity": 3}]}`, 422, "sessions[0].starts_at"},
		{"capacity < 1", `{"title": "X", "timezone": "UTC", "currency": "GBP", "sessions": [{"starts_at": "2027-01-01T09:00:00Z", "ends_at": "2027-01-01T10:00:00Z", "capacity": 0}]}`, 422, "sessions[0].capacity"},
		{"end before start", `{"title": "X", "timezone": "UTC", "currency": "GBP", "sessions": [{"starts_at": "2027-01-01T09:00:00Z", "ends_at": "2027-01-01T08:00:00Z", "capacity": 3}]}`, 422, "sessions[0].ends_at"},
		{"date in the past", `{"title": "X", "timezone": "UTC", "currency": "GBP", "sessions": [{"starts_at": "2025-01-01T09:00:00Z", "ends_at": "2025-01-01T10:00:00Z", "capacity": 3}]}`, 422, "sessions[0].starts_at"},
		{"invalid UTF-8", "{\"title\": \"\xff\xfe\"}", 400, "body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("POST", "/api/v1/admin/events", e.jamesToken, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			var got struct {
				Error struct {
					Code   string
					Fields map[string]string
				}
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("not the error shape: %s", body)
			}
			if got.Error.Code != "validation_failed" {
				t.Errorf("code %q, want validation_failed", got.Error.Code)
			}
			if _, ok := got.Error.Fields[tt.field]; !ok {
				t.Errorf("fields %v, want %q named", got.Error.Fields, tt.field)
			}
		})
	}
	t.Run("a type error does not hide the other mistakes", func(t *testing.T) {
		status, body := e.do("POST", "/api/v1/admin/events", e.jamesToken, `{"title": 7, "timezone": "Mars/Base",
			"price_cents": "49", "currency": "XX", "sessions": [{"starts_at": "yesterday", "ends_at": "2027-01-01T10:00:00Z", "capacity": "3"}]}`)
		if status != 422 {
			t.Fatalf("status %d, want 422: %s", status, body)
		}
		var got struct {
			Error struct{ Fields map[string]string }
		}
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{"title", "timezone", "price_cents", "currency", "sessions[0].starts_at", "sessions[0].capacity"} {
			if got.Error.Fields[field] == "" {
				t.Errorf("%s not named: %v", field, got.Error.Fields)
			}
		}
	})
	t.Run("body over 1 MiB", func(t *testing.T) {
		big := `{"title": "` + strings.Repeat("x", 2<<20) + `"}`
		status, body := e.do("POST", "/api/v1/admin/events", e.jamesToken, big)
		if status != 413 {
			t.Errorf("status %d, want 413: %.200s", status, body)
		}
	})
	if n, _ := e.events.CountEvents(context.Background()); n != 0 {
		t.Errorf("%d events written by bad requests, want 0", n)
	}
}

func TestSecurityHeadersAndLogs(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.srv.URL + "/?t=secret-token-value")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
	e.do("GET", "/api/v1/admin/events", e.jamesToken, "")
	if strings.Contains(e.logs.String(), "secret-token-value") || strings.Contains(e.logs.String(), e.jamesToken) {
		t.Errorf("logs hold a secret: %s", e.logs.String())
	}
}

func TestCoachSettings(t *testing.T) {
	e := newEnv(t)
	status, body := e.do("GET", "/api/v1/admin/me", e.jamesToken, "")
	if status != 200 || !strings.Contains(body, `"notify_bookings":true`) {
		t.Fatalf("%d %s", status, body)
	}
	status, body = e.do("PATCH", "/api/v1/admin/me", e.jamesToken, `{"notify_bookings": false}`)
	if status != 200 || !strings.Contains(body, `"notify_bookings":false`) {
		t.Fatalf("%d %s", status, body)
	}
	if _, body := e.do("GET", "/api/v1/admin/me", e.jamesToken, ""); !strings.Contains(body, `"notify_bookings":false`) {
		t.Errorf("setting not kept: %s", body)
	}
}
