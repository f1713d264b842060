package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestMail(t *testing.T) {
	ctx := context.Background()
	t.Run("200 messages reach the sink exactly once", func(t *testing.T) {
		res, err := runMail(ctx, mailConfig{DatabaseURL: sqldbtest.URL(t), Messages: 200, Batch: 20, Workers: 1, Timeout: span(5 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Verified || res.Sent != 200 || res.Received != 200 || res.Distinct != 200 || res.Duplicates != 0 {
			t.Errorf("%+v", res)
		}
	})
	t.Run("several deliverers share the drain without sending twice", func(t *testing.T) {
		res, err := runMail(ctx, mailConfig{DatabaseURL: sqldbtest.URL(t), Messages: 200, Batch: 7, Workers: 3, Timeout: span(5 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Verified || res.Received != 200 || res.Distinct != 200 || res.Duplicates != 0 {
			t.Errorf("%+v", res)
		}
	})
	t.Run("refuses an outbox with someone else's messages waiting", func(t *testing.T) {
		db, dsn := sqldbtest.MustOpenURL(t)
		err := db.InTx(ctx, func(tx *sqlx.Tx) error {
			_, err := notify.Enqueue(ctx, tx, notify.Message{DedupeKey: "real:1", Kind: notify.KindCoachMessage,
				To: "ada@example.com", Subject: "Your booking", Text: "Hello.", CreatedAt: time.Now()})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = runMail(ctx, mailConfig{DatabaseURL: dsn, Messages: 10, Batch: 20, Workers: 1, Timeout: span(time.Minute)})
		if !errors.Is(err, errOutboxBusy) {
			t.Errorf("err = %v, want errOutboxBusy", err)
		}
		if waiting, _ := notify.NewOutbox(db, time.Now).List(ctx, notify.Filter{Status: notify.Pending}); len(waiting) != 1 {
			t.Errorf("%d messages pending, want the 1 left alone", len(waiting))
		}
	})
}
