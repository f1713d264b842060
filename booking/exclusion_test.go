package booking_test

import (
	"context"
	"strings"
	"testing"

	"github.com/roster-app/roster/sqldb"
)

// TestOverlappingHostRowsBypassingTheLock writes a second live
// appointment_hosts row over a coach's appointment directly, as a bug that
// skipped the schedule lock would. PostgreSQL's exclusion constraint
// refuses it; SQLite has no such constraint (its single writer and the
// lock-then-check path are the guard there), so roster check must report
// the overlap instead.
func TestOverlappingHostRowsBypassingTheLock(t *testing.T) {
	ctx := context.Background()
	fx := newCoachingFixture(t)
	fx.createType(t, chatInput("career-chat", 0, "any"))
	first := fx.mustBookAt(t, "career-chat", at(10, 30), "ada@example.com")
	second := fx.mustBookAt(t, "career-chat", at(13, 30), "grace@example.com")
	hostID := first.Appointment.Hosts[0].CoachID
	_, err := fx.db.ExecContext(ctx, fx.db.Rebind(`DELETE FROM appointment_hosts WHERE booking_id = ?`), second.Booking.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = fx.db.ExecContext(ctx, fx.db.Rebind(`INSERT INTO appointment_hosts (booking_id, coach_id, busy_from, busy_to, live)
		VALUES (?, ?, ?, ?, ?)`), second.Booking.ID, hostID, at(11, 0), at(12, 0), true)
	if fx.db.Dialect == sqldb.Postgres {
		if !sqldb.IsExclusionViolation(err) {
			t.Fatalf("PostgreSQL took an overlapping live row: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	problems, err := fx.svc.Check(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(problems, "\n"), "overlaps another live appointment") {
		t.Errorf("roster check missed the overlap: %v", problems)
	}
}
