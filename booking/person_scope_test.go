package booking_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
)

// A coach's export and erasure of a person reach every booking of the
// events and appointment types the coach hosts, as any host, whichever
// coach an appointment was assigned to.
func TestPersonScopeOfACoHostedType(t *testing.T) {
	ctx := context.Background()
	fx := newCoachingFixture(t)
	fx.createType(t, chatInput("career-chat", 0, "any", "parveen@example.com"))
	first := fx.mustBookAt(t, "career-chat", at(10, 30), "ada@example.com")
	second := fx.mustBookAt(t, "career-chat", at(12, 0), "ada@example.com")
	assigned := func(r booking.AppointmentResult) int64 { return r.Appointment.Hosts[0].CoachID }
	if assigned(first) == assigned(second) {
		t.Fatalf("round robin gave both calls to coach %d: the fixture needs one each", assigned(first))
	}
	want := []string{first.Booking.Ref, second.Booking.Ref}
	slices.Sort(want)
	for _, c := range []struct {
		name    string
		coachID int64
	}{{"the controlling coach", fx.coach.ID}, {"the co-host", fx.parveen.ID}} {
		t.Run(c.name+"'s export holds both calls", func(t *testing.T) {
			data, err := fx.svc.PersonData(ctx, fx.db, "ada@example.com", booking.PersonScope{CoachID: c.coachID})
			if err != nil {
				t.Fatal(err)
			}
			got := data.Refs()
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	t.Run("the controlling coach's erasure reaches the co-host's call", func(t *testing.T) {
		var erased booking.Erased
		err := fx.db.InTx(ctx, func(tx *sqlx.Tx) error {
			var err error
			erased, err = fx.svc.ErasePerson(ctx, tx, "ada@example.com", booking.PersonScope{CoachID: fx.coach.ID}, "test")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got := slices.Clone(erased.Refs)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("erased %v, want %v", got, want)
		}
		fx.mustCheck(t)
	})
}
