package events_test

import (
	"errors"
	"testing"
	"time"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// refusals are the codes a transition may be refused with.
var refusals = map[fault.Code]bool{
	fault.Conflict: true, fault.RegistrationClosed: true, fault.SessionStarted: true,
	fault.SessionCancelled: true, fault.EventCancelled: true,
}

func TestEventTableDecidesEveryAction(t *testing.T) {
	for _, from := range events.EventStatuses {
		for _, action := range events.EventActions {
			t.Run(string(from)+" "+string(action), func(t *testing.T) {
				rule, ok := events.EventTable[from][action]
				if !ok {
					t.Fatal("no transition and no refusal")
				}
				to, err := events.NextEventStatus(from, action)
				switch {
				case rule.Refusal != "":
					if !refusals[rule.Refusal] || fault.CodeOf(err) != rule.Refusal {
						t.Errorf("refusal %q gives %v", rule.Refusal, err)
					}
				case err != nil || to != rule.To || !contains(events.EventStatuses, to):
					t.Errorf("transition to %q gives %q, %v", rule.To, to, err)
				}
			})
		}
	}
}

func TestSessionTableDecidesEveryAction(t *testing.T) {
	for _, phase := range events.Phases {
		for _, action := range events.SessionActions {
			t.Run(string(phase)+" "+string(action), func(t *testing.T) {
				rule, ok := events.SessionTable[phase][action]
				if !ok {
					t.Fatal("no transition and no refusal")
				}
				if rule.Refusal != "" && !refusals[rule.Refusal] {
					t.Errorf("refusal %q is not a lifecycle code", rule.Refusal)
				}
			})
		}
	}
}

func TestPhaseOf(t *testing.T) {
	start := now.Add(48 * time.Hour)
	open := events.Event{Status: events.Published, RegistrationCutoffMinutes: 60}
	sess := events.Session{StartsAt: start, EndsAt: start.Add(time.Hour), Status: events.Scheduled}
	cancelledSess := sess
	cancelledSess.Status = events.SessionCancelled
	draft, cancelledEvent := open, open
	draft.Status, cancelledEvent.Status = events.Draft, events.Cancelled
	tests := []struct {
		name string
		e    events.Event
		s    events.Session
		at   time.Time
		want events.Phase
	}{
		{"before the cutoff it is open", open, sess, start.Add(-61 * time.Minute), events.PhaseOpen},
		{"at the cutoff it is closed", open, sess, start.Add(-time.Hour), events.PhaseClosed},
		{"at the start it has started", open, sess, start, events.PhaseStarted},
		{"17 seconds after the start it has started", open, sess, start.Add(17 * time.Second), events.PhaseStarted},
		{"a draft event's date is unpublished", draft, sess, now, events.PhaseUnpublished},
		{"a cancelled date is cancelled, even after its start", open, cancelledSess, start.Add(time.Hour), events.PhaseCancelled},
		{"a cancelled event outranks everything", cancelledEvent, cancelledSess, now, events.PhaseEventCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := events.PhaseOf(tt.e, tt.s, tt.at); got != tt.want {
				t.Errorf("phase %s, want %s", got, tt.want)
			}
		})
	}
	t.Run("moving out of a started date is session_started", func(t *testing.T) {
		err := events.Allows(open, sess, events.ActMoveOut, start.Add(17*time.Second))
		if fault.CodeOf(err) != fault.SessionStarted {
			t.Errorf("err %v, want session_started", err)
		}
	})
	t.Run("booking a cancelled event is event_cancelled", func(t *testing.T) {
		if err := events.Allows(cancelledEvent, sess, events.ActBook, now); !errors.Is(err, events.ErrEventCancelled) {
			t.Errorf("err %v, want event_cancelled", err)
		}
	})
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
