package httperr

import (
	"fmt"
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

// TestCoachingErrors pins the answers of the 1:1 coaching errors, as
// services return them (wrapped or not).
func TestCoachingErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"a taken slot", booking.ErrSlotUnavailable, 409, "slot_unavailable"},
		{"a taken slot, with the reason", fmt.Errorf("%w: the host is busy", booking.ErrSlotUnavailable), 409, "slot_unavailable"},
		{"an unknown appointment type", events.ErrAppointmentTypeNotFound, 404, "not_found"},
		{"rescheduling too late", booking.ErrRescheduleClosed, 409, "registration_closed"},
		{"a taken slug, said without revealing whose", events.ErrAppointmentSlugTaken, 422, "validation_failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, detail := Describe(tc.err)
			if status != tc.status || detail.Code != tc.code {
				t.Errorf("Describe = %d %q, want %d %q", status, detail.Code, tc.status, tc.code)
			}
		})
	}
}
