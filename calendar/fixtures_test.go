package calendar

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// stamp is the injected clock reading used for DTSTAMP in the fixtures.
var stamp = time.Date(2027, time.September, 1, 9, 0, 0, 0, time.UTC)

func james() *Person { return &Person{Name: "James Downer", Email: "james@example.com"} }

var ada = Person{Name: "Ada Lovelace", Email: "ada@example.com"}

func mustAt(t testing.TB, zone string, year int, month time.Month, day, hour, minute int) time.Time {
	t.Helper()
	at, err := At(zone, year, month, day, hour, minute)
	if err != nil {
		t.Fatalf("At(%q, %d-%02d-%02d %02d:%02d): %v", zone, year, month, day, hour, minute, err)
	}
	return at
}

// sessionEntry is the Career Clarity Lab on 2027-09-22, 18:00-20:00 in
// London (17:00Z-19:00Z).
func sessionEntry(t testing.TB) Entry {
	return Entry{
		UID:         "session-12@roster.example",
		Summary:     "Career Clarity Lab",
		Description: "Two hours to map your next career move, with James Downer.\nBring a notebook; laptops optional.",
		Location:    "Online",
		URL:         "https://roster.example/events/career-clarity-lab",
		Start:       mustAt(t, "Europe/London", 2027, time.September, 22, 18, 0),
		End:         mustAt(t, "Europe/London", 2027, time.September, 22, 20, 0),
		Organizer:   james(),
		Stamp:       stamp,
	}
}

// bookingEntry is Ada's seat at that session.
func bookingEntry(t testing.TB) Entry {
	e := sessionEntry(t)
	e.UID = "booking-CCL-7KQ2M9@roster.example"
	e.Description = "Your seat at the Career Clarity Lab is booked (ref CCL-7KQ2M9).\n" +
		"Manage or cancel: https://roster.example/bookings/CCL-7KQ2M9"
	e.URL = "https://roster.example/bookings/CCL-7KQ2M9"
	e.Attendees = []Person{ada}
	return e
}

// cancelledBookingEntry is the same booking after a move and a cancellation.
func cancelledBookingEntry(t testing.TB) Entry {
	e := bookingEntry(t)
	e.Sequence = 2
	e.Cancelled = true
	e.Stamp = time.Date(2027, time.September, 10, 12, 30, 0, 0, time.UTC)
	return e
}

// feedEntries is a coach's feed: an ordinary session, a cancelled one, one
// whose text needs escaping and folding, and a call in New York on the day
// its clocks go back.
func feedEntries(t testing.TB) []Entry {
	cancelled := sessionEntry(t)
	cancelled.UID = "session-13@roster.example"
	cancelled.Sequence = 1
	cancelled.Cancelled = true
	cancelled.Start = mustAt(t, "Europe/London", 2027, time.September, 29, 18, 0)
	cancelled.End = mustAt(t, "Europe/London", 2027, time.September, 29, 20, 0)

	tricky := Entry{
		UID:         "session-14@roster.example",
		Sequence:    3,
		Summary:     `Q&A, ethics; C:\coaching <script>alert("x")</script> #1`,
		Description: "Café — Atelier 日本, a long evening.\nAgenda: intros; goals, values \\ plans.\n" + strings.Repeat("日本語のセッション、", 12),
		Location:    `Room 3; Floor 2, Building "A"`,
		URL:         "https://roster.example/events/q-and-a?date=2027-10-06&lang=ja",
		Start:       mustAt(t, "Asia/Kolkata", 2027, time.October, 6, 19, 30),
		End:         mustAt(t, "Asia/Kolkata", 2027, time.October, 6, 21, 0),
		Organizer:   &Person{Name: "Downer, James", Email: "james@example.com"},
		Attendees: []Person{
			{Name: "Lovelace, Ada", Email: "ada@example.com"},
			{Name: `Grace "Amazing" Hopper`, Email: "grace@example.com"},
			{Name: "Seán O'Brien: coach", Email: "sean@example.com"},
			{Email: "anon@example.com"},
		},
		Stamp: stamp,
	}

	call := Entry{
		UID:       "call-7@roster.example",
		Summary:   "1:1 coaching call",
		Start:     mustAt(t, "America/New_York", 2027, time.November, 7, 18, 0),
		End:       mustAt(t, "America/New_York", 2027, time.November, 7, 18, 45),
		Organizer: james(),
		Attendees: []Person{ada},
		Stamp:     stamp,
	}
	return []Entry{sessionEntry(t), cancelled, tricky, call}
}

// goldenCase is one golden file: how it is built and what it means to say.
type goldenCase struct {
	name    string // the behaviour, as a subtest name
	file    string // under testdata/golden
	method  string
	calname string
	entries []Entry
	build   func() ([]byte, error)
}

func goldenCases(t testing.TB) []goldenCase {
	session, booking, cancelled, feed := sessionEntry(t), bookingEntry(t), cancelledBookingEntry(t), feedEntries(t)
	return []goldenCase{
		{
			name: "a session download is published with the event's name", file: "publish.ics",
			method: "PUBLISH", calname: "Career Clarity Lab", entries: []Entry{session},
			build: func() ([]byte, error) { return Publish("Career Clarity Lab", session) },
		},
		{
			name: "an attendee's invite is a request from the organizer", file: "request.ics",
			method: "REQUEST", entries: []Entry{booking},
			build: func() ([]byte, error) { return Request(booking) },
		},
		{
			name: "a cancellation keeps the UID and carries the raised sequence", file: "cancel.ics",
			method: "CANCEL", entries: []Entry{cancelled},
			build: func() ([]byte, error) { return Cancel(cancelled) },
		},
		{
			name: "a coach's feed holds several entries", file: "feed.ics",
			method: "PUBLISH", calname: "James Downer — Roster", entries: feed,
			build: func() ([]byte, error) { return Publish("James Downer — Roster", feed...) },
		},
	}
}

// checkWellFormed reports every way body breaks RFC 5545's line rules or
// this package's promises (UTC only, a DTSTAMP per event).
func checkWellFormed(t *testing.T, body []byte) {
	t.Helper()
	text := string(body)
	if !strings.HasPrefix(text, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(text, "END:VCALENDAR\r\n") {
		t.Errorf("body does not start with BEGIN:VCALENDAR and end with END:VCALENDAR, each plus CRLF")
	}
	if got, want := strings.Count(text, "\n"), strings.Count(text, "\r\n"); got != want {
		t.Errorf("%d LFs but %d CRLFs: some line ends in a bare LF", got, want)
	}
	if got, want := strings.Count(text, "\r"), strings.Count(text, "\r\n"); got != want {
		t.Errorf("%d CRs but %d CRLFs: a bare CR is in the body", got, want)
	}
	for i, line := range strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets, over 75: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, line)
		}
	}
	lines := unfold(body)
	if got, want := countPrefix(lines, "DTSTAMP:"), countPrefix(lines, "BEGIN:VEVENT"); got != want {
		t.Errorf("%d DTSTAMPs for %d VEVENTs", got, want)
	}
	if strings.Contains(text, "TZID") {
		t.Errorf("body names a TZID; every time should be UTC")
	}
}

// unfold returns body's content lines with folding undone.
func unfold(body []byte) []string {
	text := strings.ReplaceAll(string(body), "\r\n ", "")
	return strings.Split(strings.TrimSuffix(text, "\r\n"), "\r\n")
}

func countPrefix(lines []string, prefix string) int {
	n := 0
	for _, line := range lines {
		if strings.HasPrefix(line, prefix) {
			n++
		}
	}
	return n
}

// property returns the first unfolded line of body for the property name
// (with its parameters), or "" if there is none.
func property(body []byte, name string) string {
	for _, line := range unfold(body) {
		if strings.HasPrefix(line, name+":") || strings.HasPrefix(line, name+";") {
			return line
		}
	}
	return ""
}
