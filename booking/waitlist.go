package booking

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/secret"
	"github.com/roster-app/roster/sqldb"
)

// WaitlistStatus is where a waitlist entry is in its life.
type WaitlistStatus string

// Waitlist statuses. An Offered entry holds its seats until it is claimed or
// its offer expires.
const (
	Waiting      WaitlistStatus = "waiting"
	Offered      WaitlistStatus = "offered"
	Claimed      WaitlistStatus = "claimed"
	OfferExpired WaitlistStatus = "offer_expired"
	Left         WaitlistStatus = "left"
)

// WaitlistEntry is a person waiting for seats on a full session.
type WaitlistEntry struct {
	ID             int64          `db:"id"`
	SessionID      int64          `db:"session_id"`
	EventID        int64          `db:"event_id"`
	Name           string         `db:"name"`
	Email          string         `db:"email"`
	Seats          int            `db:"seats"`
	Status         WaitlistStatus `db:"status"`
	OfferExpiresAt *time.Time     `db:"offer_expires_at"`
	CreatedAt      time.Time      `db:"created_at"`
	UpdatedAt      time.Time      `db:"updated_at"`
}

// ErrOfferGone is returned when a waitlist offer was already claimed,
// expired or never existed.
var ErrOfferGone = fault.New(fault.Conflict, "this waitlist offer is no longer open")

// ErrAlreadyWaiting is returned to a second sign-up of one email for the
// waitlist of one date (code already_booked, as for a booking).
var ErrAlreadyWaiting = fault.New(fault.AlreadyBooked,
	"this email is already on the waitlist for this date: check your email for your place in line")

// JoinWaitlist puts a person in line for req.Seats seats on req.SessionID
// and emails them their place in the queue. The line is for dates that
// cannot seat them: when the seats fit and nobody is waiting it returns
// ErrSeatsAvailable (book them instead). If someone is waiting and seats
// are free that nobody before the newcomer can use, the newcomer is
// offered them at once (see offerFreedSeats for the rule). Returns
// ErrAlreadyBooked if they are booked for the date, ErrAlreadyWaiting if
// they are already in line, a fault.Invalid error on seats when they are
// more than the date holds,
// ErrTooManyOpen past the caps on unpaid holds and waitlist places (see
// Config), a fault.Invalid error naming bad fields, and the session's
// refusal (registration_closed, session_started, session_cancelled,
// event_cancelled) when it takes no one. Name, Email, Seats, SessionID
// and ClientAddr of req are used.
func (s *Service) JoinWaitlist(ctx context.Context, req Request) (WaitlistEntry, error) {
	req = Request{SessionID: req.SessionID, Name: req.Name, Email: req.Email, Seats: req.Seats, ClientAddr: req.ClientAddr}
	req.normalize()
	sessionID := req.SessionID
	if err := req.validate(s.cfg.MaxSeats); err != nil {
		return WaitlistEntry{}, err
	}
	var entry WaitlistEntry
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		sess, e, err := sessionAndEvent(ctx, tx, sessionID)
		if err != nil {
			return notFoundAs(err, fault.New(fault.NotFound, "no such date"))
		}
		if err := events.Allows(e, sess, events.ActJoinWaitlist, s.now()); err != nil {
			return err
		}
		if req.Seats > sess.Capacity { // no freed seats could ever seat them
			return (&fault.Fields{"seats": fmt.Sprintf("must be at most %d: the date's capacity", sess.Capacity)}).Err()
		}
		if ref, err := liveRef(ctx, tx, liveKey(sess.ID, req.Email)); err != nil {
			return err
		} else if ref != "" {
			return ErrAlreadyBooked
		}
		if sess.SeatsLeft() >= req.Seats {
			if waiting, err := someoneWaits(ctx, tx, sess.ID); err != nil {
				return err
			} else if !waiting {
				return ErrSeatsAvailable
			}
		}
		if err := s.checkOpenCaps(ctx, tx, req.Email, req.ClientAddr); err != nil {
			return err
		}
		now := s.now().UTC()
		entry = WaitlistEntry{SessionID: sess.ID, EventID: sess.EventID, Name: req.Name, Email: req.Email,
			Seats: req.Seats, Status: Waiting, CreatedAt: now, UpdatedAt: now}
		stmt, args, err := sqlx.Named(`INSERT INTO waitlist (session_id, event_id, name, email, seats, status, live_key, client_addr, created_at, updated_at)
			VALUES (:session_id, :event_id, :name, :email, :seats, :status, :live_key, :client_addr, :created_at, :updated_at) RETURNING id`,
			struct {
				WaitlistEntry
				LiveKey    string `db:"live_key"`
				ClientAddr string `db:"client_addr"`
			}{entry, liveKey(sess.ID, req.Email), req.ClientAddr})
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &entry.ID, tx.Rebind(stmt), args...); err != nil {
			return fmt.Errorf("join waitlist: %w", err)
		}
		var position int
		if err := tx.GetContext(ctx, &position, tx.Rebind(`SELECT COUNT(*) FROM waitlist
			WHERE session_id = ? AND status IN ('waiting', 'offered') AND id <= ?`), sess.ID, entry.ID); err != nil {
			return fmt.Errorf("place in line: %w", err)
		}
		n := Notice{Kind: NoticeWaitlistJoined, Event: e, Session: sess, Offer: &entry, Position: position,
			Booking: entryBooking(entry, e)}
		if err := s.notifier.Notify(ctx, tx, n); err != nil {
			return fmt.Errorf("notify waitlist joined: %w", err)
		}
		// Seats may be free that nobody before them can use.
		return s.offerFreedSeats(ctx, tx, sess.ID)
	})
	if errors.Is(err, ErrAlreadyBooked) {
		return WaitlistEntry{}, s.alreadyBooked(ctx, sessionID, req.Email)
	}
	if sqldb.IsUniqueViolation(err) {
		return WaitlistEntry{}, ErrAlreadyWaiting // the joined email had their place
	}
	if err == nil {
		err = s.db.GetContext(ctx, &entry, s.db.Rebind(`SELECT `+waitlistColumns+` FROM waitlist WHERE id = ?`), entry.ID)
	}
	return entry, err
}

// entryBooking is the booking-shaped part of a notice about a waitlist
// entry: who and for how many seats.
func entryBooking(entry WaitlistEntry, e events.Event) Booking {
	return Booking{Name: entry.Name, Email: entry.Email, Seats: entry.Seats, SessionID: entry.SessionID, EventID: e.ID, Currency: e.Currency}
}

// offer holds seats (already taken by the caller) for a waiting entry and
// emails a claim link. The offer expires after the offer duration or when
// the date's registration closes, whichever is first.
func (s *Service) offer(ctx context.Context, tx *sqlx.Tx, entry WaitlistEntry, e events.Event, sess events.Session) error {
	now := s.now().UTC()
	expires := now.Add(s.cfg.OfferDuration)
	if closes := sess.ClosesAt(e); closes.Before(expires) {
		expires = closes
	}
	token := secret.RandomString(24)
	hash := secret.Hash(token)
	entry.OfferExpiresAt = &expires
	if err := s.setEntryStatus(ctx, tx, &entry, EntryOffer, &hash); err != nil {
		return err
	}
	n := Notice{Kind: NoticeWaitlistOffer, Event: e, Session: sess, Offer: &entry, Booking: entryBooking(entry, e),
		ClaimURL: fmt.Sprintf("%s/waitlist/%d/claim?t=%s", s.cfg.BaseURL, entry.ID, token)}
	if err := s.notifier.Notify(ctx, tx, n); err != nil {
		return fmt.Errorf("notify waitlist offer: %w", err)
	}
	return nil
}

const waitlistColumns = `id, session_id, event_id, name, email, seats, status, offer_expires_at, created_at, updated_at`

// Offer returns an open waitlist offer if token claims it, else ErrOfferGone.
func (s *Service) Offer(ctx context.Context, entryID int64, token string) (WaitlistEntry, error) {
	return s.openOffer(ctx, s.db, entryID, token, "")
}

func (s *Service) openOffer(ctx context.Context, ext sqlx.ExtContext, entryID int64, token, lock string) (WaitlistEntry, error) {
	var row struct {
		WaitlistEntry
		ClaimTokenHash *string `db:"claim_token_hash"`
	}
	err := sqlx.GetContext(ctx, ext, &row, ext.Rebind(`SELECT `+waitlistColumns+`, claim_token_hash FROM waitlist WHERE id = ?`+lock), entryID)
	if isNoRows(err) {
		return WaitlistEntry{}, ErrOfferGone
	}
	if err != nil {
		return WaitlistEntry{}, fmt.Errorf("load offer: %w", err)
	}
	if row.ClaimTokenHash == nil || subtle.ConstantTimeCompare([]byte(*row.ClaimTokenHash), []byte(secret.Hash(token))) != 1 {
		return WaitlistEntry{}, ErrOfferGone
	}
	if row.Status != Offered || row.OfferExpiresAt == nil || !s.now().Before(*row.OfferExpiresAt) {
		return WaitlistEntry{}, ErrOfferGone
	}
	return row.WaitlistEntry, nil
}

// ClaimOffer turns an open offer into a booking on the seats it holds: a
// free event's booking is confirmed, a paid one's is a hold awaiting
// payment. Returns ErrOfferGone for an offer claimed, expired, declined or
// unknown, and the session's refusal (registration_closed,
// session_started, session_cancelled, event_cancelled) when it is no
// longer open.
func (s *Service) ClaimOffer(ctx context.Context, entryID int64, token string) (Result, error) {
	var res Result
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		entry, err := s.openOffer(ctx, tx, entryID, token, s.db.ForUpdate())
		if err != nil {
			return err
		}
		sess, e, err := sessionAndEvent(ctx, tx, entry.SessionID)
		if err != nil {
			return err
		}
		if err := events.Allows(e, sess, events.ActClaim, s.now()); err != nil {
			return err
		}
		if err := s.setEntryStatus(ctx, tx, &entry, EntryClaim, nil); err != nil {
			return err
		}
		now := s.now().UTC()
		priced, err := claimOrder(ctx, tx, e, entry.Seats, now)
		if err != nil {
			return err
		}
		b := Booking{SessionID: sess.ID, EventID: e.ID, Name: entry.Name, Email: entry.Email, Seats: entry.Seats,
			Status: Confirmed, AmountCents: priced.quote.GrossCents, Currency: e.Currency, Answers: Answers{},
			CreatedAt: now, UpdatedAt: now}
		if !priced.quote.Free() {
			b.Status, b.HoldExpiresAt = PendingPayment, s.holdExpiry(e, sess)
		}
		if err := insertBooking(ctx, tx, &b, e.Title, "", ""); err != nil {
			return err
		}
		if err := storeOrder(ctx, tx, b, priced, now); err != nil {
			return err
		}
		if err := recordHistory(ctx, tx, b, "", fmt.Sprintf("claimed waitlist offer %d", entry.ID), now); err != nil {
			return err
		}
		token, err := s.mintToken(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		if b.Status == Confirmed {
			if err := s.notifyConfirmed(ctx, tx, b, e, sess, token); err != nil {
				return err
			}
		}
		res = Result{Booking: b, Token: token}
		return nil
	})
	return res, err
}

// DeclineOffer gives an open offer up: its seats go to the next in line.
// Returns ErrOfferGone if token does not claim an open offer.
func (s *Service) DeclineOffer(ctx context.Context, entryID int64, token string) error {
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		entry, err := s.openOffer(ctx, tx, entryID, token, s.db.ForUpdate())
		if err != nil {
			return err
		}
		return s.setEntryStatus(ctx, tx, &entry, EntryDecline, nil)
	})
}

// Waitlist returns a session's waitlist in order, for a coach who hosts it.
func (s *Service) Waitlist(ctx context.Context, coachID, sessionID int64) ([]WaitlistEntry, error) {
	if _, _, err := hostedSession(ctx, s.db, coachID, sessionID); err != nil {
		return nil, err
	}
	var list []WaitlistEntry
	if err := s.db.SelectContext(ctx, &list, s.db.Rebind(`SELECT `+waitlistColumns+` FROM waitlist WHERE session_id = ? ORDER BY id`), sessionID); err != nil {
		return nil, fmt.Errorf("list waitlist: %w", err)
	}
	return list, nil
}
