package events

import (
	"time"

	"github.com/roster-app/roster/fault"
)

// The transition tables of events and sessions. Every status change of an
// event or a session goes through them (nothing else writes a status
// column), and so does every action on a session's children (bookings,
// holds, waitlist offers), which the booking package checks against the
// session's phase before it acts. Each table answers every (state, action)
// pair: either a transition (the state after it, with what it sets off
// written beside it) or a refusal with a fault code; events_test walks
// every pair, so a new state or action cannot be added without deciding
// all of them.

// EventAction is something a coach does to an event.
type EventAction string

// Event actions.
const (
	EventPublish   EventAction = "publish"
	EventUnpublish EventAction = "unpublish"
	EventEdit      EventAction = "edit"   // change fields other than the status
	EventCancel    EventAction = "cancel" // booking.Service.CancelEvent: every session and child goes with it
)

// EventStatuses and EventActions list every state and action of the event
// table.
var (
	EventStatuses = []Status{Draft, Published, Cancelled}
	EventActions  = []EventAction{EventPublish, EventUnpublish, EventEdit, EventCancel}
)

// EventRule is one cell of the event table: a transition to To, or a
// refusal with Refusal's code.
type EventRule struct {
	To      Status
	Refusal fault.Code
	Effects string // what the transition sets off, for people reading the table
}

// ErrEventCancelled refuses anything on a cancelled event.
var ErrEventCancelled = fault.New(fault.EventCancelled, "this event has been cancelled")

// EventTable is the event lifecycle. A cancelled event is final.
var EventTable = map[Status]map[EventAction]EventRule{
	Draft: {
		EventPublish:   {To: Published, Effects: "its scheduled dates open for booking"},
		EventUnpublish: {To: Draft},
		EventEdit:      {To: Draft},
		EventCancel:    {To: Cancelled, Effects: "every session is cancelled (see SessionTable)"},
	},
	Published: {
		EventPublish:   {To: Published},
		EventUnpublish: {To: Draft, Effects: "booking closes; live bookings stand"},
		EventEdit:      {To: Published, Effects: "a change of title, location or join link updates every live booking's invite (SEQUENCE+1) and tells the attendee"},
		EventCancel:    {To: Cancelled, Effects: "every session is cancelled with its bookings, holds, offers and waitlist; refunds by the coach's choice; attendees told"},
	},
	Cancelled: {
		EventPublish:   {Refusal: fault.EventCancelled},
		EventUnpublish: {Refusal: fault.EventCancelled},
		EventEdit:      {Refusal: fault.EventCancelled},
		EventCancel:    {Refusal: fault.EventCancelled},
	},
}

// NextEventStatus returns the status action leads to from from, or the
// table's refusal as a *fault.Error.
func NextEventStatus(from Status, action EventAction) (Status, error) {
	rule, ok := EventTable[from][action]
	if !ok {
		return "", fault.New(fault.Conflict, "an event that is %s cannot %s", from, action)
	}
	if rule.Refusal != "" {
		return "", refusal(rule.Refusal, "an event that is "+string(from)+" cannot "+string(action))
	}
	return rule.To, nil
}

// Phase is where a session is in its life, from its status, its event's
// status and the clock: what may still happen to it and its children.
type Phase string

// Session phases, in the order a session passes through them.
const (
	PhaseUnpublished    Phase = "unpublished"     // its event is a draft: not bookable yet
	PhaseOpen           Phase = "open"            // scheduled, before the registration cutoff
	PhaseClosed         Phase = "closed"          // after the cutoff, before the start
	PhaseStarted        Phase = "started"         // at or after the start (also once it has ended)
	PhaseCancelled      Phase = "cancelled"       // the session was cancelled
	PhaseEventCancelled Phase = "event_cancelled" // its event was cancelled
)

// PhaseOf returns the session's phase at now. A cancellation outranks the
// clock, and the event's cancellation outranks the session's.
func PhaseOf(e Event, s Session, now time.Time) Phase {
	switch {
	case e.Status == Cancelled:
		return PhaseEventCancelled
	case s.Status == SessionCancelled:
		return PhaseCancelled
	case !now.Before(s.StartsAt):
		return PhaseStarted
	case !now.Before(s.ClosesAt(e)):
		return PhaseClosed
	case e.Status != Published:
		return PhaseUnpublished
	}
	return PhaseOpen
}

// ClosesAt is when registration for the session closes: the event's
// cutoff before its start.
func (s Session) ClosesAt(e Event) time.Time {
	return s.StartsAt.Add(-time.Duration(e.RegistrationCutoffMinutes) * time.Minute)
}

// SessionAction is something done to a session or to one of its children.
type SessionAction string

// Session actions. The ones on children are checked by the booking package
// against the phase of the session the child is on (or goes to).
const (
	ActBook          SessionAction = "book"           // a new booking or hold
	ActJoinWaitlist  SessionAction = "join_waitlist"  // a place in line
	ActOffer         SessionAction = "offer"          // free seats offered to the next in line
	ActClaim         SessionAction = "claim"          // an offer turned into a booking
	ActMoveIn        SessionAction = "move_in"        // a booking moved here from another date
	ActMoveOut       SessionAction = "move_out"       // a booking moved from here to another date
	ActPay           SessionAction = "pay"            // a payment confirms a hold
	ActCancelBooking SessionAction = "cancel_booking" // an attendee cancels their own booking
	ActCheckIn       SessionAction = "check_in"       // a coach records an arrival
	ActReschedule    SessionAction = "reschedule"     // a coach changes times or capacity
	ActCancel        SessionAction = "cancel"         // a coach cancels the date
)

// Phases and SessionActions list every state and action of the session
// table.
var (
	Phases         = []Phase{PhaseUnpublished, PhaseOpen, PhaseClosed, PhaseStarted, PhaseCancelled, PhaseEventCancelled}
	SessionActions = []SessionAction{ActBook, ActJoinWaitlist, ActOffer, ActClaim, ActMoveIn, ActMoveOut, ActPay,
		ActCancelBooking, ActCheckIn, ActReschedule, ActCancel}
)

// SessionRule is one cell of the session table: allowed (Refusal empty),
// or refused with Refusal's code. To is set for the one action that
// changes the session's own status.
type SessionRule struct {
	Refusal fault.Code
	To      SessionStatus
	Effects string
}

var (
	allow       = SessionRule{}
	closed      = SessionRule{Refusal: fault.RegistrationClosed}
	started     = SessionRule{Refusal: fault.SessionStarted}
	sessCancel  = SessionRule{Refusal: fault.SessionCancelled}
	eventCancel = SessionRule{Refusal: fault.EventCancelled}
	cancelDate  = SessionRule{To: SessionCancelled, Effects: "SEQUENCE+1; live bookings cancelled (METHOD:CANCEL), holds released, offers withdrawn, the waitlist closed and told; refunds by the coach's choice"}
)

// SessionTable says, for each phase, which actions may happen. Payments
// that arrive for a session that refuses ActPay are refunded and the payer
// told; a hold's seats are never confirmed there.
var SessionTable = map[Phase]map[SessionAction]SessionRule{
	PhaseUnpublished: {
		ActBook: closed, ActJoinWaitlist: closed, ActOffer: closed, ActClaim: closed, ActMoveIn: closed,
		ActMoveOut: allow, ActPay: allow, ActCancelBooking: allow, ActCheckIn: allow,
		ActReschedule: allow, ActCancel: cancelDate,
	},
	PhaseOpen: {
		ActBook: allow, ActJoinWaitlist: allow, ActOffer: allow, ActClaim: allow, ActMoveIn: allow,
		ActMoveOut: allow, ActPay: allow, ActCancelBooking: allow, ActCheckIn: allow,
		ActReschedule: {Effects: "a new time updates every live booking's invite and tells the attendee; more capacity is offered to the waitlist first"},
		ActCancel:     cancelDate,
	},
	PhaseClosed: {
		ActBook: closed, ActJoinWaitlist: closed, ActOffer: closed, ActClaim: closed, ActMoveIn: closed,
		ActMoveOut: allow, ActPay: closed, ActCancelBooking: allow, ActCheckIn: allow,
		ActReschedule: allow, ActCancel: cancelDate,
	},
	PhaseStarted: {
		ActBook: started, ActJoinWaitlist: started, ActOffer: started, ActClaim: started, ActMoveIn: started,
		ActMoveOut: started, ActPay: started, ActCancelBooking: started, ActCheckIn: allow,
		ActReschedule: started, ActCancel: started,
	},
	PhaseCancelled: {
		ActBook: sessCancel, ActJoinWaitlist: sessCancel, ActOffer: sessCancel, ActClaim: sessCancel, ActMoveIn: sessCancel,
		ActMoveOut: sessCancel, ActPay: sessCancel, ActCancelBooking: sessCancel, ActCheckIn: sessCancel,
		ActReschedule: sessCancel, ActCancel: sessCancel,
	},
	PhaseEventCancelled: {
		ActBook: eventCancel, ActJoinWaitlist: eventCancel, ActOffer: eventCancel, ActClaim: eventCancel, ActMoveIn: eventCancel,
		ActMoveOut: eventCancel, ActPay: eventCancel, ActCancelBooking: eventCancel, ActCheckIn: eventCancel,
		ActReschedule: eventCancel, ActCancel: eventCancel,
	},
}

// Allows returns nil if action may happen to session s of event e at now,
// else the table's refusal as a *fault.Error (fault.RegistrationClosed,
// SessionStarted, SessionCancelled or EventCancelled).
func Allows(e Event, s Session, action SessionAction, now time.Time) error {
	phase := PhaseOf(e, s, now)
	rule, ok := SessionTable[phase][action]
	if !ok {
		return fault.New(fault.Conflict, "a date that is %s cannot %s", phase, action)
	}
	if rule.Refusal != "" {
		return refusal(rule.Refusal, "")
	}
	return nil
}

// refusal is the error for a refused transition, with a message for people.
func refusal(code fault.Code, fallback string) error {
	switch code {
	case fault.RegistrationClosed:
		return fault.New(code, "registration for this date is closed")
	case fault.SessionStarted:
		return fault.New(code, "this date has already started")
	case fault.SessionCancelled:
		return fault.New(code, "this date has been cancelled")
	case fault.EventCancelled:
		return ErrEventCancelled
	}
	return fault.New(code, "%s", fallback)
}
