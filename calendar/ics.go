package calendar

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	ics "github.com/arran4/golang-ical"
)

// Publish returns an iCalendar file (METHOD:PUBLISH) holding entries in the
// order given, for a downloadable .ics or a subscribed feed. A non-empty name
// becomes the calendar's NAME and X-WR-CALNAME. A cancelled entry is kept with
// STATUS:CANCELLED so that subscribers drop it. No entries gives an empty but
// valid calendar. It returns an error wrapping ErrInvalid if an entry is
// invalid (see Entry.Validate) or two entries share a UID.
func Publish(name string, entries ...Entry) ([]byte, error) {
	cal := newCalendar(ics.MethodPublish)
	if name != "" {
		cal.SetName(name)
	}
	seen := make(map[string]bool, len(entries))
	for _, e := range entries {
		if seen[e.UID] {
			return nil, fmt.Errorf("publish: %w: UID %q appears twice", ErrInvalid, e.UID)
		}
		seen[e.UID] = true
		if err := addEvent(cal, e, statusOf(e)); err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
	}
	return serialize(cal)
}

// Request returns an invitation (METHOD:REQUEST, RFC 5546) for e, to attach
// to a confirmation email. Each attendee is a required participant who has
// already accepted (PARTSTAT=ACCEPTED, RSVP=FALSE): booking the seat was the
// answer, so clients should not offer to reply. Send a change as another
// Request with the same UID and a higher Sequence. It returns an error
// wrapping ErrInvalid if e is invalid, cancelled (use Cancel), or has no
// organizer or no attendee.
func Request(e Entry) ([]byte, error) {
	if e.Cancelled {
		return nil, fmt.Errorf("request: %w: entry %q is cancelled; use Cancel", ErrInvalid, e.UID)
	}
	body, err := scheduling(ics.MethodRequest, e, ics.ObjectStatusConfirmed)
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	return body, nil
}

// Cancel returns a cancellation (METHOD:CANCEL, STATUS:CANCELLED) of the
// event an earlier Request sent with the same UID. Clients apply it only if
// its Sequence is higher than the last one they saw, so the caller raises
// e.Sequence; Cancel writes it as given, whatever e.Cancelled says. It
// returns an error wrapping ErrInvalid if e is invalid or has no organizer or
// no attendee.
func Cancel(e Entry) ([]byte, error) {
	body, err := scheduling(ics.MethodCancel, e, ics.ObjectStatusCancelled)
	if err != nil {
		return nil, fmt.Errorf("cancel: %w", err)
	}
	return body, nil
}

// ETag returns a strong, quoted entity tag for a feed body, for the ETag
// header and If-None-Match comparisons.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// scheduling writes a one-event iTIP message, which RFC 5546 requires to
// name the organizer and at least one attendee.
func scheduling(method ics.Method, e Entry, status ics.ObjectStatus) ([]byte, error) {
	switch {
	case e.Organizer == nil:
		return nil, fmt.Errorf("%w: entry %q has no organizer", ErrInvalid, e.UID)
	case len(e.Attendees) == 0:
		return nil, fmt.Errorf("%w: entry %q has no attendee", ErrInvalid, e.UID)
	}
	cal := newCalendar(method)
	if err := addEvent(cal, e, status); err != nil {
		return nil, err
	}
	return serialize(cal)
}

func newCalendar(method ics.Method) *ics.Calendar {
	cal := ics.NewCalendarFor("Roster")
	cal.SetProductId(ProductID)
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(method)
	return cal
}

func statusOf(e Entry) ics.ObjectStatus {
	if e.Cancelled {
		return ics.ObjectStatusCancelled
	}
	return ics.ObjectStatusConfirmed
}

func addEvent(cal *ics.Calendar, e Entry, status ics.ObjectStatus) error {
	if err := e.Validate(); err != nil {
		return err
	}
	event := cal.AddEvent(e.UID)
	event.SetDtStampTime(e.Stamp)
	event.SetSequence(e.Sequence)
	event.SetStartAt(e.Start)
	event.SetEndAt(e.End)
	setIfPresent(event.SetSummary, e.Summary)
	setIfPresent(event.SetDescription, e.Description)
	setIfPresent(event.SetLocation, e.Location)
	setIfPresent(event.SetURL, e.URL)
	event.SetStatus(status)
	if e.Organizer != nil {
		event.SetOrganizer(e.Organizer.Email, nameParams(*e.Organizer)...)
	}
	for _, attendee := range e.Attendees {
		event.AddAttendee(attendee.Email, attendeeParams(attendee)...)
	}
	return nil
}

func setIfPresent(set func(string, ...ics.PropertyParameter), value string) {
	if value != "" {
		set(value)
	}
}

func nameParams(p Person) []ics.PropertyParameter {
	if p.Name == "" {
		return nil
	}
	return []ics.PropertyParameter{ics.WithCN(p.Name)}
}

func attendeeParams(p Person) []ics.PropertyParameter {
	return append(nameParams(p),
		ics.ParticipationRoleReqParticipant,
		ics.ParticipationStatusAccepted,
		// ics.WithRSVP writes "false"; RFC 5545 spells booleans in capitals.
		&ics.KeyValues{Key: string(ics.ParameterRsvp), Value: []string{"FALSE"}},
	)
}
