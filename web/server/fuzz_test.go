package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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
}

func newFuzzSite(tb testing.TB) *fuzzSite {
	tb.Helper()
	const base = "http://roster.test"
	db := sqldbtest.MustOpenDB(tb)
	clock := func() time.Time { return now }
	log := slog.New(slog.DiscardHandler)
	svc := events.NewService(db, clock)
	people := coaches.NewService(db, clock)
	notifier, err := notify.NewBookingNotifier(notify.Config{BaseURL: base, From: "Roster <no-reply@roster.test>"}, clock, log)
	if err != nil {
		tb.Fatal(err)
	}
	offline := payments.NewOfflineWithClock(base, clock)
	bookings := booking.NewService(db, notifier, booking.Config{BaseURL: base, Payments: offline}, clock)
	handler, err := server.New(server.Config{BaseURL: base}, server.Deps{
		DB: db, Coaches: people, Events: svc, Booking: bookings, Outbox: notify.NewOutbox(db, clock), Notifier: notifier, Offline: offline, Log: log, Now: clock,
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
	s := &fuzzSite{handler: handler, db: db, bookings: bookings, token: token, freeSlug: "fuzz-free", paidSlug: "fuzz-paid"}
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
			if _, hasSrc := attrs["src"]; !hasSrc || strings.TrimSpace(page[end:end+closing]) != "" {
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

// FuzzBookingAPI posts anything as a booking through the JSON API, with
// any Idempotency-Key.
func FuzzBookingAPI(f *testing.F) {
	for i, seed := range bookingSeeds {
		f.Add(seed, "")
		if i < 3 {
			f.Add(seed, fmt.Sprintf("key-%d", i))
		}
	}
	f.Add(bookingSeeds[0], strings.Repeat("k", 300))
	f.Add(bookingSeeds[0], "key\r\nX-Injected: 1")
	s := newFuzzSite(f)
	f.Fuzz(func(t *testing.T, body, key string) {
		h := s.jsonHeader("")
		if key != "" {
			h.Set("Idempotency-Key", key)
		}
		rec := s.serve("POST", "/api/v1/bookings", h, body)
		judge(t, "POST /api/v1/bookings", rec)
		if rec.Code == 200 || rec.Code == 201 {
			var b struct {
				Ref       string `json:"ref"`
				Status    string `json:"status"`
				ManageURL string `json:"manage_url"`
			}
			json.Unmarshal(rec.Body.Bytes(), &b)
			if b.Ref == "" || (b.Status != "confirmed" && b.Status != "pending_payment") || !strings.HasPrefix(b.ManageURL, "http://roster.test/bookings/"+b.Ref+"?t=") {
				t.Fatalf("a booking answer without ref, status or manage_url: %s", rec.Body)
			}
		}
		s.holds(t)
	})
}

// FuzzBookingForm posts anything as the public booking form.
func FuzzBookingForm(f *testing.F) {
	for _, seed := range []string{
		"session_id=1&name=Ada&email=ada%40example.com&seats=1&form_token=n1",
		"session_id=2&name=Paid&email=paid%40example.com&seats=1",
		"session_id=1&name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&email=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E&seats=1",
		"session_id=1&name=A%0D%0ABcc%3A+b%40example.com&email=a%40example.com%0D%0ABcc%3A+b%40example.com&seats=1",
		"session_id=1&name=A%00B&email=nul%40example.com&seats=1",
		"session_id=1&name=%FF%FE&email=utf%40example.com&seats=1",
		"session_id=x&seats=x&answers.1=%3Cb%3E&answers.3=poison&answers.999=x",
		"session_id=1&session_id=2&name=Dup&name=Dup2&email=dup%40example.com&seats=1&seats=2",
		"%%%&&&===", "name", "", strings.Repeat("a=b&", 1000),
		"session_id=1&name=Ada&email=ada%40example.com&seats=1&form_token=" + strings.Repeat("n", 200),
	} {
		f.Add(seed)
	}
	s := newFuzzSite(f)
	f.Fuzz(func(t *testing.T, form string) {
		rec := s.serve("POST", "/events/"+s.freeSlug+"/book", formHeader, form)
		judge(t, "POST /events/:slug/book", rec)
		if rec.Code == 303 && !strings.HasPrefix(rec.Header().Get("Location"), "/bookings/") && !strings.HasPrefix(rec.Header().Get("Location"), "http://roster.test/checkout/") {
			t.Fatalf("redirected to %q", rec.Header().Get("Location"))
		}
		s.holds(t)
	})
}

// FuzzAdminEvent posts anything as a new event with a coach's token; when
// an event is made, its public page and files must still be safe.
func FuzzAdminEvent(f *testing.F) {
	for _, seed := range []string{
		labJSON, freeJSON,
		`{"slug": "x-1", "title": "<script>alert(1)</script>", "summary": "<img src=x onerror=alert(1)>", "description": "[a](javascript:alert(1)) <iframe src=//evil></iframe> <a href=\"javascript:alert(1)\">x</a>",
		  "location": "\"><svg onload=alert(1)>", "timezone": "UTC", "currency": "GBP", "status": "published",
		  "sessions": [{"starts_at": "2027-01-01T09:00:00Z", "ends_at": "2027-01-01T10:00:00Z", "capacity": 3}]}`,
		`{"slug": "x-2", "title": "Line\r\nBcc: victim@example.com", "description": "a\r\nX-INJECTED:1\r\nBEGIN:VEVENT", "timezone": "UTC", "currency": "GBP", "status": "published",
		  "sessions": [{"starts_at": "2027-01-01T09:00:00Z", "ends_at": "2027-01-01T10:00:00Z", "capacity": 3}]}`,
		`{"slug": "../../etc/passwd", "title": "X", "timezone": "../../../etc/passwd", "currency": "GBP"}`,
		`{"slug": "x-3", "title": "X", "timezone": "UTC", "currency": "GBP", "price_cents": 9223372036854775807}`,
		`{"title": "X", "timezone": "UTC", "currency": "GBP", "sessions": [{"starts_at": "2027-01-01T09:00:00Z", "ends_at": "9999-12-31T23:59:59Z", "capacity": 2147483647}]}`,
		`{"title": "X", "timezone": "UTC", "currency": "GBP", "hosts": ["<script>@example.com", "a@example.com\r\nBcc: b@example.com"]}`,
		`{"title": "X", "timezone": "UTC", "currency": "GBP", "reminder_offsets_minutes": [-1, 0, 99999999999]}`,
		`{"title": "X", "timezone": "UTC", "currency": "GBP", "online_url": "javascript:alert(1)"}`,
		`{"title": "X", "timezone": "UTC", "currency": "GBP", "status": "<b>"}`,
		`{"title": ["X"], "sessions": {"0": {}}}`, `{"title": "X", "sessions": [null]}`, `null`, `[]`, ``,
	} {
		f.Add(seed)
	}
	s := newFuzzSite(f)
	f.Fuzz(func(t *testing.T, body string) {
		rec := s.serve("POST", "/api/v1/admin/events", s.jsonHeader(s.token), body)
		judge(t, "POST /api/v1/admin/events", rec)
		if rec.Code != 201 {
			return
		}
		var e struct {
			Slug     string
			Sessions []struct{ ID int64 }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Slug == "" {
			t.Fatalf("201 without the event: %v %s", err, rec.Body)
		}
		paths := []string{"/", "/events/" + e.Slug, "/api/v1/events/" + e.Slug, "/events/" + e.Slug + "/calendar.ics"}
		for _, sess := range e.Sessions {
			paths = append(paths, fmt.Sprintf("/events/%s/sessions/%d/calendar.ics", e.Slug, sess.ID))
		}
		for _, p := range paths {
			page := s.serve("GET", p, nil, "")
			judge(t, "GET "+p, page)
			if strings.HasSuffix(p, ".ics") {
				checkICS(t, p, page.Body.String())
			}
		}
	})
}

// checkICS fails t if a calendar file has a line that no property of ours
// would start, which is what text breaking out of its value looks like.
func checkICS(t *testing.T, what, ics string) {
	t.Helper()
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	for _, line := range strings.Split(strings.TrimSuffix(unfolded, "\r\n"), "\r\n") {
		name := line
		if i := strings.IndexAny(line, ":;"); i >= 0 {
			name = line[:i]
		}
		if name == "" || strings.Trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789") != "" || strings.HasPrefix(name, "X-INJECTED") {
			t.Fatalf("%s: a line that is no property: %q", what, line)
		}
	}
	if strings.Count(unfolded, "BEGIN:VEVENT") != strings.Count(unfolded, "END:VEVENT") {
		t.Fatalf("%s: unbalanced VEVENTs", what)
	}
}

// FuzzPublicPaths requests pages, files and API resources under any slug,
// ref, id and token.
func FuzzPublicPaths(f *testing.F) {
	for _, seed := range []string{"fuzz-free", "..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "%00", "\x00", "%2e%2e",
		"%252F", "ÿ", "\xff\xfe", strings.Repeat("a", 10000), "FF-ABCDEF", "1", "-1", "99999999999999999999", "a b", "?t=x", "#x", "%", "/"} {
		f.Add(seed)
	}
	s := newFuzzSite(f)
	f.Fuzz(func(t *testing.T, part string) {
		escaped := url.PathEscape(part)
		token := url.QueryEscape(part)
		for _, target := range []string{
			"/events/" + escaped, "/api/v1/events/" + escaped,
			"/bookings/" + escaped + "?t=" + token, "/api/v1/bookings/" + escaped + "?t=" + token,
			"/bookings/" + escaped + "/invite.ics?t=" + token,
			"/events/" + s.freeSlug + "/sessions/" + escaped + "/calendar.ics", "/events/" + escaped + "/calendar.ics",
			"/waitlist/" + escaped + "/claim?t=" + token, "/coaches/feed.ics?token=" + token,
			"/static/" + escaped + "/" + escaped, "/" + escaped,
			"/events/" + part, "/bookings/" + part,
		} {
			rec := s.serve("GET", target, nil, "")
			judge(t, "GET "+target, rec)
			if strings.Contains(rec.Body.String(), "module github.com/roster-app/roster") || strings.Contains(rec.Body.String(), "root:x:0:0") {
				t.Fatalf("GET %s served a file from disk", target)
			}
		}
		for _, target := range []string{"/api/v1/bookings/" + escaped + "/cancel?t=" + token, "/bookings/" + escaped + "/cancel"} {
			rec := s.serve("POST", target, formHeader, "t="+token)
			judge(t, "POST "+target, rec)
		}
	})
}

// FuzzAttendeesCSV writes an attendee list with any name, email, answer
// and question label: it must read back cell for cell, and no cell may
// start as a spreadsheet formula.
func FuzzAttendeesCSV(f *testing.F) {
	for _, seed := range [][4]string{
		{"Ada Lovelace", "ada@example.com", "coach", "Your role?"},
		{"=HYPERLINK(\"http://evil\",\"x\")", "+1@example.com", "-2+3", "@SUM(A1)"},
		{"\t=1", "\r=1", "a,b;\"c\"\r\nd", "line1\nline2"},
		{"Zoë", "zoë@example.com", "日本語", "\xff\xfe"},
		{"", "", "", ""},
		{"'=already", " =spaced", "\"quoted\"", "\r\n"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	e := events.Event{Title: "CSV", Timezone: "Europe/London"}
	f.Fuzz(func(t *testing.T, name, email, answer, label string) {
		q := booking.Question{ID: 7, Kind: booking.ShortText, Label: label}
		a := booking.Attendee{Booking: booking.Booking{
			Ref: "CSV-234567", Name: name, Email: email, Seats: 1, Status: booking.Confirmed,
			AmountCents: 4900, Currency: "GBP", CreatedAt: now, Answers: booking.Answers{"7": answer},
		}}
		var out bytes.Buffer
		if err := booking.WriteAttendeesCSV(&out, e, []booking.Question{q}, []booking.Attendee{a}); err != nil {
			t.Fatal(err)
		}
		data, ok := strings.CutPrefix(out.String(), "\ufeff")
		if !ok {
			t.Fatalf("no byte order mark: %q", out.String())
		}
		records, err := csv.NewReader(strings.NewReader(data)).ReadAll()
		if err != nil || len(records) != 2 {
			t.Fatalf("the CSV does not read back as a header and one row: %v %q", err, data)
		}
		header, row := records[0], records[1]
		if len(header) != len(row) {
			t.Fatalf("header has %d cells, the row %d", len(header), len(row))
		}
		// encoding/csv writes a lone CR in a cell as nothing, and reads a
		// CRLF inside one as LF.
		want := func(cell string) string { return strings.ReplaceAll(booking.SpreadsheetSafe(cell), "\r", "") }
		for _, c := range []struct{ got, typed string }{{header[len(header)-1], label}, {row[1], name}, {row[2], email}, {row[len(row)-1], answer}} {
			if utf8.ValidString(c.typed) && c.got != want(c.typed) {
				t.Errorf("cell %q reads back as %q, want %q", c.typed, c.got, want(c.typed))
			}
		}
		for _, record := range records {
			for _, cell := range record {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("cell %q would run as a formula", cell)
				}
			}
		}
	})
}

// bigBody is a JSON object just over the 1 MiB cap.
func bigBody(field string) string {
	return `{"` + field + `": "` + strings.Repeat("x", 1<<20) + `"}`
}

// TestHostileInputEveryEndpoint sends each kind of hostile body to every
// public endpoint and form, and to the coach API's writes.
func TestHostileInputEveryEndpoint(t *testing.T) {
	s := newFuzzSite(t)
	rec := s.serve("POST", "/api/v1/bookings", s.jsonHeader(""), fmt.Sprintf(`{"session_id": %d, "name": "Ada", "email": "ada@example.com"}`, s.freeDate))
	var ada struct {
		Ref       string `json:"ref"`
		ManageURL string `json:"manage_url"`
	}
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &ada) != nil {
		t.Fatalf("book: %d %s", rec.Code, rec.Body)
	}
	manage, _ := url.Parse(ada.ManageURL)
	tok := url.QueryEscape(manage.Query().Get("t"))
	free := strconv.FormatInt(s.freeDate, 10)
	type endpoint struct {
		method, path string
		token        string // a coach API token
		form         bool
	}
	// name is the endpoint without the booking's ref and token.
	name := func(ep endpoint) string {
		path := strings.ReplaceAll(strings.SplitN(ep.path, "?", 2)[0], ada.Ref, ":ref")
		return ep.method + " " + path
	}
	endpoints := []endpoint{
		{"POST", "/api/v1/bookings", "", false},
		{"POST", "/api/v1/bookings/" + ada.Ref + "/move?t=" + tok, "", false},
		{"POST", "/api/v1/bookings/" + ada.Ref + "/cancel?t=" + tok + "x", "", false},
		{"POST", "/api/v1/sessions/" + free + "/waitlist", "", false},
		{"POST", "/api/v1/admin/events", s.token, false},
		{"PATCH", "/api/v1/admin/events/" + s.freeSlug, s.token, false},
		{"POST", "/api/v1/admin/events/" + s.freeSlug + "/sessions", s.token, false},
		{"PATCH", "/api/v1/admin/sessions/" + free, s.token, false},
		{"PUT", "/api/v1/admin/events/" + s.freeSlug + "/questions", s.token, false},
		{"POST", "/api/v1/admin/bookings/" + ada.Ref + "/move", s.token, false},
		{"POST", "/api/v1/admin/bookings/" + ada.Ref + "/refund", s.token, false},
		{"POST", "/webhooks/stripe", "", false},
		{"POST", "/events/" + s.freeSlug + "/book", "", true},
		{"POST", "/events/" + s.freeSlug + "/sessions/" + free + "/waitlist", "", true},
		{"POST", "/bookings/" + ada.Ref + "/move", "", true},
		{"POST", "/bookings/" + ada.Ref + "/cancel", "", true},
		{"POST", "/bookings/" + ada.Ref + "/pay", "", true},
		{"POST", "/waitlist/1/claim", "", true},
		{"POST", "/dashboard/login", "", true},
	}
	bodies := map[string]string{
		"malformed":          `{"name": "A", `,
		"wrong types":        `{"session_id": "one", "name": ["A"], "email": {"a": 1}, "seats": true, "title": 7, "capacity": "x", "answers": []}`,
		"null bytes":         "{\"name\": \"A\\u0000B\", \"title\": \"T\\u0000\", \"email\": \"a\\u0000@example.com\"}",
		"raw null bytes":     "\x00\x00\x00",
		"invalid UTF-8":      "{\"name\": \"\xff\xfe\xfd\", \"title\": \"\xc3\x28\"}",
		"CR/LF":              `{"name": "A\r\nBcc: victim@example.com", "email": "a@example.com\r\nBcc: victim@example.com", "title": "T\r\nBcc: victim@example.com"}`,
		"script":             `{"name": "<script>alert(1)</script>", "title": "<img src=x onerror=alert(1)>", "label": "\"><svg onload=alert(1)>"}`,
		"deeply nested":      strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		"huge number":        `{"session_id": 1e999, "seats": 123456789012345678901234567890, "price_cents": -1e308}`,
		"form instead":       "name=A&email=a%40example.com",
		"JSON list":          `[1, 2, 3]`,
		"empty":              ``,
		"two documents":      `{"name": "A"} {"name": "B"}`,
		"form with CR/LF":    "name=A%0D%0ABcc%3A+victim%40example.com&email=a%40example.com%0D%0ABcc%3A+victim%40example.com&seats=1&session_id=" + free,
		"form, invalid UTF8": "name=%FF%FE&email=%C3%28&seats=%00&session_id=%00",
		"form with script":   "name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&email=%22%3E%3Csvg+onload%3Dalert(1)%3E&seats=1&t=%3Cscript%3E",
	}
	for _, ep := range endpoints {
		for what, body := range bodies {
			h := s.jsonHeader(ep.token)
			if ep.form {
				h = formHeader
			}
			rec := s.serve(ep.method, ep.path, h, body)
			judge(t, name(ep)+" with "+what, rec)
		}
		t.Run("over 1 MiB "+name(ep), func(t *testing.T) {
			h, body := s.jsonHeader(ep.token), bigBody("name")
			if ep.form {
				h, body = formHeader, "name="+strings.Repeat("x", 1<<20)
			}
			rec := s.serve(ep.method, ep.path, h, body)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("%d %.200s, want 413", rec.Code, rec.Body)
			}
			judge(t, "over 1 MiB", rec)
		})
	}
	s.holds(t)

	t.Run("CR/LF in a name or email is refused, not sent on", func(t *testing.T) {
		for _, body := range []string{
			fmt.Sprintf(`{"session_id": %d, "name": "A\r\nBcc: victim@example.com", "email": "crlf1@example.com"}`, s.freeDate),
			fmt.Sprintf(`{"session_id": %d, "name": "A\nB", "email": "crlf2@example.com"}`, s.freeDate),
			fmt.Sprintf(`{"session_id": %d, "name": "A", "email": "crlf3@example.com\r\nBcc: victim@example.com"}`, s.freeDate),
			fmt.Sprintf(`{"session_id": %d, "name": "A", "email": "crlf4@example.com\nBcc:victim@example.com"}`, s.freeDate),
		} {
			if rec := s.serve("POST", "/api/v1/bookings", s.jsonHeader(""), body); rec.Code != 422 {
				t.Errorf("%s: %d %s, want 422", body, rec.Code, rec.Body)
			}
		}
		form := url.Values{"session_id": {free}, "name": {"A\r\nBcc: victim@example.com"}, "email": {"crlf5@example.com"}, "seats": {"1"}}
		if rec := s.serve("POST", "/events/"+s.freeSlug+"/book", formHeader, form.Encode()); rec.Code != 422 {
			t.Errorf("form: %d, want 422", rec.Code)
		}
		var n int
		if err := s.db.Get(&n, `SELECT COUNT(*) FROM bookings WHERE email LIKE 'crlf%' OR name LIKE '%Bcc%'`); err != nil || n != 0 {
			t.Errorf("%d bookings stored with CR/LF (%v)", n, err)
		}
	})
}

// TestScriptIsEscapedEverywhere puts HTML and script in every text a coach
// or an attendee can type, then reads every page, file and email that
// shows it.
func TestScriptIsEscapedEverywhere(t *testing.T) {
	s := newFuzzSite(t)
	const payload = `<script>alert("roster")</script><img src=x onerror=alert(1)>"'&`
	text := func(field string) string { return fmt.Sprintf("%s %s", field, payload) }
	event := map[string]any{
		"slug": "xss-lab", "title": text("title") + "\r\nBcc: victim@example.com", "summary": text("summary"),
		"description": text("description") + "\n\n[link](javascript:alert(1)) <a href=\"javascript:alert(1)\">a</a> <iframe src=\"https://evil.example\"></iframe>\nX-INJECTED:1",
		"location":    text("location") + "\r\nX-INJECTED:1", "timezone": "Europe/London", "currency": "GBP", "price_cents": 0, "status": "published",
		"sessions": []map[string]any{{"starts_at": "2027-09-22T18:00:00+01:00", "ends_at": "2027-09-22T20:00:00+01:00", "capacity": 1}},
	}
	body, _ := json.Marshal(event)
	rec := s.serve("POST", "/api/v1/admin/events", s.jsonHeader(s.token), string(body))
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var created struct{ Sessions []struct{ ID int64 } }
	json.Unmarshal(rec.Body.Bytes(), &created)
	date := created.Sessions[0].ID
	questions, _ := json.Marshal([]map[string]any{{"kind": "short_text", "label": text("label"), "required": false}})
	if rec := s.serve("PUT", "/api/v1/admin/events/xss-lab/questions", s.jsonHeader(s.token), string(questions)); rec.Code != 200 {
		t.Fatalf("questions: %d %s", rec.Code, rec.Body)
	}
	var qs []struct{ ID int64 }
	json.Unmarshal(s.serve("GET", "/api/v1/admin/events/xss-lab/questions", s.jsonHeader(s.token), "").Body.Bytes(), &qs)
	form := url.Values{"session_id": {strconv.FormatInt(date, 10)}, "name": {text("name")}, "email": {"xss@example.com"}, "seats": {"1"}}
	for _, q := range qs {
		form.Set(fmt.Sprintf("answers.%d", q.ID), text("answer"))
	}
	rec = s.serve("POST", "/events/xss-lab/book", formHeader, form.Encode())
	if rec.Code != 303 {
		t.Fatalf("book: %d %.500s", rec.Code, rec.Body)
	}
	bookingPage := rec.Header().Get("Location")
	u, _ := url.Parse(bookingPage)
	rec = s.serve("POST", fmt.Sprintf("/events/xss-lab/sessions/%d/waitlist", date), formHeader,
		url.Values{"name": {text("waitlist")}, "email": {"wait@example.com"}, "seats": {"1"}}.Encode())
	judge(t, "waitlist form", rec)
	waitlistPage := rec.Body.String()
	rec = s.serve("POST", "/events/xss-lab/book", formHeader, url.Values{"session_id": {strconv.FormatInt(date, 10)}, "name": {text("rerender")}, "email": {"\"><script>x</script>"}, "seats": {"x"}}.Encode())
	judge(t, "the form re-rendered with errors", rec)

	pages := map[string]string{"waitlist page": waitlistPage, "form with errors": rec.Body.String()}
	for _, p := range []string{"/", "/events/xss-lab", bookingPage, "/events/xss-lab/calendar.ics",
		fmt.Sprintf("/events/xss-lab/sessions/%d/calendar.ics", date), u.Path + "/invite.ics?" + u.RawQuery} {
		rec := s.serve("GET", p, nil, "")
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d", p, rec.Code)
		}
		judge(t, "GET "+p, rec)
		if strings.HasSuffix(strings.SplitN(p, "?", 2)[0], ".ics") {
			checkICS(t, p, rec.Body.String())
			continue
		}
		pages[p] = rec.Body.String()
	}
	var mails []struct {
		Subject string `db:"subject"`
		HTML    string `db:"html_body"`
	}
	if err := s.db.Select(&mails, `SELECT subject, html_body FROM outbox`); err != nil || len(mails) == 0 {
		t.Fatalf("no email written: %v", err)
	}
	for i, m := range mails {
		if strings.ContainsAny(m.Subject, "\r\n") {
			t.Errorf("email subject with a line break: %q", m.Subject)
		}
		pages[fmt.Sprintf("email %d (%s)", i, m.Subject)] = m.HTML
	}
	for where, page := range pages {
		if strings.Contains(page, `<script>alert("roster")`) || strings.Contains(page, "<img src=x onerror") {
			t.Errorf("%s shows the script unescaped", where)
		}
		if bad := activeContent(page); len(bad) > 0 {
			t.Errorf("%s runs script: %q", where, bad)
		}
	}
	if !strings.Contains(pages["/events/xss-lab"], "title &lt;script&gt;") {
		t.Errorf("the event page does not show the title, escaped: the check above proves nothing")
	}
}
