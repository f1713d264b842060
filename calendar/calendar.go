// Package calendar turns Roster's sessions and bookings into iCalendar
// (RFC 5545) files and "add to calendar" links for Google Calendar and
// Outlook.
//
// It holds no state and, but for FeedFetcher, does no I/O: callers pass plain Entry values,
// including the DTSTAMP clock reading, and get bytes or URLs back. Every time
// is written in UTC, so no file needs a VTIMEZONE; At turns an event's wall
// clock and time zone into the instant to pass.
//
// Files are modelled with github.com/arran4/golang-ical and written by this
// package's own content-line writer (see contentline.go for why): CRLF line
// endings, lines folded at 75 octets without splitting a UTF-8 sequence, TEXT
// values escaped, and parameter values quoted as RFC 5545 requires.
package calendar

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"
)

// ContentType is the media type of the files Publish, Request and Cancel
// return. An email part carrying an invite or a cancellation should name the
// method too: ContentType + "; method=REQUEST" (or CANCEL).
const ContentType = "text/calendar; charset=utf-8"

// ProductID is the PRODID of every file this package writes.
const ProductID = "-//Roster//Roster//EN"

// ErrInvalid is wrapped by every error that reports an Entry (or a set of
// them) that cannot be written, and by At for a wall time that is out of
// range.
var ErrInvalid = errors.New("calendar: invalid input")

// Person is an organizer or attendee.
type Person struct {
	Name  string // display name, sent as CN; may be empty
	Email string // bare address such as "ada@example.com", sent as a mailto: URI
}

// Entry is one dated occurrence: a VEVENT in a file, or the event behind a
// link.
type Entry struct {
	// UID identifies the event across files and changes, e.g.
	// "booking-CCL-7KQ2M9@roster.example" or "session-12@roster.example".
	UID string
	// Sequence is the revision number; raise it on every change that is sent
	// again (a new time, a cancellation).
	Sequence    int
	Summary     string
	Description string // plain text; may hold newlines, commas, semicolons, HTML-like text
	Location    string
	URL         string // e.g. the booking's manage link or the event page
	// Start and End are instants in any location; they are written in UTC.
	Start, End time.Time
	Organizer  *Person  // optional for Publish; required by Request and Cancel
	Attendees  []Person // optional for Publish; Request and Cancel need one
	Cancelled  bool     // written as STATUS:CANCELLED (otherwise CONFIRMED)
	// Stamp is the DTSTAMP: when this version of the file was made. Pass the
	// injected clock's reading for invites; for a feed, pass the entry's last
	// change so that an unchanged feed keeps its bytes and its ETag.
	Stamp time.Time
}

// Validate returns an error wrapping ErrInvalid if e cannot be written: an
// empty UID or one holding a control character, a negative Sequence, a zero
// Start or Stamp, an End that is not after Start, a URL holding a control
// character, or an organizer or attendee whose Email is not a bare address.
func (e Entry) Validate() error {
	if problem := e.problem(); problem != "" {
		return fmt.Errorf("%w: entry %q: %s", ErrInvalid, e.UID, problem)
	}
	return nil
}

func (e Entry) problem() string {
	switch {
	case e.UID == "":
		return "UID is empty"
	case hasControl(e.UID):
		return "UID holds a control character"
	case e.Sequence < 0:
		return fmt.Sprintf("sequence %d is negative", e.Sequence)
	case e.Start.IsZero():
		return "start is not set"
	case !e.End.After(e.Start):
		return fmt.Sprintf("end %s is not after start %s", e.End.UTC().Format(time.RFC3339), e.Start.UTC().Format(time.RFC3339))
	case e.Stamp.IsZero():
		return "stamp (DTSTAMP) is not set"
	case hasControl(e.URL):
		return "URL holds a control character"
	}
	if e.Organizer != nil {
		if problem := emailProblem(e.Organizer.Email); problem != "" {
			return "organizer " + problem
		}
	}
	for i, attendee := range e.Attendees {
		if problem := emailProblem(attendee.Email); problem != "" {
			return fmt.Sprintf("attendee %d %s", i, problem)
		}
	}
	return ""
}

// emailProblem rejects anything but a bare addr-spec, and the characters that
// would need escaping inside a mailto: URI or a content line.
func emailProblem(email string) string {
	parsed, err := mail.ParseAddress(email)
	if err != nil || parsed.Name != "" || parsed.Address != email ||
		strings.ContainsAny(email, "\"\\ ,;:<>()[]?#%") {
		return fmt.Sprintf("email %q is not a bare address", email)
	}
	return ""
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}
