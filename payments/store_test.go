package payments

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestRecordEvent(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 9, 22, 16, 30, 0, 0, time.UTC)
	paid := Event{ID: "evt_1", Type: EventCheckoutCompleted, Ref: "CCL-7KQ2M9"}

	t.Run("the first delivery is first, a duplicate is not", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		first, err := RecordEvent(ctx, db.Writer(), paid, "confirmed", now)
		if err != nil || !first {
			t.Fatalf("first record = %v, %v; want true", first, err)
		}
		again, err := RecordEvent(ctx, db.Writer(), paid, "duplicate", now.Add(time.Minute))
		if err != nil || again {
			t.Fatalf("second record = %v, %v; want false", again, err)
		}
		got, err := ListEvents(ctx, db, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := ProcessedEvent{EventID: "evt_1", Type: EventCheckoutCompleted, BookingRef: "CCL-7KQ2M9", ReceivedAt: now, Outcome: "confirmed"}
		if len(got) != 1 || !sameProcessed(got[0], want) {
			t.Fatalf("log = %+v, want only %+v", got, want)
		}
	})

	t.Run("50 racing deliveries apply once", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		const deliveries = 50
		warmPool(t, db.Writer())
		var (
			wg     sync.WaitGroup
			start  = make(chan struct{})
			firsts = make(chan bool, deliveries)
			errs   = make(chan error, deliveries)
		)
		for range deliveries {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				err := db.InTx(ctx, func(tx *sqlx.Tx) error {
					first, err := RecordEvent(ctx, tx, paid, "confirmed", now)
					firsts <- first
					return err
				})
				if err != nil {
					errs <- err
				}
			}()
		}
		close(start)
		wg.Wait()
		close(firsts)
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		got := 0
		for first := range firsts {
			if first {
				got++
			}
		}
		if got != 1 {
			t.Errorf("%d deliveries were first, want exactly 1", got)
		}
	})

	t.Run("a rolled-back delivery leaves the event to its redelivery", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		errApply := errors.New("booking could not be confirmed")
		err := db.InTx(ctx, func(tx *sqlx.Tx) error {
			if first, err := RecordEvent(ctx, tx, paid, "confirmed", now); err != nil || !first {
				t.Fatalf("record = %v, %v", first, err)
			}
			return errApply
		})
		if !errors.Is(err, errApply) {
			t.Fatal(err)
		}
		first, err := RecordEvent(ctx, db.Writer(), paid, "confirmed", now)
		if err != nil || !first {
			t.Fatalf("redelivery record = %v, %v; want true", first, err)
		}
	})

	t.Run("an event without an id is refused", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		if _, err := RecordEvent(ctx, db.Writer(), Event{Type: EventCheckoutCompleted}, "confirmed", now); err == nil {
			t.Fatal("recorded an event without an id")
		}
	})
}

func TestSetEventOutcome(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	now := time.Date(2027, 9, 22, 16, 30, 0, 0, time.UTC)

	t.Run("OK", func(t *testing.T) {
		err := db.InTx(ctx, func(tx *sqlx.Tx) error {
			if _, err := RecordEvent(ctx, tx, Event{ID: "evt_1", Type: EventCheckoutCompleted}, "applying", now); err != nil {
				return err
			}
			return SetEventOutcome(ctx, tx, "evt_1", "refunded: paid after the hold expired")
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := ListEvents(ctx, db, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := got[0].Outcome, "refunded: paid after the hold expired"; got != want {
			t.Errorf("outcome = %q, want %q", got, want)
		}
	})

	t.Run("an unrecorded event is an error", func(t *testing.T) {
		if err := SetEventOutcome(ctx, db.Writer(), "evt_unknown", "confirmed"); err == nil {
			t.Fatal("set the outcome of an unrecorded event")
		}
	})
}

func TestListEvents(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	start := time.Date(2027, 9, 22, 16, 30, 0, 0, time.UTC)
	for i, id := range []string{"evt_a", "evt_b", "evt_c"} {
		e := Event{ID: id, Type: EventCheckoutCompleted}
		if _, err := RecordEvent(ctx, db.Writer(), e, "confirmed", start.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("newest first", func(t *testing.T) {
		got, err := ListEvents(ctx, db, 0)
		if err != nil {
			t.Fatal(err)
		}
		if ids := eventIDs(got); len(ids) != 3 || ids[0] != "evt_c" || ids[2] != "evt_a" {
			t.Errorf("ids = %v, want [evt_c evt_b evt_a]", ids)
		}
	})

	t.Run("limited", func(t *testing.T) {
		got, err := ListEvents(ctx, db, 2)
		if err != nil {
			t.Fatal(err)
		}
		if ids := eventIDs(got); len(ids) != 2 || ids[0] != "evt_c" || ids[1] != "evt_b" {
			t.Errorf("ids = %v, want [evt_c evt_b]", ids)
		}
	})

	t.Run("an empty log is an empty list", func(t *testing.T) {
		got, err := ListEvents(ctx, sqldbtest.MustOpenDB(t), 10)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("ListEvents = %#v, %v; want an empty list", got, err)
		}
	})
}

// warmPool opens every connection the pool may hold (sqldb keeps them all
// idle), so that racing transactions start together instead of one by one
// as connections open: without it, on PostgreSQL, the first transaction
// commits before the others begin and the race is never run.
func warmPool(t *testing.T, pool *sqlx.DB) {
	t.Helper()
	ctx := context.Background()
	n := pool.Stats().MaxOpenConnections
	if n == 0 || n > 50 {
		n = 50
	}
	conns := make([]*sql.Conn, 0, n)
	for range n {
		conn, err := pool.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := conn.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
	}
	for _, conn := range conns {
		conn.Close()
	}
}

func eventIDs(events []ProcessedEvent) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.EventID
	}
	return ids
}

func sameProcessed(a, b ProcessedEvent) bool {
	return a.EventID == b.EventID && a.Type == b.Type && a.BookingRef == b.BookingRef &&
		a.ReceivedAt.Equal(b.ReceivedAt) && a.Outcome == b.Outcome
}
