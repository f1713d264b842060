package booking_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

func TestConcurrency(t *testing.T) {
	ctx := context.Background()
	t.Run("200 clients race for 10 seats", func(t *testing.T) {
		fx := newFixture(t)
		id := fx.workshop.Sessions[0].ID
		var confirmed, soldOut atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "Racer", Email: fmt.Sprintf("r%d@example.com", i), Seats: 1})
				switch {
				case err == nil:
					confirmed.Add(1)
				case errors.Is(err, booking.ErrSoldOut):
					soldOut.Add(1)
				default:
					t.Errorf("reserve: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if confirmed.Load() != 10 || soldOut.Load() != 190 {
			t.Errorf("%d confirmed, %d sold out; want 10 and 190", confirmed.Load(), soldOut.Load())
		}
		fx.mustCheck(t)
	})

	t.Run("moves and cancels race with new bookings", func(t *testing.T) {
		fx := newFixture(t)
		a, b := fx.workshop.Sessions[0].ID, fx.workshop.Sessions[1].ID
		var mu sync.Mutex
		var held []booking.Result
		for i := range 8 {
			held = append(held, fx.book(t, []int64{a, b}[i%2], fmt.Sprintf("early%d@example.com", i), 1))
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				rng := rand.New(rand.NewPCG(uint64(i), 7))
				switch i % 3 {
				case 0: // a newcomer books either date
					res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: []int64{a, b}[rng.IntN(2)], Name: "N", Email: fmt.Sprintf("n%d@example.com", i), Seats: 1 + rng.IntN(2)})
					if err == nil {
						mu.Lock()
						held = append(held, res)
						mu.Unlock()
					} else if !errors.Is(err, booking.ErrSoldOut) {
						t.Errorf("reserve: %v", err)
					}
				case 1: // someone moves to the other date
					mu.Lock()
					r := held[rng.IntN(len(held))]
					mu.Unlock()
					d, err := fx.svc.Get(ctx, r.Booking.Ref, booking.Actor{Token: r.Token})
					if err != nil {
						t.Errorf("get: %v", err)
						return
					}
					other := a
					if d.Booking.SessionID == a {
						other = b
					}
					_, err = fx.svc.Move(ctx, r.Booking.Ref, booking.Actor{Token: r.Token}, other)
					if err != nil && !errors.Is(err, booking.ErrSoldOut) && !errors.Is(err, booking.ErrNotLive) && !errors.Is(err, booking.ErrAlreadyBooked) &&
						fault.CodeOf(err) != fault.Invalid { // moved meanwhile by another goroutine
						t.Errorf("move: %v", err)
					}
				case 2: // someone cancels
					mu.Lock()
					r := held[rng.IntN(len(held))]
					mu.Unlock()
					if _, err := fx.svc.Cancel(ctx, r.Booking.Ref, booking.Actor{Token: r.Token}); err != nil && !errors.Is(err, booking.ErrNotLive) {
						t.Errorf("cancel: %v", err)
					}
				}
			}()
		}
		close(start)
		wg.Wait()
		fx.mustCheck(t)
	})

	t.Run("two services on separate pools share one database", func(t *testing.T) {
		fx := newFixture(t)
		second, err := sqldb.Open(ctx, fx.url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { second.Close() })
		services := []*booking.Service{fx.svc, booking.NewService(second, fx.notices, booking.Config{BaseURL: "http://roster.test"}, fx.clock.Now)}
		id := fx.workshop.Sessions[0].ID
		var confirmed atomic.Int64
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := services[i%2].Reserve(ctx, booking.Request{SessionID: id, Name: "R", Email: fmt.Sprintf("r%d@example.com", i), Seats: 1})
				if err == nil {
					confirmed.Add(1)
				} else if !errors.Is(err, booking.ErrSoldOut) {
					t.Errorf("reserve: %v", err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if confirmed.Load() != 10 {
			t.Errorf("%d confirmed, want 10", confirmed.Load())
		}
		fx.mustCheck(t)
	})

	t.Run("holds expire while bookings arrive", func(t *testing.T) {
		fx := newFixture(t)
		id := fx.lab.Sessions[0].ID
		for i := range 12 {
			fx.book(t, id, fmt.Sprintf("h%d@example.com", i), 1)
		}
		fx.clock.Advance(31 * time.Minute)
		var wg sync.WaitGroup
		var confirmed atomic.Int64
		for i := range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%10 == 0 {
					if _, err := fx.svc.ExpireHolds(ctx); err != nil {
						t.Errorf("sweep: %v", err)
					}
					return
				}
				_, err := fx.svc.Reserve(ctx, booking.Request{SessionID: id, Name: "L", Email: fmt.Sprintf("l%d@example.com", i), Seats: 1})
				if err == nil {
					confirmed.Add(1)
				} else if !errors.Is(err, booking.ErrSoldOut) {
					t.Errorf("reserve: %v", err)
				}
			}()
		}
		wg.Wait()
		if _, err := fx.svc.ExpireHolds(ctx); err != nil {
			t.Fatal(err)
		}
		sess, err := events.SessionByID(ctx, fx.db, id)
		if err != nil {
			t.Fatal(err)
		}
		if int64(sess.SeatsTaken) != confirmed.Load() {
			t.Errorf("seats taken %d, new holds %d", sess.SeatsTaken, confirmed.Load())
		}
		fx.mustCheck(t)
	})
}

// BenchmarkReserve books one seat per iteration (b.RunParallel, so as many
// clients as GOMAXPROCS×parallelism) on a date that never sells out, on the
// database ROSTER_TEST_POSTGRES selects.
func BenchmarkReserve(b *testing.B) {
	fx := newFixture(b)
	ctx := context.Background()
	sess, err := fx.events.AddSession(ctx, fx.coach.ID, fx.workshop.Slug, events.SessionInput{
		StartsAt: fx.clock.Now().Add(24 * time.Hour), EndsAt: fx.clock.Now().Add(26 * time.Hour), Capacity: events.MaxCapacity})
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, err := fx.svc.Reserve(ctx, booking.Request{SessionID: sess.ID, Name: "Bench", Email: fmt.Sprintf("b%d@example.com", i), Seats: 1}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
}
