package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
	"github.com/roster-app/roster/web/server"
)

// Hostile input: native fuzz targets (go test -fuzz=FuzzBookingAPI ./web/,
// and the others below; their seeds run in every go test) and table tests
// of every public endpoint and form. Whatever arrives, the answer is never
// a 5xx, errors have the shape of docs/design.md with a code, no page carries script
// the visitor typed, and roster's invariants still hold.

// fuzzSite is a server wired as roster serve wires it (notifier, outbox,
// offline test payments) on a real database, for fuzzing: it takes a
// testing.TB and is driven in-process through ServeHTTP. James hosts a
// free workshop with a question of each kind and a paid one.
type fuzzSite struct {
	handler            http.Handler
	db                 *sqldb.DB
	bookings           *booking.Service
	token              string
	freeSlug, paidSlug string
	freeDate, paidDate int64
	// registry holds the server's HTTP metrics; logged counts the bytes
	// the server has logged.
	registry *prometheus.Registry
	logged   *countingWriter
}

// countingWriter counts what is written to it and keeps nothing.
type countingWriter struct{ n atomic.Int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	return len(p), nil
}

func newFuzzSite(tb testing.TB) *fuzzSite {
	tb.Helper()
	const base = "http://roster.test"
	db := sqldbtest.MustOpenDB(tb)
	clock := func() time.Time { return now }
	logged := &countingWriter{}
	log := slog.New(slog.NewJSONHandler(logged, nil))
	registry := prometheus.NewRegistry()
	svc := events.NewService(db, clock)
	people := coaches.NewService(db, clock)
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: base, From: "Roster <no-reply@roster.test>"}, clock, log)
	if err != nil {
		tb.Fatal(err)
	}
	offline := payments.NewOfflineWithClock(base, clock)
	bookings := booking.NewService(db, notifier, booking.Config{BaseURL: base, Payments: offline}, clock)
	handler, err := server.New(server.Config{BaseURL: base}, server.Deps{
		DB: db, Coaches: people, Events: svc, Booking: bookings, Outbox: notify.NewOutbox(db, clock), Notifier: notifier, Offline: offline, Log: log, Now: clock, Registry: registry,
	})
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	james, err := people.Add(ctx, "james@example.com", "James Downer", "")
	if err != nil {
		tb.Fatal(err)
	}
	token, err := people.CreateToken(ctx, james.ID, coaches.APIToken, "fuzz")
	if err != nil {
		tb.Fatal(err)
	}
	s := &fuzzSite{handler: handler, db: db, bookings: bookings, token: token, freeSlug: "fuzz-free", paidSlug: "fuzz-paid",
		registry: registry, logged: logged}
	for _, e := range []struct {
		slug  string
		price int
		date  *int64
	}{{s.freeSlug, 0, &s.freeDate}, {s.paidSlug, 4900, &s.paidDate}} {
		rec := s.serve("POST", "/api/v1/admin/events", s.jsonHeader(token), fmt.Sprintf(`{"slug": %q, "title": "Fuzz %s",
			"timezone": "Europe/London", "currency": "GBP", "price_cents": %d, "status": "published",
			"sessions": [{"starts_at": "2027-09-22T18:00:00+01:00", "ends_at": "2027-09-22T20:00:00+01:00", "capacity": 100000}]}`, e.slug, e.slug, e.price))
		if rec.Code != 201 {
			tb.Fatalf("create %s: %d %s", e.slug, rec.Code, rec.Body)
		}
		var created struct{ Sessions []struct{ ID int64 } }
		if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || len(created.Sessions) != 1 {
			tb.Fatalf("create %s: %v %s", e.slug, err, rec.Body)
		}
		*e.date = created.Sessions[0].ID
	}
	rec := s.serve("PUT", "/api/v1/admin/events/"+s.freeSlug+"/questions", s.jsonHeader(token), `[
		{"kind": "short_text", "label": "Your role?", "required": false},
		{"kind": "long_text", "label": "What do you want from it?", "required": false},
		{"kind": "single_choice", "label": "Diet", "required": false, "options": ["none", "vegan"]},
		{"kind": "checkbox", "label": "Photos OK?", "required": false}]`)
	if rec.Code != 200 {
		tb.Fatalf("questions: %d %s", rec.Code, rec.Body)
	}
	return s
}

func (s *fuzzSite) jsonHeader(token string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return h
}

var formHeader = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}

// serve sends a request straight to the handler. target is a path with
// an optional query, as a client would send it on the wire.
func (s *fuzzSite) serve(method, target string, header http.Header, body string) *httptest.ResponseRecorder {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		u = &url.URL{Path: target} // what a raw client could still send
	}
	req := &http.Request{
		Method: method, URL: u, RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Host: "roster.test", RemoteAddr: "192.0.2.1:1234",
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)),
	}
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

// judge fails t unless the answer is one a hostile request may get: no
// 5xx; under /api/ an error has the JSON shape with a code; an HTML page
// carries no script the request could have planted.
func judge(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	body := rec.Body.String()
	if rec.Code >= 500 {
		t.Fatalf("%s: %d, want no 5xx for any input: %.500s", what, rec.Code, body)
	}
	ctype := rec.Header().Get("Content-Type")
	if rec.Code >= 400 && strings.HasPrefix(ctype, "application/json") {
		var shape struct {
			Error *struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &shape); err != nil || shape.Error == nil || shape.Error.Code == "" || shape.Error.Message == "" {
			t.Fatalf("%s: %d %.300s, want the error shape {\"error\": {\"code\", \"message\"}}", what, rec.Code, body)
		}
	}
	if strings.HasPrefix(ctype, "text/html") {
		if bad := activeContent(body); len(bad) > 0 {
			t.Fatalf("%s: the page runs script: %q", what, bad)
		}
	}
}

// holds fails t if roster's invariants are broken.
func (s *fuzzSite) holds(t *testing.T) {
	t.Helper()
	violations, err := s.bookings.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(violations) > 0 {
		t.Fatalf("invariants broken: %v", violations)
	}
}

// activeContent returns what in an HTML page would run script: a script
// element with inline code or without src, an on* event handler attribute,
// a javascript: URL. It reads tags and quoted attribute values the way a
// browser does, so text that merely looks like a tag inside an attribute
// value (where html/template escaped it) does not count.
func activeContent(page string) []string {
	var found []string
	lower := strings.ToLower(page)
	for i := 0; i < len(page); {
		lt := strings.IndexByte(page[i:], '<')
		if lt < 0 {
			break
		}
		i += lt + 1
		if strings.HasPrefix(page[i:], "!--") {
			end := strings.Index(page[i:], "-->")
			if end < 0 {
				break
			}
			i += end + 3
			continue
		}
		j := i
		for j < len(page) && (page[j] >= 'a' && page[j] <= 'z' || page[j] >= 'A' && page[j] <= 'Z' || page[j] >= '0' && page[j] <= '9') {
			j++
		}
		name := strings.ToLower(page[i:j])
		if name == "" {
			continue
		}
		attrs, end := tagAttributes(page, j)
		for attr, value := range attrs {
			v := strings.ToLower(strings.TrimSpace(value))
			switch {
			case strings.HasPrefix(attr, "on"):
				found = append(found, "<"+name+" "+attr+"=…>")
			case (attr == "href" || attr == "src" || attr == "action" || attr == "formaction") && strings.HasPrefix(v, "javascript:"):
				found = append(found, "<"+name+" "+attr+"="+value+">")
			}
		}
		if name == "script" {
			closing := strings.Index(lower[end:], "</script")
			if closing < 0 {
				closing = len(page) - end
			}
			body := page[end : end+closing]
			// A JSON-LD data block is never run; it must still be JSON
			// throughout, or text planted in it could have ended it early.
			if strings.EqualFold(strings.TrimSpace(attrs["type"]), "application/ld+json") && json.Valid([]byte(body)) {
				i = end
				continue
			}
			if _, hasSrc := attrs["src"]; !hasSrc || strings.TrimSpace(body) != "" {
				found = append(found, fmt.Sprintf("%.120s", page[i-1:end+closing]))
			}
		}
		i = end
	}
	return found
}

// tagAttributes reads a tag's attributes from page[i:], returning them by
// lower-case name and the index after the tag's '>'.
func tagAttributes(page string, i int) (map[string]string, int) {
	attrs := map[string]string{}
	space := func() {
		for i < len(page) && strings.ContainsRune(" \t\n\r\f/", rune(page[i])) {
			i++
		}
	}
	for {
		space()
		if i >= len(page) {
			return attrs, i
		}
		if page[i] == '>' {
			return attrs, i + 1
		}
		start := i
		for i < len(page) && !strings.ContainsRune(" \t\n\r\f/>=", rune(page[i])) {
			i++
		}
		name := strings.ToLower(page[start:i])
		for i < len(page) && strings.ContainsRune(" \t\n\r\f", rune(page[i])) {
			i++
		}
		value := ""
		if i < len(page) && page[i] == '=' {
			i++
			for i < len(page) && strings.ContainsRune(" \t\n\r\f", rune(page[i])) {
				i++
			}
			if i < len(page) && (page[i] == '"' || page[i] == '\'') {
				quote := page[i]
				end := strings.IndexByte(page[i+1:], quote)
				if end < 0 {
					return attrs, len(page)
				}
				value, i = page[i+1:i+1+end], i+2+end
			} else {
				start := i
				for i < len(page) && !strings.ContainsRune(" \t\n\r\f>", rune(page[i])) {
					i++
				}
				value = page[start:i]
			}
		}
		if name != "" {
			attrs[name] = value
		}
	}
}

// The seeds every fuzz target of the booking API starts from: well-formed
// requests and each kind of hostile body.
var bookingSeeds = []string{
	`{"session_id": 1, "name": "Ada Lovelace", "email": "ada@example.com", "seats": 1}`,
	`{"session_id": 2, "name": "Paid Ada", "email": "paid@example.com", "seats": 2}`,
	`{"session_id": 1, "name": "Ada", "email": "ada2@example.com", "seats": 1, "answers": {"1": "coach", "2": "line one\nline two", "3": "vegan", "4": "yes"}}`,
	`{"session_id": 1, "name": "<script>alert(1)</script>", "email": "x@example.com"}`,
	`{"session_id": 1, "name": "A\r\nBcc: b@example.com", "email": "a@example.com\r\nBcc: b@example.com"}`,
	"{\"session_id\": 1, \"name\": \"A\u0000B\", \"email\": \"nul@example.com\"}",
	"{\"session_id\": 1, \"name\": \"\xff\xfe\", \"email\": \"utf@example.com\"}",
	`{"session_id": "1", "name": 7, "email": ["a@example.com"], "seats": "two"}`,
	`{"session_id": 1e400, "seats": 99999999999999999999}`,
	`{"session_id": -1, "seats": -1}`,
	`{"session_id": 1, "name": "A", "email": "a@example.com", "seats": 1.5}`,
	`{"session_id": 1, "answers": {"1": {"nested": true}}}`,
	`{"session_id": 1, "answers": {"../../etc": "x", "": "y"}}`,
	`{"session_id": null, "name": null, "email": null, "seats": null}`,
	`[{"session_id": 1}]`, `"just a string"`, `null`, `{}`, ``, `{`, `{"a":1}{"b":2}`,
	`{"session_id": 1, "session_id": 2, "name": "Dup", "email": "dup@example.com"}`,
	`{"session_id": 1, "name": "` + strings.Repeat("é", 300) + `", "email": "long@example.com"}`,
}
