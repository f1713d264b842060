package calendar

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestInvalidEntriesAreRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(e *Entry)
	}{
		{"an empty UID", func(e *Entry) { e.UID = "" }},
		{"a UID holding a newline", func(e *Entry) { e.UID = "booking-1\r\nX-EVIL:1" }},
		{"a negative sequence", func(e *Entry) { e.Sequence = -1 }},
		{"no start", func(e *Entry) { e.Start = time.Time{} }},
		{"an end before the start", func(e *Entry) { e.End = e.Start.Add(-time.Hour) }},
		{"an end equal to the start", func(e *Entry) { e.End = e.Start }},
		{"no stamp", func(e *Entry) { e.Stamp = time.Time{} }},
		{"a URL holding a newline", func(e *Entry) { e.URL = "https://roster.example/\nX-EVIL:1" }},
		{"an organizer email with a display name", func(e *Entry) { e.Organizer.Email = "James <james@example.com>" }},
		{"an organizer email without @", func(e *Entry) { e.Organizer.Email = "james" }},
		{"an empty attendee email", func(e *Entry) { e.Attendees[0].Email = "" }},
		{"an attendee email with a comma", func(e *Entry) { e.Attendees[0].Email = "ada,grace@example.com" }},
		{"an attendee email with a query", func(e *Entry) { e.Attendees[0].Email = "ada@example.com?subject=hi" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			builders := map[string]func(Entry) ([]byte, error){
				"Publish": func(e Entry) ([]byte, error) { return Publish("", e) },
				"Request": Request,
				"Cancel":  Cancel,
			}
			for name, build := range builders {
				e := bookingEntry(t)
				tc.change(&e)
				if _, err := build(e); !errors.Is(err, ErrInvalid) {
					t.Errorf("%s: got %v, want an error wrapping ErrInvalid", name, err)
				}
			}
		})
	}
}

func TestSchedulingNeedsOrganizerAndAttendee(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(e *Entry)
	}{
		{"no organizer", func(e *Entry) { e.Organizer = nil }},
		{"no attendee", func(e *Entry) { e.Attendees = nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := bookingEntry(t)
			tc.change(&e)
			if _, err := Request(e); !errors.Is(err, ErrInvalid) {
				t.Errorf("Request: got %v, want an error wrapping ErrInvalid", err)
			}
			if _, err := Cancel(e); !errors.Is(err, ErrInvalid) {
				t.Errorf("Cancel: got %v, want an error wrapping ErrInvalid", err)
			}
			if _, err := Publish("", e); err != nil {
				t.Errorf("Publish: got %v, want no error", err)
			}
		})
	}
}

func TestRequestRefusesACancelledEntry(t *testing.T) {
	e := bookingEntry(t)
	e.Cancelled = true
	_, err := Request(e)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "use Cancel") {
		t.Errorf("got %v, want an error wrapping ErrInvalid that points to Cancel", err)
	}
}

func TestCancelIsCancelledWhateverTheEntrySays(t *testing.T) {
	e := cancelledBookingEntry(t)
	e.Cancelled = false
	body, err := Cancel(e)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"METHOD": "METHOD:CANCEL", "STATUS": "STATUS:CANCELLED", "SEQUENCE": "SEQUENCE:2",
		"UID": "UID:booking-CCL-7KQ2M9@roster.example",
	} {
		if got := property(body, name); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestPublish(t *testing.T) {
	t.Run("two entries with one UID are refused", func(t *testing.T) {
		e := sessionEntry(t)
		if _, err := Publish("feed", e, e); !errors.Is(err, ErrInvalid) {
			t.Errorf("got %v, want an error wrapping ErrInvalid", err)
		}
	})
	t.Run("no entries is an empty calendar", func(t *testing.T) {
		body, err := Publish("Nothing yet")
		if err != nil {
			t.Fatal(err)
		}
		checkWellFormed(t, body)
		if got := countPrefix(unfold(body), "BEGIN:VEVENT"); got != 0 {
			t.Errorf("got %d VEVENTs, want 0", got)
		}
	})
	t.Run("no name, no calendar name", func(t *testing.T) {
		body, err := Publish("", sessionEntry(t))
		if err != nil {
			t.Fatal(err)
		}
		if got := property(body, "X-WR-CALNAME") + property(body, "NAME"); got != "" {
			t.Errorf("got %q, want no NAME or X-WR-CALNAME", got)
		}
	})
	t.Run("the same entries give the same bytes", func(t *testing.T) {
		first, err := Publish("feed", feedEntries(t)...)
		if err != nil {
			t.Fatal(err)
		}
		second, err := Publish("feed", feedEntries(t)...)
		if err != nil {
			t.Fatal(err)
		}
		if string(first) != string(second) {
			t.Error("two runs over the same entries differ")
		}
	})
}

func TestETag(t *testing.T) {
	feed, err := Publish("feed", feedEntries(t)...)
	if err != nil {
		t.Fatal(err)
	}
	changed := feedEntries(t)
	changed[0].Sequence++
	changedFeed, err := Publish("feed", changed...)
	if err != nil {
		t.Fatal(err)
	}
	tag := ETag(feed)
	t.Run("is strong and quoted", func(t *testing.T) {
		if len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' || strings.Contains(tag[1:len(tag)-1], `"`) {
			t.Errorf("got %s, want a quoted strong tag", tag)
		}
	})
	t.Run("is the same for the same body", func(t *testing.T) {
		if got, want := ETag(append([]byte(nil), feed...)), tag; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
	t.Run("changes with the body", func(t *testing.T) {
		if got := ETag(changedFeed); got == tag {
			t.Errorf("got %s for both bodies", got)
		}
	})
}
