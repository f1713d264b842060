package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestEnqueue(t *testing.T) {
	ctx := context.Background()

	t.Run("the same dedupe key is stored once", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		m := testMessage(1, start)
		var firstNew, secondNew bool
		err := db.InTx(ctx, func(tx *sqlx.Tx) error {
			var err error
			if firstNew, err = notify.Enqueue(ctx, tx, m); err != nil {
				return err
			}
			m.Subject = "A second try"
			secondNew, err = notify.Enqueue(ctx, tx, m)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !firstNew || secondNew {
			t.Errorf("new: got %v then %v, want true then false", firstNew, secondNew)
		}
		// And again in a later transaction.
		err = db.InTx(ctx, func(tx *sqlx.Tx) error {
			var err error
			secondNew, err = notify.Enqueue(ctx, tx, m)
			return err
		})
		if err != nil || secondNew {
			t.Errorf("enqueue in a later transaction: new %v, err %v; want false, nil", secondNew, err)
		}
		entries, err := notify.NewOutbox(db, newClock(start).Now).List(ctx, notify.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(entries), 1; got != want {
			t.Fatalf("stored %d messages, want %d", got, want)
		}
		if got, want := entries[0].Subject, "Message 1"; got != want {
			t.Errorf("subject: got %q, want the first one, %q", got, want)
		}
	})

	t.Run("nothing is stored when the caller's transaction rolls back", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		errBookingFailed := errors.New("booking failed")
		err := db.InTx(ctx, func(tx *sqlx.Tx) error {
			if _, err := notify.Enqueue(ctx, tx, testMessage(1, start)); err != nil {
				return err
			}
			return errBookingFailed
		})
		if !errors.Is(err, errBookingFailed) {
			t.Fatalf("got %v, want the caller's error", err)
		}
		if got := statuses(t, db); len(got) != 0 {
			t.Errorf("outbox holds %v after a rollback, want nothing", got)
		}
	})

	t.Run("a new message is pending, due at send_after or at once", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		later := testMessage(2, start)
		later.SendAfter = start.Add(time.Hour)
		enqueue(t, db, testMessage(1, start), later)
		entries, err := notify.NewOutbox(db, newClock(start).Now).List(ctx, notify.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string]notify.Entry{}
		for _, e := range entries {
			byKey[e.Subject] = e
		}
		for subject, want := range map[string]time.Time{"Message 1": start, "Message 2": start.Add(time.Hour)} {
			e := byKey[subject]
			if e.Status != notify.Pending || e.Attempts != 0 || !e.SendAfter.Equal(want) {
				t.Errorf("%s: status %s, attempts %d, send_after %v; want pending, 0, %v", subject, e.Status, e.Attempts, e.SendAfter, want)
			}
		}
	})

	t.Run("header injection and bad fields are refused", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		tests := []struct {
			name   string
			change func(*notify.Message)
			field  string
		}{
			{"CRLF in the address", func(m *notify.Message) { m.To = "ada@example.com\r\nBcc: all@example.com" }, "to"},
			{"LF in the address", func(m *notify.Message) { m.To = "ada@example.com\nBcc: all@example.com" }, "to"},
			{"CRLF in the name", func(m *notify.Message) { m.ToName = "Ada\r\nBcc: all@example.com" }, "to_name"},
			{"LF in the name", func(m *notify.Message) { m.ToName = "Ada\nBcc: all@example.com" }, "to_name"},
			{"CRLF in the subject", func(m *notify.Message) { m.Subject = "Hello\r\nBcc: all@example.com" }, "subject"},
			{"a display name in the address", func(m *notify.Message) { m.To = "Ada <ada@example.com>" }, "to"},
			{"two addresses", func(m *notify.Message) { m.To = "ada@example.com, eve@example.com" }, "to"},
			{"no address", func(m *notify.Message) { m.To = "" }, "to"},
			{"not an address", func(m *notify.Message) { m.To = "ada" }, "to"},
			{"CRLF in the reply-to", func(m *notify.Message) { m.ReplyTo = "coach@example.com\r\nBcc: x@example.com" }, "reply_to"},
			{"no subject", func(m *notify.Message) { m.Subject = " " }, "subject"},
			{"a subject too long", func(m *notify.Message) { m.Subject = strings.Repeat("x", notify.MaxSubjectLen+1) }, "subject"},
			{"no text body", func(m *notify.Message) { m.Text = "" }, "text"},
			{"no dedupe key", func(m *notify.Message) { m.DedupeKey = "" }, "dedupe_key"},
			{"an invite without its method", func(m *notify.Message) { m.ICS = []byte("BEGIN:VCALENDAR") }, "ics_method"},
			{"a method without an invite", func(m *notify.Message) { m.ICSMethod = notify.MethodRequest }, "ics_method"},
			{"no creation time", func(m *notify.Message) { m.CreatedAt = time.Time{} }, "created_at"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := testMessage(1, start)
				tt.change(&m)
				err := db.InTx(ctx, func(tx *sqlx.Tx) error {
					_, err := notify.Enqueue(ctx, tx, m)
					return err
				})
				var fe *fault.Error
				if !errors.As(err, &fe) || fe.Code != fault.Invalid {
					t.Fatalf("got %v, want a %s error", err, fault.Invalid)
				}
				if _, ok := fe.Fields[tt.field]; !ok {
					t.Errorf("fields %v do not name %q", fe.Fields, tt.field)
				}
			})
		}
		if got := statuses(t, db); len(got) != 0 {
			t.Errorf("outbox holds %v, want nothing", got)
		}
	})
}

func TestOutboxList(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	enqueueN(t, db, 20, start) // booking refs REF-0 … REF-6, by i % 7
	outbox := notify.NewOutbox(db, newClock(start).Now)

	t.Run("by booking, newest first", func(t *testing.T) {
		entries, err := outbox.List(ctx, notify.Filter{BookingRef: "REF-3"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range entries {
			got = append(got, e.Subject)
			if e.BookingRef == nil || *e.BookingRef != "REF-3" {
				t.Errorf("entry %d has booking ref %v, want REF-3", e.ID, e.BookingRef)
			}
		}
		if want := "Message 17,Message 10,Message 3"; strings.Join(got, ",") != want {
			t.Errorf("got %v, want %s", got, want)
		}
	})

	t.Run("by status, limited", func(t *testing.T) {
		entries, err := outbox.List(ctx, notify.Filter{Status: notify.Pending, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(entries), 5; got != want {
			t.Errorf("got %d entries, want %d", got, want)
		}
		entries, err = outbox.List(ctx, notify.Filter{Status: notify.Sent})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 0 {
			t.Errorf("got %d sent entries, want none", len(entries))
		}
	})

	t.Run("an unknown status or a bad limit is invalid", func(t *testing.T) {
		for _, f := range []notify.Filter{{Status: "lost"}, {Limit: -1}, {Limit: notify.MaxListLimit + 1}} {
			if _, err := outbox.List(ctx, f); fault.CodeOf(err) != fault.Invalid {
				t.Errorf("List(%+v): got %v, want %s", f, err, fault.Invalid)
			}
		}
	})
}

func TestOutboxRetry(t *testing.T) {
	ctx := context.Background()

	t.Run("a failed message is due again now, with fresh attempts", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		enqueue(t, db, testMessage(1, start))
		server := startSMTP(t, "127.0.0.1:0", nil, false)
		server.setRefuse(errTryLater)
		d := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c)
		for range notify.MaxAttempts {
			d.RunOnce(ctx)
			c.Advance(notify.MaxRetryDelay)
		}
		if got := statuses(t, db); got[notify.Failed] != 1 {
			t.Fatalf("statuses %v, want one failed", got)
		}
		outbox := notify.NewOutbox(db, c.Now)
		entries, _ := outbox.List(ctx, notify.Filter{})
		if err := outbox.Retry(ctx, entries[0].ID); err != nil {
			t.Fatal(err)
		}
		entries, _ = outbox.List(ctx, notify.Filter{})
		if e := entries[0]; e.Status != notify.Pending || e.Attempts != 0 || !e.SendAfter.Equal(c.Now()) {
			t.Errorf("after retry: status %s, attempts %d, send_after %v; want pending, 0, %v", e.Status, e.Attempts, e.SendAfter, c.Now())
		}
		server.setRefuse(nil)
		if sent, err := d.RunOnce(ctx); sent != 1 || err != nil {
			t.Errorf("RunOnce after retry: sent %d, err %v; want 1, nil", sent, err)
		}
	})

	t.Run("only a failed message can be retried", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		enqueue(t, db, testMessage(1, start))
		outbox := notify.NewOutbox(db, newClock(start).Now)
		entries, _ := outbox.List(ctx, notify.Filter{})
		if err := outbox.Retry(ctx, entries[0].ID); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("retry a pending message: got %v, want %s", err, fault.Conflict)
		}
		if err := outbox.Retry(ctx, entries[0].ID+1000); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("retry a missing message: got %v, want %s", err, fault.NotFound)
		}
	})
}
