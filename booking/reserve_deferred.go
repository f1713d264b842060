package booking

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/secret"
)

// Deferred writes: the bookings of a batch that need nothing but rows
// inserted (no idempotency key, discount code, ticket quota or consent to
// record, and no hold whose caps count rows) are not written one by one as they are decided. Reserve checks
// each in turn, counts its seats in the batch's date and renders its
// emails, and the batch then writes all of them together before it
// commits: one statement each for the bookings, their history, their
// manage tokens, their lines and their emails, however many there are.
// A flash sale's batch of thirty-two bookings then costs a dozen round
// trips instead of two hundred.
//
// The bookings insert skips a row whose person already holds a live
// booking of the date (or whose random ref or form token is taken) rather
// than failing the statement, so one request's conflict is its own
// answer. If a statement fails anyway, the batch rolls back to before the
// deferred writes and writes each booking on its own, in a savepoint of
// its own, as if none had been deferred.

// errLostRace is a deferred booking's answer when its row was skipped for
// a taken unique value other than its person's live booking (its ref or
// form token): Reserve runs it again, as it does for a unique violation.
var errLostRace = errors.New("booking lost a race for a unique value")

// reservation is a booking Reserve has decided to make: checked, priced,
// its seats counted in its batch's date, its ref and manage token chosen,
// its emails rendered when it is deferred. Writing it is what is left.
type reservation struct {
	req     Request
	b       Booking
	token   string
	priced  order
	notices []RenderedNotice // its confirmation emails, rendered (deferred only)
	now     time.Time

	written bool  // the batch wrote it, or gave its answer in err
	err     error // why it was not written
}

// result is r's answer once its batch committed.
func (r *reservation) result() (Result, error) {
	switch {
	case !r.written:
		return Result{}, fmt.Errorf("booking %s was deferred but never written", r.b.Ref)
	case r.err != nil:
		return Result{}, r.err
	}
	return Result{Booking: r.b, Token: r.token, Lines: r.priced.bookingLines(r.b.ID)}, nil
}

// deferrable renders r's emails and reports whether r can be written with
// the rest of its batch: it needs nothing but rows inserted, and the
// notifier can render ahead.
func (s *Service) deferrable(d *sessionBatch, r *reservation) bool {
	renderer, ok := s.notifier.(NoticeRenderer)
	// A hold is not deferred: the caps on open holds count the rows of
	// earlier holds, this batch's among them.
	if !ok || r.b.Status != Confirmed || r.req.IdempotencyKey != "" || r.priced.code != nil ||
		len(r.priced.typedCounts()) > 0 || len(consentRecords(r.req.Consent, d.privacy)) > 0 {
		return false
	}
	s.dates.remember(dateInputs{event: d.event, session: d.sess, questions: d.questions, key: d.key()})
	notices := s.confirmedNotices(r.b, d.event, d.sess, r.token, d.questions)
	if rendered, ok := r.req.plan.matching(notices, d.key()); ok {
		r.notices = rendered
		return true
	}
	for _, n := range notices {
		rendered, err := renderer.Render(n)
		if err != nil {
			return false // written on its own, where the error is its answer
		}
		r.notices = append(r.notices, rendered)
	}
	return true
}

// settleRepeats makes sure, before a booking of seats is refused for want
// of them, that the seats d counts as taken are taken: a deferred booking
// whose person already holds a live booking of the date (made earlier, or
// earlier in this batch) is answered ErrAlreadyBooked now, as writing it
// would, and gives its seats back. Otherwise the repeat would hold them
// until the batch's end, and a newcomer decided after it would be told
// sold out while a seat stays free. It reads only when the seats do not
// fit and bookings were deferred since it last looked, once for all of
// them, so a sale with seats to spare never runs it.
func settleRepeats(ctx context.Context, ext sqlx.ExtContext, d *sessionBatch, seats int) error {
	if d.seatsLeft() >= seats || d.settled == len(d.deferred) {
		return nil
	}
	keys := make([]string, 0, len(d.deferred)-d.settled)
	for _, r := range d.deferred[d.settled:] {
		keys = append(keys, *r.b.liveKey())
	}
	booked, err := liveKeys(ctx, ext, keys)
	if err != nil {
		return fmt.Errorf("live bookings of deferred ones: %w", err)
	}
	kept := d.deferred[:0]
	for i, r := range d.deferred {
		key := *r.b.liveKey()
		if i >= d.settled && booked[key] {
			r.written, r.err = true, ErrAlreadyBooked
			d.taken -= r.b.Seats
			continue
		}
		booked[key] = true // a second request of the batch's for the same person is a repeat too
		kept = append(kept, r)
	}
	d.deferred = kept
	d.settled = len(kept)
	return nil
}

// writeDeferred writes the batch's deferred bookings, together, or, in a
// locked batch, one by one if that fails (an unlocked batch that fails is
// run again, locked: see groupCommitter.run); a booking that could not be
// written has its answer in its err and its seats given back to d. Errors
// are the database's.
func (s *Service) writeDeferred(ctx context.Context, tx *sqlx.Tx, d *sessionBatch) error {
	rs := d.deferred
	d.deferred = nil
	if len(rs) == 0 {
		return nil
	}
	if !d.locked {
		return s.writeAll(ctx, tx, d, rs) // on failure the batch is run again, locked
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT deferred`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	err := s.writeAll(ctx, tx, d, rs)
	if err == nil {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT deferred`); err != nil {
		return fmt.Errorf("roll back to savepoint: %w", err)
	}
	for _, r := range rs {
		if r.written && r.err != nil {
			d.taken += r.b.Seats // answerSkipped gave them back: this booking is tried again below
		}
		r.b.ID, r.written, r.err = 0, true, nil
		if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT deferred; SAVEPOINT deferred`); err != nil {
			return fmt.Errorf("savepoint: %w", err)
		}
		if _, err := s.storeReserved(ctx, tx, d, r); err != nil {
			if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT deferred`); rerr != nil {
				return fmt.Errorf("roll back to savepoint: %w", rerr)
			}
			r.err = err
			d.taken -= r.b.Seats
		}
	}
	return nil
}

// writeAll writes rs in one statement per table. A lone booking's
// statements (the common case when bookings are few) have one text each,
// so they go through their prepared form, as Reserve's others do; a
// batch's vary with its size and are parsed each time, once per batch.
func (s *Service) writeAll(ctx context.Context, tx *sqlx.Tx, d *sessionBatch, rs []*reservation) error {
	var ext sqlx.ExtContext = tx
	if len(rs) == 1 {
		ext = preparedTx{Tx: tx, stmts: s.stmts}
	}
	inserted, err := insertBookings(ctx, ext, rs)
	if err != nil {
		return err
	}
	if err := s.answerSkipped(ctx, tx, d, rs); err != nil {
		return err
	}
	if len(inserted) == 0 {
		return nil
	}
	var (
		history, tokens []string
		args            [2][]any
		lines           []BookingLine
		notices         []RenderedNotice
	)
	for _, r := range inserted {
		history = append(history, "(?, ?, ?, ?, ?, ?)")
		args[0] = append(args[0], r.b.ID, r.b.SessionID, "", string(r.b.Status), "booked", r.now)
		tokens = append(tokens, "(?, ?, ?)")
		args[1] = append(args[1], r.b.ID, secret.Hash(r.token), r.now)
		lines = append(lines, r.priced.bookingLines(r.b.ID)...)
		notices = append(notices, r.notices...)
	}
	for i, q := range []string{
		`INSERT INTO booking_history (booking_id, session_id, from_status, to_status, reason, at) VALUES ` + strings.Join(history, ", "),
		`INSERT INTO booking_tokens (booking_id, token_hash, created_at) VALUES ` + strings.Join(tokens, ", "),
	} {
		if _, err := ext.ExecContext(ctx, ext.Rebind(q), args[i]...); err != nil {
			return fmt.Errorf("write %d bookings: %w", len(inserted), err)
		}
	}
	if err := insertLines(ctx, ext, lines); err != nil {
		return err
	}
	return storeRendered(ctx, ext, notices)
}

// bookingColumnsIn are the columns insertBookings writes, in order.
const bookingColumnsIn = `ref, session_id, event_id, name, email, seats, status, live_key, form_nonce, amount_cents,
	currency, hold_expires_at, payment_ref, payment_intent, refunded_cents, answers, sequence, timezone, client_addr,
	created_at, updated_at`

// insertBookings inserts rs' bookings in one statement, skipping any row
// that would take a unique value already taken (a second row of the
// batch with the same random ref among them: its emails show the ref, so
// it is tried again rather than given another), and returns those it
// inserted, their ids set. The others are left unwritten for
// answerSkipped.
func insertBookings(ctx context.Context, ext sqlx.ExtContext, rs []*reservation) ([]*reservation, error) {
	rows := make([]string, 0, len(rs))
	args := make([]any, 0, 21*len(rs))
	byRef := make(map[string]*reservation, len(rs))
	for _, r := range rs {
		if byRef[r.b.Ref] != nil {
			continue
		}
		byRef[r.b.Ref] = r
		var nonce *string
		if r.req.FormNonce != "" {
			nonce = &r.req.FormNonce
		}
		b := r.b
		rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, b.Ref, b.SessionID, b.EventID, b.Name, b.Email, b.Seats, string(b.Status), b.liveKey(), nonce,
			b.AmountCents, b.Currency, b.HoldExpiresAt, b.PaymentRef, b.PaymentIntent, b.RefundedCents, b.Answers,
			b.Sequence, b.Timezone, r.req.ClientAddr, b.CreatedAt, b.UpdatedAt)
	}
	q := `INSERT INTO bookings (` + bookingColumnsIn + `) VALUES ` + strings.Join(rows, ", ") +
		` ON CONFLICT DO NOTHING RETURNING id, ref`
	var got []struct {
		ID  int64  `db:"id"`
		Ref string `db:"ref"`
	}
	if err := sqlx.SelectContext(ctx, ext, &got, ext.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("insert %d bookings: %w", len(rs), err)
	}
	inserted := make([]*reservation, 0, len(got))
	for _, g := range got {
		r := byRef[g.Ref]
		if r == nil {
			return nil, fmt.Errorf("insert bookings: the database returned ref %s, which was not asked for", g.Ref)
		}
		r.b.ID, r.written = g.ID, true
		inserted = append(inserted, r)
	}
	return inserted, nil
}

// answerSkipped answers the reservations whose rows insertBookings
// skipped: ErrAlreadyBooked when their person holds a live booking of the
// date (made earlier, or earlier in this batch), else errLostRace; and
// gives their seats back to d.
func (s *Service) answerSkipped(ctx context.Context, tx *sqlx.Tx, d *sessionBatch, rs []*reservation) error {
	var keys []string
	for _, r := range rs {
		if !r.written {
			keys = append(keys, *r.b.liveKey())
		}
	}
	if len(keys) == 0 {
		return nil
	}
	taken, err := liveKeys(ctx, tx, keys)
	if err != nil {
		return fmt.Errorf("live bookings of skipped rows: %w", err)
	}
	for _, r := range rs {
		if r.written {
			continue
		}
		r.written, r.err = true, errLostRace
		if taken[*r.b.liveKey()] {
			r.err = ErrAlreadyBooked
		}
		d.taken -= r.b.Seats
	}
	return nil
}

// liveKeys returns which of keys (liveKey values) a live booking holds.
func liveKeys(ctx context.Context, ext sqlx.ExtContext, keys []string) (map[string]bool, error) {
	q, args, err := sqlx.In(`SELECT live_key FROM bookings WHERE live_key IN (?)`, keys)
	if err != nil {
		return nil, err
	}
	var live []string
	if err := sqlx.SelectContext(ctx, ext, &live, ext.Rebind(q), args...); err != nil {
		return nil, err
	}
	held := make(map[string]bool, len(live))
	for _, k := range live {
		held[k] = true
	}
	return held, nil
}
