package booking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/contact"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb"
)

// Errors returned by the service; web maps their codes to statuses.
var (
	ErrNotFound           = fault.New(fault.NotFound, "booking not found")
	ErrSoldOut            = fault.New(fault.SoldOut, "not enough seats left on this date")
	ErrRegistrationClosed = fault.New(fault.RegistrationClosed, "registration for this date is closed")
	ErrHoldExpired        = fault.New(fault.HoldExpired, "the seats held for this booking were released; please book again")
	ErrNotLive            = fault.New(fault.Conflict, "this booking is no longer active")
	ErrAlreadyBooked      = fault.New(fault.AlreadyBooked, "this email already has a booking for this date: check your email for your booking (we send its link again at most every 10 minutes)")
	ErrFormReused         = &fault.Error{Code: fault.Conflict, Message: "this form was already used for another booking; reload the page and try again",
		Fields: map[string]string{"form_token": "was already used"}}
	ErrIdempotencyReuse = &fault.Error{Code: fault.Conflict, Message: "this Idempotency-Key was used with a different request",
		Fields: map[string]string{"Idempotency-Key": "was used with a different request"}}
)

// Config tunes the service.
//
// Seats held without payment have short lifetimes and per-person caps, so
// an anonymous caller cannot keep a date full: a hold lasts HoldDuration
// (stretched to the checkout's expiry, at most registration close), an
// offer OfferDuration (at most registration close), and one email or one
// network address may have at most MaxOpenPerEmail / MaxOpenPerAddress
// holds and waitlist places live at once.
type Config struct {
	BaseURL       string        // for manage and claim links
	HoldDuration  time.Duration // how long a paid booking's seats are held for payment; default 30 minutes
	OfferDuration time.Duration // how long a waitlist offer stands; default 2 hours
	MaxSeats      int           // seats one booking may take; default 10
	// MaxOpenPerEmail and MaxOpenPerAddress cap the live holds and
	// waitlist places (waiting or offered) of one email and of one network
	// address; defaults 3 and 5. A negative MaxOpenPerAddress caps no
	// address (a load test sends everything from one machine).
	MaxOpenPerEmail, MaxOpenPerAddress int
	// Payments takes payment for paid events; nil refuses paid bookings'
	// checkouts with ErrNoPayments.
	Payments payments.Provider
	// HostNotifier tells coaches that an event change made them hosts;
	// nil tells nobody.
	HostNotifier events.HostNotifier
	// AllowPrivateFeeds accepts busy feeds on loopback and private
	// addresses (tests, self-hosters on one network).
	AllowPrivateFeeds bool
	// GroupCommit batches concurrent bookings of a date into one
	// transaction (see groupcommit.go); on unless Off.
	GroupCommit GroupCommitConfig
	// SlotCacheTTL, if positive, keeps each slot listing for that long
	// (by the service's clock) unless this process changes a coach's
	// schedule meanwhile: see slotCache for what can be stale. Zero lists
	// from the database every time. A second or two is plenty.
	SlotCacheTTL time.Duration
}

func (c Config) withDefaults() Config {
	if c.HoldDuration <= 0 {
		c.HoldDuration = DefaultHoldDuration
	}
	if c.OfferDuration <= 0 {
		c.OfferDuration = DefaultOfferDuration
	}
	if c.MaxOpenPerEmail <= 0 {
		c.MaxOpenPerEmail = DefaultMaxOpenPerEmail
	}
	if c.MaxOpenPerAddress == 0 {
		c.MaxOpenPerAddress = DefaultMaxOpenPerAddress
	}
	if c.MaxSeats <= 0 {
		c.MaxSeats = 10
	}
	return c
}

// Service books seats.
type Service struct {
	db       *sqldb.DB
	notifier Notifier
	cfg      Config
	now      func() time.Time
	stmts    *statements // Reserve's statements, prepared
	zones    *zoneCache
	slots    *slotCache      // nil when Config.SlotCacheTTL is zero
	batches  *groupCommitter // Reserve's transactions, shared; nil when group commit is off
	dates    *dateMemory     // what the last booking of each date read, for rendering ahead
	reads    *inputsMemo     // what the last batch of each date read, by revision
}

// NewService returns a booking service; notifier receives every notice
// inside the transaction that causes it.
func NewService(db *sqldb.DB, notifier Notifier, cfg Config, now func() time.Time) *Service {
	s := &Service{db: db, notifier: notifier, cfg: cfg.withDefaults(), now: now, stmts: newStatements(db.Writer()),
		zones: &zoneCache{}, slots: newSlotCache(cfg.SlotCacheTTL), dates: &dateMemory{}, reads: &inputsMemo{}}
	if !cfg.GroupCommit.Off {
		s.batches = newGroupCommitter(db, cfg.GroupCommit, s)
	}
	return s
}

// Request is what an attendee asks for.
type Request struct {
	SessionID int64
	Name      string
	Email     string
	Seats     int
	Answers   Answers
	// Consent is what the attendee ticked: see ErrConsentRequired.
	Consent Consent
	// FormNonce is the one-time token of the HTML form; a second submission
	// of the same form answers with the first booking.
	FormNonce string
	// IdempotencyKey is the API client's key; the same key with the same
	// request from the same client (IdempotencyScope) answers with the
	// first booking for 24 hours.
	IdempotencyKey string
	// Timezone is the visitor's IANA zone (optional), kept for their emails.
	Timezone string
	// IdempotencyScope names the client that sent IdempotencyKey (web
	// passes its address): a key is looked up only among the client's own,
	// so another client's key never replays into someone else's booking.
	IdempotencyScope string
	// ClientAddr is the network address the request came from (web passes
	// the client's IP), for the caps on unpaid holds and waitlist places;
	// empty when unknown.
	ClientAddr string
	// Tickets are the ticket types and quantities asked for; empty asks
	// for Seats of the event's one type (or single price). When set, Seats
	// is their sum.
	Tickets []TicketRequest
	// DiscountCode is a code typed on the form or carried by a ?code=
	// link; "" for none.
	DiscountCode string

	plan *confirmationPlan // chosen and rendered before the transaction; nil for none
}

// Result is a booking and the secret that manages it.
type Result struct {
	Booking Booking
	// Token is a new manage token; only its hash is stored.
	Token string
	// Replayed is true when the request repeated an earlier one.
	Replayed bool
	// Lines is what a new booking bought, priced, as stored (without the
	// lines' ids); nil on a replay (see Service.Lines).
	Lines []BookingLine
}

// ManageURL returns the attendee's self-service link.
func (s *Service) ManageURL(ref, token string) string {
	return s.cfg.BaseURL + "/bookings/" + ref + "?t=" + token
}

// MaxSeats is the most seats one booking may take.
func (s *Service) MaxSeats() int { return s.cfg.MaxSeats }

func (r *Request) normalize() {
	r.Name = strings.TrimSpace(r.Name)
	r.Email = strings.ToLower(strings.TrimSpace(r.Email))
	r.Timezone = strings.TrimSpace(r.Timezone)
	r.DiscountCode = NormalizeCode(r.DiscountCode)
	if len(r.Tickets) > 0 {
		r.Seats = 0
		for _, t := range r.Tickets {
			r.Seats += max(t.Quantity, 0)
		}
	}
}

// validate checks what can be checked without the database.
func (r Request) validate(maxSeats int) error {
	var f fault.Fields
	f.Check(r.SessionID != 0, "session_id", "is required")
	f.Check(r.SessionID >= 0, "session_id", "must be a positive id")
	checkName(&f, "name", r.Name)
	f.Check(contact.ValidEmail(r.Email), "email", "must be an email address")
	f.Check(r.Seats >= 1, "seats", "must be at least 1")
	f.Check(r.Seats <= maxSeats, "seats", fmt.Sprintf("at most %d per booking", maxSeats))
	f.Check(len(r.IdempotencyKey) <= 255, "Idempotency-Key", "must be at most 255 characters")
	f.Check(len(r.IdempotencyScope) <= 255, "Idempotency-Key", "cannot be scoped")
	f.Check(len(r.FormNonce) <= 100, "form_token", "is not valid")
	if r.Timezone != "" {
		f.Check(validZone(r.Timezone), "timezone", "must be an IANA time zone such as Europe/London")
	}
	f.Check(len(r.ClientAddr) <= 100, "client_addr", "is not valid")
	f.Check(len(r.DiscountCode) <= 40, "discount_code", "is not valid for this event")
	f.Check(len(r.Tickets) <= events.MaxTicketTypes, "tickets", "too many ticket lines")
	seen := map[int64]bool{}
	for i, t := range r.Tickets {
		field := fmt.Sprintf("tickets[%d]", i)
		f.Check(t.TicketTypeID > 0, field+".ticket_type_id", "is required")
		f.Check(t.Quantity >= 1, field+".quantity", "must be at least 1")
		f.Check(!seen[t.TicketTypeID], field+".ticket_type_id", "is listed twice")
		seen[t.TicketTypeID] = true
	}
	return f.Err()
}

func checkName(f *fault.Fields, field, name string) {
	f.Check(name != "", field, "is required")
	f.Check(utf8.RuneCountInString(name) <= 200, field, "must be at most 200 characters")
	f.Check(utf8.ValidString(name) && !strings.ContainsAny(name, "\r\n\x00"), field, "must be one line of text")
}

// repeatable reports whether the request carries a key that identifies
// repeats of it.
func (r Request) repeatable() bool { return r.IdempotencyKey != "" || r.FormNonce != "" }

// hash identifies the request for idempotency checks.
func (r Request) hash() string {
	b, _ := json.Marshal([]any{r.SessionID, r.Name, r.Email, r.Seats, r.Answers, r.Tickets, r.DiscountCode})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// replay finds the booking an earlier identical request made, by its
// idempotency key (within the same client's scope) or form nonce, and
// answers with it and a fresh token. A form token used for another person
// or date is ErrFormReused: the manage link goes only to a request that
// repeats the original.
func (s *Service) replay(ctx context.Context, tx *sqlx.Tx, req Request) (Result, bool, error) {
	var bookingID int64
	switch {
	case req.IdempotencyKey != "":
		id, ok, err := s.priorRequest(ctx, tx, req.IdempotencyScope, req.IdempotencyKey, req.hash())
		if err != nil || !ok {
			return Result{}, false, err
		}
		bookingID = id
	case req.FormNonce != "":
		err := tx.GetContext(ctx, &bookingID, tx.Rebind(`SELECT id FROM bookings WHERE form_nonce = ?`), req.FormNonce)
		if isNoRows(err) {
			return Result{}, false, nil
		}
		if err != nil {
			return Result{}, false, fmt.Errorf("look up form token: %w", err)
		}
	default:
		return Result{}, false, nil
	}
	b, err := bookingByID(ctx, tx, bookingID, "")
	if err != nil {
		return Result{}, false, err
	}
	if req.FormNonce != "" && req.IdempotencyKey == "" && (b.SessionID != req.SessionID || b.Email != req.Email) {
		return Result{}, false, ErrFormReused
	}
	token, err := s.mintToken(ctx, tx, b.ID)
	if err != nil {
		return Result{}, false, err
	}
	return Result{Booking: b, Token: token, Replayed: true}, true, nil
}

// openSession returns a session and its event if the session can be booked
// now, else its phase's refusal: ErrRegistrationClosed (also for a draft
// event), fault.SessionStarted, fault.SessionCancelled,
// fault.EventCancelled; or ErrNotFound for an unknown session.
func (s *Service) openSession(ctx context.Context, ext sqlx.ExtContext, sessionID int64) (events.Session, events.Event, error) {
	sess, event, err := sessionAndEvent(ctx, ext, sessionID)
	if err != nil {
		return events.Session{}, events.Event{}, notFoundAs(err, fault.New(fault.NotFound, "no such date"))
	}
	if err := events.Allows(event, sess, events.ActBook, s.now()); err != nil {
		return events.Session{}, events.Event{}, err
	}
	return sess, event, nil
}

// holdExpiry is when a new hold on sess ends: after the hold duration, or
// when registration closes if that is sooner, so no hold outlives the
// time a payment may confirm it.
func (s *Service) holdExpiry(e events.Event, sess events.Session) *time.Time {
	expires := s.now().UTC().Add(s.cfg.HoldDuration)
	if closes := sess.ClosesAt(e); closes.Before(expires) {
		expires = closes
	}
	return &expires
}

// notifyConfirmed tells the client their booking is confirmed and its
// hosts who booked, with the answers to the registration questions.
func (s *Service) notifyConfirmed(ctx context.Context, tx *sqlx.Tx, b Booking, e events.Event, sess events.Session, token string) error {
	return s.notifyConfirmedWith(ctx, tx, b, e, sess, token, nil)
}
