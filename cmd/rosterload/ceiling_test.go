package main

import (
	"context"
	"testing"
	"time"

	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestCeiling(t *testing.T) {
	ctx := context.Background()
	t.Run("every committed transaction is one booking, one outbox row and one seat", func(t *testing.T) {
		db, dsn := sqldbtest.MustOpenURL(t)
		res, err := runCeiling(ctx, ceilingConfig{DatabaseURL: dsn, Clients: 4, Duration: span(300 * time.Millisecond)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Transactions == 0 || res.TransactionsSec <= 0 || res.Failed > 0 {
			t.Fatalf("%+v", res)
		}
		var bookings, outbox, seats int64
		for _, q := range []struct {
			query string
			into  *int64
		}{
			{`SELECT COUNT(*) FROM bookings`, &bookings},
			{`SELECT COUNT(*) FROM outbox`, &outbox},
			{`SELECT COALESCE(SUM(seats_taken), 0) FROM sessions`, &seats},
		} {
			if err := db.GetContext(ctx, q.into, q.query); err != nil {
				t.Fatal(err)
			}
		}
		if bookings != res.Transactions || outbox != res.Transactions || seats != res.Transactions {
			t.Errorf("%d transactions reported; stored %d bookings, %d outbox rows, %d seats", res.Transactions, bookings, outbox, seats)
		}
	})
	t.Run("refuses a database on another machine", func(t *testing.T) {
		_, err := runCeiling(ctx, ceilingConfig{DatabaseURL: "postgres://db.example.com/roster", Clients: 1, Duration: span(time.Second)})
		if err == nil {
			t.Fatal("ran against a remote database")
		}
	})
}
