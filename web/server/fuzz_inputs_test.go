package server_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

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
	f.Add(bookingSeeds[0], "order-1") // issue #14: a key another client may share
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
		"session_id=1&name=Eve&email=eve%40example.com&seats=1&form_token=__ROSTER_FORM_NONCE__", // issue #14
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
		"%252F", "ÿ", "\xff\xfe", strings.Repeat("a", 10000), "FF-ABCDEF", "1", "-1", "99999999999999999999", "a b", "?t=x", "#x", "%", "/",
		// issue #14: the old page-cache placeholder, cursors and page sizes.
		"__ROSTER_FORM_NONCE__", "ZTEuMS4x", "e1.1.1", "101", "0", strings.Repeat("A", 5000)} {
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
			"/api/v1/events?limit=" + token + "&cursor=" + token, "/api/v1/events?cursor=" + token,
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
		// encoding/csv reads a CRLF inside a quoted cell as LF.
		want := func(cell string) string { return strings.ReplaceAll(booking.SpreadsheetSafe(cell), "\r\n", "\n") }
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
