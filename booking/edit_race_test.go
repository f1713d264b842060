package booking_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// Two processes book one date while its event's join link is edited
// again and again: every answer is a booking or a refusal (no database
// error), the date is not oversold, and the last invite of every booking
// made shows the last link. PostgreSQL only: on SQLite nothing
// interleaves.
func TestBookingsOfTwoProcessesAndEditsOfTheirEventInterleaveCleanly(t *testing.T) {
	sqldbtest.RequirePostgres(t)
	ctx := context.Background()
	fx := newFixture(t)
	db2, err := sqldb.Open(ctx, fx.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	svcs := []*booking.Service{fx.svc, booking.NewService(db2, fx.notices, booking.Config{BaseURL: "http://roster.test"}, fx.clock.Now)}
	date := fx.workshop.Sessions[0].ID
	const edits = 12
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		made []booking.Result
		last string
	)
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := svcs[i%2].Reserve(ctx, booking.Request{SessionID: date, Name: "Guest", Email: fmt.Sprintf("g%d@example.com", i), Seats: 1})
			if err != nil {
				if fault.CodeOf(err) == "" {
					t.Errorf("request %d: %v, want a booking or a refusal", i, err)
				}
				return
			}
			mu.Lock()
			made = append(made, res)
			mu.Unlock()
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := range edits {
			link := fmt.Sprintf("https://meet.example.com/room-%d", k)
			if _, err := svcs[k%2].UpdateEvent(ctx, fx.coach.ID, fx.workshop.Slug, events.EventPatch{OnlineURL: &link}); err != nil {
				t.Errorf("edit %d: %v", k, err)
				return
			}
			last = link
		}
	}()
	wg.Wait()
	if len(made) != 10 {
		t.Errorf("%d bookings made, want the date's 10", len(made))
	}
	fx.mustCheck(t)
	for _, res := range made {
		var latest *booking.Notice
		for _, n := range fx.notices.all() {
			if n.Booking.Ref == res.Booking.Ref && (n.Kind == booking.NoticeConfirmed || n.Kind == booking.NoticeChanged) {
				n := n
				latest = &n
			}
		}
		if latest == nil {
			t.Errorf("no confirmation for %s", res.Booking.Ref)
		} else if latest.Event.OnlineURL != last {
			t.Errorf("the last invite of %s (%s) shows %q, want the last link %q", res.Booking.Ref, latest.Kind, latest.Event.OnlineURL, last)
		}
	}
}
