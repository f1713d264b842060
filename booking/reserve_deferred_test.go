package booking_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/sqldb"
)

// batched is the fixture's service with a group-commit window long enough
// that requests started together share a batch, so their bookings are
// written together at its end (they need nothing but rows: free, no code,
// no ticket types, no consent, no idempotency key).
func batched(fx *fixture) *booking.Service {
	return booking.NewService(fx.db, fx.notices, booking.Config{BaseURL: "http://roster.test",
		GroupCommit: booking.GroupCommitConfig{Window: 200 * time.Millisecond}}, fx.clock.Now)
}

// reserveAll runs the requests at once and returns each one's answer.
func reserveAll(svc *booking.Service, reqs []booking.Request) ([]booking.Result, []error) {
	results, errs := make([]booking.Result, len(reqs)), make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = svc.Reserve(context.Background(), req)
		}()
	}
	wg.Wait()
	return results, errs
}

func TestBookingsWrittenTogether(t *testing.T) {
	ctx := context.Background()

	t.Run("each booking of a batch gets its row, history, token, lines and emails", func(t *testing.T) {
		fx := newFixture(t)
		svc := batched(fx)
		date := fx.workshop.Sessions[0].ID
		var reqs []booking.Request
		for i := range 8 {
			reqs = append(reqs, booking.Request{SessionID: date, Name: fmt.Sprintf("Guest %d", i), Email: fmt.Sprintf("guest%d@example.com", i), Seats: 1})
		}
		results, errs := reserveAll(svc, reqs)
		refs := map[string]bool{}
		for i, err := range errs {
			if err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			res := results[i]
			refs[res.Booking.Ref] = true
			if res.Booking.ID == 0 || len(res.Lines) != 1 || res.Lines[0].BookingID != res.Booking.ID {
				t.Errorf("request %d: booking %+v with lines %+v, want an id and its one line", i, res.Booking, res.Lines)
			}
			d, err := svc.Get(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
			if err != nil {
				t.Errorf("request %d: its manage token does not open %s: %v", i, res.Booking.Ref, err)
				continue
			}
			if d.Booking.Email != reqs[i].Email || d.Booking.Status != booking.Confirmed {
				t.Errorf("request %d: stored %s %s, want %s confirmed", i, d.Booking.Email, d.Booking.Status, reqs[i].Email)
			}
			if kinds := fx.notices.kinds(res.Booking.Ref); len(kinds) != 2 {
				t.Errorf("request %d: notices %v, want confirmation and coach notice", i, kinds)
			}
			if lines, err := svc.Lines(ctx, res.Booking.ID); err != nil || len(lines) != 1 {
				t.Errorf("request %d: stored lines %+v (%v), want 1", i, lines, err)
			}
		}
		if len(refs) != len(reqs) {
			t.Errorf("%d distinct refs for %d bookings", len(refs), len(reqs))
		}
		if got := fx.seatsLeft(t, date); got != 10-len(reqs) {
			t.Errorf("%d seats left, want %d", got, 10-len(reqs))
		}
		var history int
		if err := fx.db.Get(&history, fx.db.Rebind(`SELECT COUNT(*) FROM booking_history WHERE session_id = ? AND reason = 'booked'`), date); err != nil {
			t.Fatal(err)
		}
		if history != len(reqs) {
			t.Errorf("%d history rows, want %d", history, len(reqs))
		}
		fx.mustCheck(t)
		if g, err := svc.Gauges(ctx); err == nil {
			t.Logf("group commit: %+v", g.GroupCommit) // how the requests were batched, for the reader
		}
	})

	t.Run("the same person twice in one batch gets one booking, then already booked", func(t *testing.T) {
		fx := newFixture(t)
		svc := batched(fx)
		date := fx.workshop.Sessions[0].ID
		var reqs []booking.Request
		for range 6 {
			reqs = append(reqs, booking.Request{SessionID: date, Name: "Ada Lovelace", Email: "ada@example.com", Seats: 1})
		}
		_, errs := reserveAll(svc, reqs)
		made := 0
		for i, err := range errs {
			switch {
			case err == nil:
				made++
			case !errors.Is(err, booking.ErrAlreadyBooked):
				t.Errorf("request %d: %v, want already booked", i, err)
			}
		}
		if made != 1 {
			t.Errorf("%d bookings made, want 1", made)
		}
		if got := fx.seatsLeft(t, date); got != 9 {
			t.Errorf("%d seats left, want 9", got)
		}
		fx.mustCheck(t)
	})

	t.Run("a batch that outgrows the date sells exactly its seats", func(t *testing.T) {
		fx := newFixture(t)
		svc := batched(fx)
		date := fx.workshop.Sessions[0].ID
		var reqs []booking.Request
		for i := range 16 {
			reqs = append(reqs, booking.Request{SessionID: date, Name: "Guest", Email: fmt.Sprintf("g%d@example.com", i), Seats: 1})
		}
		_, errs := reserveAll(svc, reqs)
		made := 0
		for i, err := range errs {
			switch {
			case err == nil:
				made++
			case !errors.Is(err, booking.ErrSoldOut):
				t.Errorf("request %d: %v, want sold out", i, err)
			}
		}
		if made != 10 || fx.seatsLeft(t, date) != 0 {
			t.Errorf("%d bookings made and %d seats left, want 10 and 0", made, fx.seatsLeft(t, date))
		}
		fx.mustCheck(t)
	})

	t.Run("a booking the database refuses fails alone, and the rest of its batch is written", func(t *testing.T) {
		fx := newFixture(t)
		refuseName(t, fx.db, "Mallory")
		svc := batched(fx)
		date := fx.workshop.Sessions[0].ID
		reqs := []booking.Request{{SessionID: date, Name: "Mallory", Email: "mallory@example.com", Seats: 1}}
		for i := range 5 {
			reqs = append(reqs, booking.Request{SessionID: date, Name: "Guest", Email: fmt.Sprintf("g%d@example.com", i), Seats: 1})
		}
		_, errs := reserveAll(svc, reqs)
		if errs[0] == nil {
			t.Error("Mallory's booking was made, want the database's refusal")
		}
		for i, err := range errs[1:] {
			if err != nil {
				t.Errorf("request %d failed with Mallory's: %v", i+1, err)
			}
		}
		if got := fx.seatsLeft(t, date); got != 5 {
			t.Errorf("%d seats left, want 5 (Mallory's not taken)", got)
		}
		var mallory int
		if err := fx.db.Get(&mallory, `SELECT COUNT(*) FROM bookings WHERE name = 'Mallory'`); err != nil {
			t.Fatal(err)
		}
		if mallory != 0 {
			t.Errorf("%d rows for Mallory", mallory)
		}
		fx.mustCheck(t)
	})
}

// refuseName makes the database refuse any booking in name, as a broken
// constraint would, so the batch's one-statement write fails.
func refuseName(t *testing.T, db *sqldb.DB, name string) {
	t.Helper()
	stmts := []string{`CREATE TRIGGER refuse_name BEFORE INSERT ON bookings WHEN NEW.name = '` + name + `'
		BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`}
	if db.Dialect == sqldb.Postgres {
		stmts = []string{
			`CREATE FUNCTION refuse_name() RETURNS trigger AS $$ BEGIN
				IF NEW.name = '` + name + `' THEN RAISE EXCEPTION 'refused by the test'; END IF;
				RETURN NEW; END $$ LANGUAGE plpgsql`,
			`CREATE TRIGGER refuse_name BEFORE INSERT ON bookings FOR EACH ROW EXECUTE FUNCTION refuse_name()`,
		}
	}
	for _, q := range stmts {
		if _, err := db.Writer().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}
