package booking

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/secret"
)

// The helpers here take a transaction or any sqlx.ExtContext; the exported
// service methods own the transactions.

func liveKey(sessionID int64, email string) string {
	return fmt.Sprintf("%d:%s", sessionID, email)
}

func liveRef(ctx context.Context, ext sqlx.ExtContext, key string) (string, error) {
	var ref string
	err := sqlx.GetContext(ctx, ext, &ref, ext.Rebind(`SELECT ref FROM bookings WHERE live_key = ?`), key)
	if isNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("look up live booking: %w", err)
	}
	return ref, nil
}

// liveKey is the value of the live_key column for b: NULL once b has
// ended; while live, "<session id>:<email>" for seats (one live booking
// per person and date) and "appointment:<ref>" for an appointment, whose
// double-booking is prevented per coach instead (see appointment_hosts).
func (b Booking) liveKey() *string {
	if !b.Status.Live() {
		return nil
	}
	key := liveKey(b.SessionID, b.Email)
	if b.IsAppointment() {
		key = "appointment:" + b.Ref
	}
	return &key
}

type bookingRow struct {
	Booking
	LiveKey    *string `db:"live_key"`
	FormNonce  *string `db:"form_nonce"`
	ClientAddr string  `db:"client_addr"`
}

// insertBooking inserts b and sets its id, and its ref unless b has one;
// clientAddr is the
// network address it was asked from ("" when unknown).
func insertBooking(ctx context.Context, ext sqlx.ExtContext, b *Booking, title, formNonce, clientAddr string) error {
	_, err := insertBookingRow(ctx, ext, b, title, formNonce, clientAddr, "")
	return err
}

// insertLiveBooking is insertBooking for a new live booking of a date,
// unless its person already holds one (the live_key is taken): then it
// inserts nothing and reports false, in the same one statement, without
// the error that would end a PostgreSQL transaction's work.
func insertLiveBooking(ctx context.Context, ext sqlx.ExtContext, b *Booking, title, formNonce, clientAddr string) (bool, error) {
	return insertBookingRow(ctx, ext, b, title, formNonce, clientAddr, "ON CONFLICT (live_key) DO NOTHING")
}

func insertBookingRow(ctx context.Context, ext sqlx.ExtContext, b *Booking, title, formNonce, clientAddr, onConflict string) (bool, error) {
	if b.Ref == "" { // else chosen ahead (see confirmationPlan)
		b.Ref = newRef(title)
	}
	row := bookingRow{Booking: *b, ClientAddr: clientAddr}
	row.LiveKey = b.liveKey()
	if formNonce != "" {
		row.FormNonce = &formNonce
	}
	q, args, err := sqlx.Named(`
		INSERT INTO bookings (ref, session_id, event_id, name, email, seats, status, live_key, form_nonce,
			amount_cents, currency, hold_expires_at, payment_ref, payment_intent, refunded_cents, answers, sequence,
			timezone, client_addr, created_at, updated_at)
		VALUES (:ref, NULLIF(:session_id, 0), NULLIF(:event_id, 0), :name, :email, :seats, :status, :live_key, :form_nonce,
			:amount_cents, :currency, :hold_expires_at, :payment_ref, :payment_intent, :refunded_cents, :answers, :sequence,
			:timezone, :client_addr, :created_at, :updated_at)
		`+onConflict+` RETURNING id`, row)
	if err != nil {
		return false, err
	}
	err = sqlx.GetContext(ctx, ext, &b.ID, ext.Rebind(q), args...)
	if onConflict != "" && isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("insert booking: %w", err)
	}
	return true, nil
}

// saveBooking writes a booking's mutable fields, keeping live_key in step
// with its status.
func saveBooking(ctx context.Context, ext sqlx.ExtContext, b Booking) error {
	row := bookingRow{Booking: b}
	row.LiveKey = b.liveKey()
	q, args, err := sqlx.Named(`
		UPDATE bookings SET session_id = NULLIF(:session_id, 0), status = :status, live_key = :live_key,
			hold_expires_at = :hold_expires_at, payment_ref = :payment_ref, payment_intent = :payment_intent,
			refunded_cents = :refunded_cents, sequence = :sequence, updated_at = :updated_at
		WHERE id = :id`, row)
	if err != nil {
		return err
	}
	if _, err := ext.ExecContext(ctx, ext.Rebind(q), args...); err != nil {
		return fmt.Errorf("save booking %s: %w", b.Ref, err)
	}
	return nil
}

// bookingByID reads a booking; lock is sqldb's ForUpdate clause or "".
func bookingByID(ctx context.Context, ext sqlx.ExtContext, id int64, lock string) (Booking, error) {
	var b Booking
	err := sqlx.GetContext(ctx, ext, &b, ext.Rebind(`SELECT `+bookingColumns+` FROM bookings WHERE id = ?`+lock), id)
	if isNoRows(err) {
		return Booking{}, ErrNotFound
	}
	if err != nil {
		return Booking{}, fmt.Errorf("booking %d: %w", id, err)
	}
	return b, nil
}

// refPattern is what a ref can look like; anything else is not looked up.
var refPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,20}$`)

func bookingByRef(ctx context.Context, ext sqlx.ExtContext, ref, lock string) (Booking, error) {
	if !refPattern.MatchString(ref) {
		return Booking{}, ErrNotFound
	}
	var b Booking
	err := sqlx.GetContext(ctx, ext, &b, ext.Rebind(`SELECT `+bookingColumns+` FROM bookings WHERE ref = ?`+lock), strings.ToUpper(ref))
	if isNoRows(err) {
		return Booking{}, ErrNotFound
	}
	if err != nil {
		return Booking{}, fmt.Errorf("booking %s: %w", ref, err)
	}
	return b, nil
}

// An appointment's booking has no session or event: both read as 0.
const bookingColumns = `id, ref, COALESCE(session_id, 0) AS session_id, COALESCE(event_id, 0) AS event_id, name, email, seats, status, amount_cents, currency,
	hold_expires_at, payment_ref, payment_intent, refunded_cents, answers, sequence, timezone, created_at, updated_at`

func recordHistory(ctx context.Context, ext sqlx.ExtContext, b Booking, from Status, reason string, at time.Time) error {
	_, err := ext.ExecContext(ctx, ext.Rebind(`
		INSERT INTO booking_history (booking_id, session_id, from_status, to_status, reason, at) VALUES (?, ?, ?, ?, ?, ?)`),
		b.ID, b.SessionID, string(from), string(b.Status), reason, at)
	if err != nil {
		return fmt.Errorf("record history of %s: %w", b.Ref, err)
	}
	return nil
}

// mintToken stores the hash of a new 128-bit-plus manage token and returns
// the token. A booking may hold several: each email that links to the
// booking carries its own.
func (s *Service) mintToken(ctx context.Context, ext sqlx.ExtContext, bookingID int64) (string, error) {
	return s.storeToken(ctx, ext, bookingID, newManageToken())
}

// storeToken stores the hash of token, chosen by the caller (Reserve
// chooses it before its transaction), and returns token.
func (s *Service) storeToken(ctx context.Context, ext sqlx.ExtContext, bookingID int64, token string) (string, error) {
	_, err := ext.ExecContext(ctx, ext.Rebind(`INSERT INTO booking_tokens (booking_id, token_hash, created_at) VALUES (?, ?, ?)`),
		bookingID, secret.Hash(token), s.now().UTC())
	if err != nil {
		return "", fmt.Errorf("store manage token: %w", err)
	}
	return token, nil
}

// tokenMatches reports whether token manages the booking, comparing hashes
// in constant time.
func tokenMatches(ctx context.Context, ext sqlx.ExtContext, bookingID int64, token string) (bool, error) {
	if token == "" || len(token) > 100 {
		return false, nil
	}
	var hashes []string
	if err := sqlx.SelectContext(ctx, ext, &hashes, ext.Rebind(`SELECT token_hash FROM booking_tokens WHERE booking_id = ?`), bookingID); err != nil {
		return false, fmt.Errorf("check manage token: %w", err)
	}
	want := []byte(secret.Hash(token))
	match := 0
	for _, h := range hashes {
		match |= subtle.ConstantTimeCompare([]byte(h), want)
	}
	return match == 1, nil
}

// refAlphabet has no 0/O/1/I, so a ref read aloud or copied by hand is
// unambiguous.
const refAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// newRef returns a short reference such as CCL-7KQ2M9: the event's initials
// and six random characters (30 bits).
func newRef(title string) string {
	prefix := initials(title)
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	for i := range b {
		b[i] = refAlphabet[int(b[i])%len(refAlphabet)]
	}
	return prefix + "-" + string(b)
}

func initials(title string) string {
	var out []byte
	for _, word := range strings.Split(strings.ToUpper(events.Slugify(title)), "-") {
		if word != "" && len(out) < 3 && word[0] >= 'A' && word[0] <= 'Z' {
			out = append(out, word[0])
		}
	}
	if len(out) == 0 {
		return "RST"
	}
	return string(out)
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// notFoundAs replaces a not-found error from another package with ours.
func notFoundAs(err error, replacement error) error {
	if errors.Is(err, events.ErrNotFound) {
		return replacement
	}
	return err
}

// statements keeps the booking hot path's statements prepared on the
// writer pool, so that each runs in one round trip: unprepared, lib/pq
// sends a statement with arguments as Parse and Describe, waits, then Bind
// and Execute, and waits again, and the database parses and plans it
// afresh every time.
//
// A statement is prepared the first time a transaction asks for it, in a
// goroutine of its own rather than in that transaction: preparing on the
// pool takes a free connection, which a transaction holding the last one
// (SQLite's single writer, or a PostgreSQL pool at its limit) would wait
// for forever. Until then the statement runs unprepared, as it did before.
type statements struct {
	pool *sqlx.DB

	mu       sync.Mutex
	prepared map[string]*sqlx.Stmt // nil while being prepared, or if preparing failed
}

// maxPrepared bounds the statements kept; Reserve runs about ten.
const maxPrepared = 32

func newStatements(pool *sqlx.DB) *statements {
	return &statements{pool: pool, prepared: map[string]*sqlx.Stmt{}}
}

// lookup returns query prepared, or nil if it is not (yet).
func (s *statements) lookup(query string) *sqlx.Stmt {
	s.mu.Lock()
	defer s.mu.Unlock()
	stmt, seen := s.prepared[query]
	if seen || len(s.prepared) >= maxPrepared {
		return stmt
	}
	s.prepared[query] = nil
	go func() {
		stmt, err := s.pool.Preparex(query)
		if err != nil {
			return // it stays unprepared; the statement itself reports any error when it runs
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.prepared[query] = stmt
	}()
	return nil
}

// preparedTx is a transaction that runs statements through their prepared
// form when there is one. It is a sqlx.ExtContext, so the helpers here and
// in events take it as they take tx; their SQL is unchanged.
type preparedTx struct {
	*sqlx.Tx
	stmts *statements
}

// stmt returns query's prepared statement bound to the transaction, or nil.
// Binding reuses the connection's prepared copy, or prepares one on the
// transaction's own connection the first time.
func (p preparedTx) stmt(ctx context.Context, query string) *sqlx.Stmt {
	if prepared := p.stmts.lookup(query); prepared != nil {
		return p.Tx.StmtxContext(ctx, prepared)
	}
	return nil
}

func (p preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.Tx.ExecContext(ctx, query, args...)
}

func (p preparedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.Tx.QueryContext(ctx, query, args...)
}

func (p preparedTx) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryxContext(ctx, args...)
	}
	return p.Tx.QueryxContext(ctx, query, args...)
}

func (p preparedTx) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowxContext(ctx, args...)
	}
	return p.Tx.QueryRowxContext(ctx, query, args...)
}
