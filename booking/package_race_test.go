package booking_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
)

// TestCreditRace has 20 clients book 20 different free slots with one
// package of 3 credits at once: exactly 3 bookings succeed, the others
// are refused no_credits_left, and used + left = bought afterwards
// (invariant 9).
func TestCreditRace(t *testing.T) {
	fx := newPackageFixture(t)
	fx.createPackage(t, "three-chats", 3, 0)
	res, _ := fx.buy(t, "three-chats", "ada@example.com")
	// Five starts a day 90 minutes apart (a call and its buffer take 60)
	// over four weekdays: no two requests compete for time.
	var starts []time.Time
	for day := 0; day < 4; day++ {
		for _, hm := range [][2]int{{9, 0}, {10, 30}, {12, 0}, {13, 30}, {15, 0}} {
			starts = append(starts, at(hm[0], hm[1]).AddDate(0, 0, day))
		}
	}
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		booked    int
		refused   int
		unplanned []error
		start     = make(chan struct{})
	)
	for i, at := range starts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := fx.bookWithCredit(at, fmt.Sprintf("c%d@example.com", i), res.CreditCode)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				booked++
			case errors.Is(err, booking.ErrNoCreditsLeft):
				refused++
			default:
				unplanned = append(unplanned, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range unplanned {
		t.Errorf("unexpected refusal: %v", err)
	}
	if booked != 3 || refused != len(starts)-3 {
		t.Errorf("%d booked and %d refused no_credits_left; want 3 and %d", booked, refused, len(starts)-3)
	}
	fx.wantCredits(t, res, 3, 0, 0)
	fx.mustCheck(t)
}
