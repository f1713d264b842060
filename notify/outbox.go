package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// Status is where a message is in its life.
type Status string

// Message statuses. A Pending message waits for its send_after; a Sending
// one is leased by a worker until its lease_until; Sent and Failed are
// final (Failed until a coach retries it).
const (
	Pending Status = "pending"
	Sending Status = "sending"
	Sent    Status = "sent"
	Failed  Status = "failed"
)

// row is an outbox row, column for column.
type row struct {
	ID           int64      `db:"id"`
	DedupeKey    string     `db:"dedupe_key"`
	Kind         string     `db:"kind"`
	BookingRef   *string    `db:"booking_ref"`
	ToAddr       string     `db:"to_addr"`
	ToName       string     `db:"to_name"`
	ReplyTo      string     `db:"reply_to"`
	SenderName   string     `db:"sender_name"`
	Subject      string     `db:"subject"`
	TextBody     string     `db:"text_body"`
	HTMLBody     string     `db:"html_body"`
	ICS          *string    `db:"ics"`
	ICSMethod    string     `db:"ics_method"`
	MessageToken string     `db:"message_token"`
	Status       Status     `db:"status"`
	Attempts     int        `db:"attempts"`
	SendAfter    time.Time  `db:"send_after"`
	LeaseUntil   *time.Time `db:"lease_until"`
	LastError    string     `db:"last_error"`
	SentAt       *time.Time `db:"sent_at"`
	CreatedAt    time.Time  `db:"created_at"`
}

// Entry is a message as the admin outbox lists it: where it is in its
// life, without its body (which can hold a manage token).
type Entry struct {
	ID         int64      `db:"id"`
	Kind       Kind       `db:"kind"`
	BookingRef *string    `db:"booking_ref"`
	To         string     `db:"to_addr"`
	Subject    string     `db:"subject"`
	Status     Status     `db:"status"`
	Attempts   int        `db:"attempts"`
	SendAfter  time.Time  `db:"send_after"`
	SentAt     *time.Time `db:"sent_at"`
	LastError  string     `db:"last_error"`
	CreatedAt  time.Time  `db:"created_at"`
}

// Filter narrows Outbox.List. Zero fields do not filter.
type Filter struct {
	BookingRef string
	// BookingRefs, when not nil, keeps only messages about these bookings
	// (an empty list matches none): a coach sees the mail of their events.
	BookingRefs []string
	Status      Status
	Limit       int // at most MaxListLimit; zero means DefaultListLimit
}

// Limits of Outbox.List.
const (
	DefaultListLimit = 100
	MaxListLimit     = 1000
)

// Outbox reads and manages stored messages. Messages are written by Enqueue
// and sent by a Deliverer.
type Outbox struct {
	db  *sqldb.DB
	now func() time.Time
}

// NewOutbox returns an Outbox on db with the given clock.
func NewOutbox(db *sqldb.DB, now func() time.Time) *Outbox {
	return &Outbox{db: db, now: now}
}

// List returns the messages that match f, newest first. It returns a
// fault.Invalid error for an unknown status or a limit out of range.
func (o *Outbox) List(ctx context.Context, f Filter) ([]Entry, error) {
	var fields fault.Fields
	switch f.Status {
	case "", Pending, Sending, Sent, Failed:
	default:
		fields.Add("status", "must be pending, sending, sent or failed")
	}
	fields.Check(f.Limit >= 0 && f.Limit <= MaxListLimit, "limit", fmt.Sprintf("must be between 1 and %d", MaxListLimit))
	if err := fields.Err(); err != nil {
		return nil, err
	}
	if f.Limit == 0 {
		f.Limit = DefaultListLimit
	}
	query := `SELECT id, kind, booking_ref, to_addr, subject, status, attempts, send_after, sent_at, last_error, created_at
		FROM outbox WHERE 1 = 1`
	var args []any
	if f.BookingRef != "" {
		query += ` AND booking_ref = ?`
		args = append(args, f.BookingRef)
	}
	if f.BookingRefs != nil {
		if len(f.BookingRefs) == 0 {
			return []Entry{}, nil
		}
		in, inArgs, err := sqlx.In(` AND booking_ref IN (?)`, f.BookingRefs)
		if err != nil {
			return nil, fmt.Errorf("list outbox: %w", err)
		}
		query += in
		args = append(args, inArgs...)
	}
	if f.Status != "" {
		query += ` AND status = ?`
		args = append(args, f.Status)
	}
	query += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	entries := []Entry{}
	if err := o.db.SelectContext(ctx, &entries, o.db.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return entries, nil
}

// Retry puts a failed message back in the queue, due now, with a fresh
// count of attempts. It returns a fault.NotFound error if there is no
// message id, and a fault.Conflict error if the message has not failed.
func (o *Outbox) Retry(ctx context.Context, id int64) error {
	return o.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var status Status
		err := tx.GetContext(ctx, &status, tx.Rebind(`SELECT status FROM outbox WHERE id = ?`), id)
		if errors.Is(err, sql.ErrNoRows) {
			return fault.New(fault.NotFound, "message %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("retry message %d: %w", id, err)
		}
		if status != Failed {
			return fault.New(fault.Conflict, "message %d is %s; only a failed message can be retried", id, status)
		}
		_, err = tx.ExecContext(ctx, tx.Rebind(`
			UPDATE outbox SET status = ?, attempts = 0, send_after = ?, lease_until = NULL
			WHERE id = ? AND status = ?`), Pending, o.now().UTC(), id, Failed)
		if err != nil {
			return fmt.Errorf("retry message %d: %w", id, err)
		}
		return nil
	})
}
