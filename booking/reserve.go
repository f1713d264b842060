package booking

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/sqldb"
)

// Reserve books seats on a session. A free event's booking is confirmed at
// once; a paid event's is a hold (PendingPayment) that expires after the hold
// duration unless paid. Returns ErrSoldOut when the seats do not fit,
// ErrRegistrationClosed for a past, cancelled or unpublished date,
// ErrAlreadyBooked when the email has a live booking for the date (whose
// link is then sent again to that email, rate-limited: see resendLink),
// ErrConsentRequired when the event's coach requires consent to their
// terms and req.Consent.Terms is false, ErrTooManyOpen past the caps on
// unpaid holds (see Config), and a fault.Invalid error naming bad fields.
func (s *Service) Reserve(ctx context.Context, req Request) (Result, error) {
	req.normalize()
	if err := req.validate(s.cfg.MaxSeats); err != nil {
		return Result{}, err
	}
	for attempt := 0; ; attempt++ {
		req.plan = s.planConfirmation(req) // afresh: a retry may have lost a race for the ref
		var (
			res      Result
			deferred *reservation
		)
		err := s.reserveTx(ctx, req.SessionID, mayDefer(req), func(ctx context.Context, tx *sqlx.Tx, d *sessionBatch) error {
			var err error
			res, deferred, err = s.reserve(ctx, tx, d, req)
			return err
		})
		if err == nil && deferred != nil {
			res, err = deferred.result() // written with its batch, which has committed
		}
		lostRace := sqldb.IsUniqueViolation(err) || errors.Is(err, errLostRace)
		if attempt == 3 || !(lostRace || errors.Is(err, ErrAlreadyBooked) && req.repeatable()) {
			if errors.Is(err, ErrAlreadyBooked) {
				return Result{}, s.alreadyBooked(ctx, req.SessionID, req.Email)
			}
			return res, err
		}
		// A concurrent request won a race for a unique value: the same
		// idempotency key or form, the same person and date, or (rarely) the
		// same random ref. The next attempt sees which and answers for it;
		// a repeat of a request that committed meanwhile is answered as a
		// replay rather than as a second booking for the same person.
	}
}

// reserve makes req's booking in tx, on the date d that it shares with
// the other bookings of the transaction (see sessionBatch): only what is
// this booking's own is read or written here, and its seats are counted
// in d, which adds them to the date's count before the commit. A booking
// that needs only rows inserted is not written here but deferred to the
// batch's end (see writeDeferred), and returned as a reservation whose
// result is known once the batch commits.
func (s *Service) reserve(ctx context.Context, tx *sqlx.Tx, d *sessionBatch, req Request) (Result, *reservation, error) {
	if !d.locked && !mayDefer(req) {
		return Result{}, nil, errRunLocked // before the replay, which reads the key
	}
	if res, ok, err := s.replay(ctx, tx, req); err != nil || ok {
		return res, nil, err
	}
	if d.refusal != nil {
		return Result{}, nil, d.refusal
	}
	if !d.locked && !d.event.Free() {
		return Result{}, nil, errRunLocked // a hold: decide would count open holds
	}
	r, err := s.decide(ctx, tx, d, req)
	if err != nil {
		return Result{}, nil, err
	}
	if s.deferrable(d, r) {
		d.take(r.b.Seats) // decide saw them fit
		d.deferred = append(d.deferred, r)
		return Result{}, r, nil
	}
	if !d.locked {
		return Result{}, nil, errRunLocked
	}
	res, err := s.storeReserved(ctx, tx, d, r)
	if err != nil {
		return Result{}, nil, err
	}
	// Last, in memory: a booking that failed above rolls back its
	// savepoint, and takes nothing from d.
	if !d.take(r.b.Seats) {
		return Result{}, nil, ErrSoldOut
	}
	return res, nil, nil
}

// mayDefer reports whether req could be deferred (see deferrable) as far
// as the request alone tells: no idempotency key, code or ticket types.
// A batch runs unlocked only while its requests may be.
func mayDefer(req Request) bool {
	return req.IdempotencyKey == "" && req.DiscountCode == "" && len(req.Tickets) == 0
}

// decide checks req against its date d and prices it: the booking to
// make, its seats not yet counted in d. Returns the refusals Reserve
// documents.
func (s *Service) decide(ctx context.Context, tx *sqlx.Tx, d *sessionBatch, req Request) (*reservation, error) {
	// The statements every booking runs go through their prepared form (the
	// replay, the idempotency key and the notifier's outbox rows use tx):
	// a flash sale runs them hundreds of times a second.
	ext := preparedTx{Tx: tx, stmts: s.stmts}
	sess, event := d.sess, d.event
	answers, err := validateAnswers(d.questions, req.Answers)
	if err != nil {
		return nil, err
	}
	// People in line are served first: free seats are theirs to be offered
	// (see offerFreedSeats), so a newcomer joins the line instead. Someone
	// who already holds a booking hears that rather than sold out.
	if err := settleRepeats(ctx, ext, d, req.Seats); err != nil {
		return nil, err
	}
	if d.seatsLeft() < req.Seats || d.waiting {
		return nil, soldOutUnlessBooked(ctx, ext, d, req.Email)
	}
	if d.privacy.RequireConsent && !req.Consent.Terms {
		return nil, ErrConsentRequired
	}
	now := s.now().UTC()
	priced, err := priceOrderWith(ctx, ext, event, d.tax, req, now)
	if err != nil {
		return nil, err
	}
	b := Booking{
		SessionID: sess.ID, EventID: event.ID, Name: req.Name, Email: req.Email, Seats: priced.seats(),
		Status: Confirmed, AmountCents: priced.quote.GrossCents, Currency: event.Currency,
		Answers: answers, Timezone: req.Timezone, CreatedAt: now, UpdatedAt: now,
	}
	// What is charged decides, not the list price: a code that makes the
	// total zero confirms without payment.
	if !priced.quote.Free() {
		if err := s.checkOpenCaps(ctx, tx, req.Email, req.ClientAddr); err != nil {
			return nil, err
		}
		b.Status, b.HoldExpiresAt = PendingPayment, s.holdExpiry(event, sess)
	}
	if err := settleRepeats(ctx, ext, d, b.Seats); err != nil {
		return nil, err
	}
	if b.Seats > d.seatsLeft() {
		return nil, soldOutUnlessBooked(ctx, ext, d, req.Email) // more tickets than seats
	}
	// The ref and the manage token are chosen before anything is written
	// or rendered: the emails show both.
	if b.Ref = req.plan.plannedRef(); b.Ref == "" {
		b.Ref = newRef(event.Title)
	}
	return &reservation{req: req, b: b, token: req.plan.tokenOrNew(), priced: priced, now: now}, nil
}

// storeReserved writes r's booking: the row (unless the person already
// has a live booking of the date: ErrAlreadyBooked), consents,
// idempotency key, history, manage token, confirmation emails (as
// rendered if r has them), lines, quotas and the code's use. It sets r's
// booking id.
func (s *Service) storeReserved(ctx context.Context, tx *sqlx.Tx, d *sessionBatch, r *reservation) (Result, error) {
	ext := preparedTx{Tx: tx, stmts: s.stmts}
	req, now := r.req, r.now
	b := &r.b
	if inserted, err := insertLiveBooking(ctx, ext, b, d.event.Title, req.FormNonce, req.ClientAddr); err != nil {
		return Result{}, err
	} else if !inserted {
		return Result{}, ErrAlreadyBooked
	}
	if err := recordConsentsWith(ctx, ext, *b, req.Consent, d.privacy, now); err != nil {
		return Result{}, err
	}
	if req.IdempotencyKey != "" {
		if err := recordIdempotencyKey(ctx, tx, req.IdempotencyScope, req.IdempotencyKey, req.hash(), b.ID, now); err != nil {
			return Result{}, err
		}
	}
	if err := recordHistory(ctx, ext, *b, "", "booked", now); err != nil {
		return Result{}, err
	}
	token, err := s.storeToken(ctx, ext, b.ID, r.token)
	if err != nil {
		return Result{}, err
	}
	switch {
	case r.notices != nil:
		if err := storeRendered(ctx, ext, r.notices); err != nil {
			return Result{}, fmt.Errorf("notify %s: %w", b.Ref, err)
		}
	case b.Status == Confirmed:
		if err := s.notifyPlanned(ctx, tx, *b, d.event, d.sess, token, d.questions, req.plan, d.key()); err != nil {
			return Result{}, err
		}
	}
	// The quotas and the code's use, in the order every path takes them
	// (types, then code; the date's seats were locked first, by openSessionBatch).
	if err := storeOrder(ctx, ext, *b, r.priced, now); err != nil {
		return Result{}, err
	}
	return Result{Booking: *b, Token: token, Lines: r.priced.bookingLines(b.ID)}, nil
}

// soldOutUnlessBooked is the answer to someone asking for seats on d
// that are not free: ErrAlreadyBooked if they hold a live booking of the
// date, written or deferred in this batch (which matters more to them),
// else ErrSoldOut.
func soldOutUnlessBooked(ctx context.Context, ext sqlx.ExtContext, d *sessionBatch, email string) error {
	key := liveKey(d.sessionID, email)
	for _, r := range d.deferred {
		if *r.b.liveKey() == key {
			return ErrAlreadyBooked
		}
	}
	ref, err := liveRef(ctx, ext, key)
	if err != nil {
		return err
	}
	if ref != "" {
		return ErrAlreadyBooked
	}
	return ErrSoldOut
}
