// Package fault is Roster's one coded error type. Domain packages return a
// *fault.Error (often wrapped with context); only web/internal/httperr turns its
// Code into an HTTP status and the JSON error shape of docs/design.md.
package fault

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code names a kind of failure a caller can act on.
type Code string

// The codes of the contract in docs/design.md; every refusal of a
// lifecycle transition is one of Conflict, RegistrationClosed,
// SessionStarted, SessionCancelled, EventCancelled or HoldExpired (HTTP
// 409). Anything that is not a *fault.Error is an
// internal error.
const (
	Invalid             Code = "validation_failed"
	NotFound            Code = "not_found"
	Conflict            Code = "conflict"
	SoldOut             Code = "sold_out"
	RegistrationClosed  Code = "registration_closed"
	SessionStarted      Code = "session_started"   // the date has begun: nothing more happens to it
	SessionCancelled    Code = "session_cancelled" // the date was cancelled
	EventCancelled      Code = "event_cancelled"   // the whole event was cancelled
	HoldExpired         Code = "hold_expired"
	SlotUnavailable     Code = "slot_unavailable" // an appointment start taken meanwhile, or never offered
	HostBusy            Code = "host_busy"        // a workshop date over a host's live appointment
	NoCreditsLeft       Code = "no_credits_left"  // a package's credits are all spent, expired or refunded
	PackageUnpaid       Code = "package_unpaid"   // a package's credit code used before its checkout was paid
	AlreadyBooked       Code = "already_booked"
	SeatsAvailable      Code = "seats_available" // joining a waitlist while the seats fit: book them instead
	Unauthorized        Code = "unauthorized"
	Forbidden           Code = "forbidden"
	RateLimited         Code = "rate_limited"
	Unavailable         Code = "unavailable"
	PaymentProviderDown Code = "payment_unavailable"
)

// Error is a failure with a code, a message for people and, for validation
// failures, a message per field.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	names := make([]string, 0, len(e.Fields))
	for name := range e.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, name := range names {
		parts = append(parts, name+" "+e.Fields[name])
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Is makes errors.Is match on the code, so a sentinel such as
// booking.ErrSoldOut matches any *Error with the same code.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code && (t.Message == "" || t.Message == e.Message)
}

// New returns an error with the given code and message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain, or "" if
// there is none (an internal error).
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Fields collects per-field validation messages. The zero value is ready to
// use.
type Fields map[string]string

// Check records message for field when ok is false. The first message for a
// field wins, so the most basic problem is the one reported.
func (f *Fields) Check(ok bool, field, message string) {
	if ok {
		return
	}
	f.Add(field, message)
}

// Add records message for field unless the field already has one.
func (f *Fields) Add(field, message string) {
	if *f == nil {
		*f = Fields{}
	}
	if _, seen := (*f)[field]; !seen {
		(*f)[field] = message
	}
}

// Err returns a validation error naming every field with a message, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "some fields need attention", Fields: map[string]string(f)}
}
