package booking_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// A batch of bookings reads its date, event, questions, waitlist and its
// coach's settings before it locks anything, and takes its seats last in
// an update guarded by the date's revision (booking/session_batch.go).
// That is only as good as the revision: the database must raise it on
// every change to what the batch read, and never for a booking's own
// count, which the guard checks itself.

// revisionEdit is one kind of change to what a booking of date reads.
type revisionEdit struct {
	name  string
	query string
	args  func(fx *fixture, date int64) []any
}

// revisionSetups are run before the edit of the same name, with the edit's
// first argument: what the edit changes must exist first.
var revisionSetups = map[string]string{
	"the coach's tax removed": `INSERT INTO coach_tax (coach_id, registered, rate_basis_points, inclusive, business_name, business_address, updated_at)
		VALUES (?, FALSE, 0, TRUE, 'Downer Coaching', '1 High St', CURRENT_TIMESTAMP)`,
}

func revisionEdits(t *testing.T) []revisionEdit {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	event := func(fx *fixture, _ int64) []any { return []any{fx.workshop.ID} }
	coach := func(fx *fixture, _ int64) []any { return []any{fx.coach.ID, now} }
	return []revisionEdit{
		{"the event's title", `UPDATE events SET title = 'Renamed Taster' WHERE id = ?`, event},
		{"a required question", `INSERT INTO questions (event_id, position, kind, label, required) VALUES (?, 9, 'short_text', 'Your goal', TRUE)`, event},
		{"someone joins the waitlist", `INSERT INTO waitlist (session_id, event_id, name, email, seats, status, created_at, updated_at) VALUES (?, ?, 'Grace', 'grace@example.com', 1, 'waiting', ?, ?)`,
			func(fx *fixture, date int64) []any { return []any{date, fx.workshop.ID, now, now} }},
		{"the coach requires consent", `INSERT INTO coach_privacy (coach_id, terms, require_consent, updated_at) VALUES (?, 'Be kind.', TRUE, ?)
			ON CONFLICT (coach_id) DO UPDATE SET terms = 'Be kind.', require_consent = TRUE`, coach},
		{"the coach's tax", `INSERT INTO coach_tax (coach_id, registered, rate_basis_points, inclusive, business_name, business_address, updated_at)
			VALUES (?, TRUE, 2000, TRUE, 'Downer Coaching', '1 High St', ?)`, coach},
		{"the host's name", `UPDATE coaches SET name = 'James D. Downer' WHERE id = ?`,
			func(fx *fixture, _ int64) []any { return []any{fx.coach.ID} }},
		{"the coach's tax removed", `DELETE FROM coach_tax WHERE coach_id = ?`,
			func(fx *fixture, _ int64) []any { return []any{fx.coach.ID} }},
		{"a ticket type", `INSERT INTO ticket_types (event_id, position, name, price_cents, created_at, updated_at) VALUES (?, 1, 'Standard', 0, ?, ?)`,
			func(fx *fixture, _ int64) []any { return []any{fx.workshop.ID, now, now} }},
		{"the date moved", `UPDATE sessions SET starts_at = ?, ends_at = ? WHERE id = ?`,
			func(fx *fixture, date int64) []any {
				return []any{fx.workshop.Sessions[0].StartsAt.Add(time.Hour), fx.workshop.Sessions[0].EndsAt.Add(time.Hour), date}
			}},
		{"the date's capacity", `UPDATE sessions SET capacity = capacity + 5 WHERE id = ?`,
			func(_ *fixture, date int64) []any { return []any{date} }},
		{"its count and its capacity at once", `UPDATE sessions SET seats_taken = seats_taken + 1, capacity = capacity + 1 WHERE id = ?`,
			func(_ *fixture, date int64) []any { return []any{date} }},
	}
}

func revisionOf(t *testing.T, ext sqlx.QueryerContext, date int64) int64 {
	t.Helper()
	var rev int64
	if err := sqlx.GetContext(context.Background(), ext, &rev, ext.(sqlx.ExtContext).Rebind(`SELECT revision FROM sessions WHERE id = ?`), date); err != nil {
		t.Fatal(err)
	}
	return rev
}

func TestEveryChangeToWhatABookingReadsRaisesItsDatesRevision(t *testing.T) {
	for _, edit := range revisionEdits(t) {
		t.Run(edit.name, func(t *testing.T) {
			fx := newFixture(t)
			date := fx.workshop.Sessions[0].ID
			if setup := revisionSetups[edit.name]; setup != "" {
				if _, err := fx.db.Writer().Exec(fx.db.Rebind(setup), edit.args(fx, date)[0]); err != nil {
					t.Fatal(err)
				}
			}
			before := revisionOf(t, fx.db.Writer(), date)
			if _, err := fx.db.Writer().Exec(fx.db.Rebind(edit.query), edit.args(fx, date)...); err != nil {
				t.Fatal(err)
			}
			if after := revisionOf(t, fx.db.Writer(), date); after <= before {
				t.Errorf("revision %d after the change, %d before: a batch that read before it would not notice", after, before)
			}
		})
	}
}

func TestABookingsOwnCountLeavesItsDatesRevision(t *testing.T) {
	fx := newFixture(t)
	date := fx.workshop.Sessions[0].ID
	before := revisionOf(t, fx.db.Writer(), date)
	res := fx.book(t, date, "ada@example.com", 2)
	if _, err := fx.svc.Cancel(context.Background(), res.Booking.Ref, booking.Actor{Token: res.Token}); err != nil {
		t.Fatal(err)
	}
	if after := revisionOf(t, fx.db.Writer(), date); after != before {
		t.Errorf("revision %d after a booking and its cancellation, %d before: every batch would run twice", after, before)
	}
}

// answerAfter is what a booking made after each edit must answer.
type answerAfter struct {
	edit string
	want func(t *testing.T, fx *fixture, res booking.Result, err error)
}

func answersAfterEdits() []answerAfter {
	return []answerAfter{
		{"the event's title", func(t *testing.T, fx *fixture, res booking.Result, err error) {
			if err != nil {
				t.Fatal(err)
			}
			// The test notifier records a notice when it is stored, so the
			// rolled-back attempt's are here too: the last one counts.
			last := map[booking.NoticeKind]booking.Notice{}
			for _, n := range fx.notices.all() {
				if n.Booking.Ref == res.Booking.Ref {
					last[n.Kind] = n
				}
			}
			if len(last) == 0 {
				t.Fatal("no notice for the booking")
			}
			for kind, n := range last {
				if n.Event.Title != "Renamed Taster" {
					t.Errorf("%s notice shows the title %q, from before the edit", kind, n.Event.Title)
				}
			}
		}},
		{"a required question", func(t *testing.T, _ *fixture, _ booking.Result, err error) {
			if fault.CodeOf(err) != fault.Invalid {
				t.Errorf("booking without the answer: %v, want invalid", err)
			}
		}},
		{"someone joins the waitlist", func(t *testing.T, _ *fixture, _ booking.Result, err error) {
			if !errors.Is(err, booking.ErrSoldOut) {
				t.Errorf("a newcomer while someone waits: %v, want sold out", err)
			}
		}},
		{"the coach requires consent", func(t *testing.T, _ *fixture, _ booking.Result, err error) {
			if !errors.Is(err, booking.ErrConsentRequired) {
				t.Errorf("a booking without consent: %v, want consent required", err)
			}
		}},
	}
}

// The edit comes between a batch's reads and its seats. On PostgreSQL it
// is another connection's, committed: the batch must run again, locked,
// and answer as the edit says. On SQLite the batch holds the only writer
// from its start, so nobody else can edit then; the edit is made in the
// batch's own transaction, which the batch then rolls back with its
// attempt, and the run again, locked, books as before.
func TestAnUnlockedBatchWhoseDateChangedRunsAgainLocked(t *testing.T) {
	ctx := context.Background()
	for _, tc := range answersAfterEdits() {
		t.Run(tc.edit, func(t *testing.T) {
			fx := newFixture(t)
			date := fx.workshop.Sessions[0].ID
			edit := revisionEditNamed(t, tc.edit)
			pg := fx.db.Dialect == sqldb.Postgres
			booking.EditWhenUnlocked(fx.svc, func(ctx context.Context, tx *sqlx.Tx) error {
				var ext sqlx.ExecerContext = tx
				if pg {
					ext = fx.db.Writer()
				}
				_, err := ext.ExecContext(ctx, fx.db.Rebind(edit.query), edit.args(fx, date)...)
				return err
			})
			res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: date, Name: "Ada Lovelace", Email: "ada@example.com", Seats: 1})
			if g, gerr := fx.svc.Gauges(ctx); gerr != nil {
				t.Fatal(gerr)
			} else if g.GroupCommit.Relocked != 1 {
				t.Errorf("%d batches run again locked, want 1", g.GroupCommit.Relocked)
			}
			if !pg {
				if err != nil {
					t.Errorf("the batch run again without the edit its first attempt made: %v", err)
				}
				return
			}
			tc.want(t, fx, res, err)
		})
	}
}

func revisionEditNamed(t *testing.T, name string) revisionEdit {
	for _, e := range revisionEdits(t) {
		if e.name == name {
			return e
		}
	}
	t.Fatalf("no edit %q", name)
	return revisionEdit{}
}

// A date's batches remember what they read while its revision stands (a
// flash sale's batches read only the date's row); an edit made between
// two bookings must reach the second.
func TestABookingAfterAnEditSeesIt(t *testing.T) {
	ctx := context.Background()
	for _, tc := range answersAfterEdits() {
		t.Run(tc.edit, func(t *testing.T) {
			fx := newFixture(t)
			date := fx.workshop.Sessions[0].ID
			fx.book(t, date, "first@example.com", 1)
			edit := revisionEditNamed(t, tc.edit)
			if _, err := fx.db.Writer().Exec(fx.db.Rebind(edit.query), edit.args(fx, date)...); err != nil {
				t.Fatal(err)
			}
			res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: date, Name: "Ada Lovelace", Email: "ada@example.com", Seats: 1})
			tc.want(t, fx, res, err)
		})
	}
}

// A paid date's bookings are holds, never deferred: once its event is
// known, its batches run locked from the start rather than being rolled
// back and run again, and so are those of a request with an idempotency
// key.
func TestBatchesThatCannotDeferRunLockedFromTheStart(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	for i := range 3 {
		if _, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[0].ID, Name: "Ada Lovelace",
			Email: fmt.Sprintf("ada%d@example.com", i), Seats: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.workshop.Sessions[0].ID, Name: "Ada Lovelace",
		Email: "keyed@example.com", Seats: 1, IdempotencyKey: "k-1", IdempotencyScope: "127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	g, err := fx.svc.Gauges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g.GroupCommit.Relocked != 1 {
		t.Errorf("%d of %d batches run again locked, want 1 (the paid date's first, before its event was known)",
			g.GroupCommit.Relocked, g.GroupCommit.Transactions)
	}
}
