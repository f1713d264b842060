package booking_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
)

func TestCancellingAnEventWhileClientsBook(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			id := fx.workshop.Sessions[i%2].ID
			_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "Racer", Email: fmt.Sprintf("r%d@example.com", i), Seats: 1})
			if _, joinErr := fx.svc.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: "Racer", Email: fmt.Sprintf("w%d@example.com", i), Seats: 1}); err == nil && joinErr != nil {
				err = joinErr
			}
			switch code := fault.CodeOf(err); {
			case err == nil, errors.Is(err, booking.ErrSoldOut), code == fault.EventCancelled, code == fault.SessionCancelled,
				code == fault.SeatsAvailable: // a join while seats fit is refused: book them instead
			default:
				t.Errorf("reserve: %v", err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		if _, _, err := fx.svc.CancelEvent(ctx, fx.coach.ID, fx.workshop.Slug, booking.RefundFull); err != nil {
			t.Errorf("cancel event: %v", err)
		}
	}()
	close(start)
	wg.Wait()
	// Whatever the interleaving: nothing live is left on the cancelled
	// event, and every counter matches its rows.
	fx.mustCheck(t)
	for _, sess := range fx.workshop.Sessions {
		list, err := fx.svc.SessionAttendees(ctx, fx.coach.ID, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if a.Status.Live() {
				t.Errorf("%s is %s on a cancelled event", a.Ref, a.Status)
			}
		}
	}
}
