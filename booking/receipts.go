package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/money"
	"github.com/roster-app/roster/receipt"
)

// Every paid booking gets a receipt when its payment confirms it, and
// every refund of it that counts for the booking a credit note, each
// numbered in sequence per coach (the event's first host, whose tax
// settings priced it). Both are issued in the transaction of the change,
// with their numbers: a rolled-back change takes its number back with it.

// receiptRow is a receipts row.
type receiptRow struct {
	ID         int64     `db:"id"`
	CoachID    int64     `db:"coach_id"`
	Kind       string    `db:"kind"`
	Number     int64     `db:"number"`
	BookingID  int64     `db:"booking_id"`
	RefundID   *int64    `db:"refund_id"`
	CreditsID  *int64    `db:"credits_id"`
	Currency   string    `db:"currency"`
	NetCents   int64     `db:"net_cents"`
	TaxCents   int64     `db:"tax_cents"`
	GrossCents int64     `db:"gross_cents"`
	Inclusive  bool      `db:"inclusive"`
	Seller     string    `db:"seller"` // receipt.Seller as JSON
	BuyerName  string    `db:"buyer_name"`
	BuyerEmail string    `db:"buyer_email"`
	Subject    string    `db:"subject"`
	Code       string    `db:"code"`
	Lines      string    `db:"lines"` // []receipt.Line as JSON
	IssuedAt   time.Time `db:"issued_at"`
}

const receiptColumns = `id, coach_id, kind, number, booking_id, refund_id, credits_id, currency, net_cents, tax_cents, gross_cents,
	inclusive, seller, buyer_name, buyer_email, subject, code, lines, issued_at`

// documentNumber formats a number of a kind: R-000042, CN-000007.
func documentNumber(kind string, n int64) string {
	if kind == string(receipt.CreditNote) {
		return fmt.Sprintf("CN-%06d", n)
	}
	return fmt.Sprintf("R-%06d", n)
}

func (r receiptRow) document(ref string, credits string) (receipt.Document, error) {
	d := receipt.Document{Kind: receipt.Kind(r.Kind), Number: documentNumber(r.Kind, r.Number), IssuedAt: r.IssuedAt.UTC(),
		BuyerName: r.BuyerName, BuyerEmail: r.BuyerEmail, Reference: ref, Subject: r.Subject, Refers: credits,
		Currency: r.Currency, Inclusive: r.Inclusive, NetCents: r.NetCents, TaxCents: r.TaxCents, GrossCents: r.GrossCents, Code: r.Code}
	if err := json.Unmarshal([]byte(r.Seller), &d.Seller); err != nil {
		return receipt.Document{}, fmt.Errorf("receipt %d seller: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Lines), &d.Lines); err != nil {
		return receipt.Document{}, fmt.Errorf("receipt %d lines: %w", r.ID, err)
	}
	return d, nil
}

// nextNumber takes the coach's next number of a kind, in tx: one guarded
// UPDATE on the coach's counter row, which on PostgreSQL holds the row
// until commit, so concurrent issuers take consecutive numbers and a
// rollback returns its number (no gaps, no repeats).
func nextNumber(ctx context.Context, ext sqlx.ExtContext, coachID int64, kind string) (int64, error) {
	if _, err := ext.ExecContext(ctx, ext.Rebind(`INSERT INTO receipt_counters (coach_id, kind, next_number) VALUES (?, ?, 1)
		ON CONFLICT (coach_id, kind) DO NOTHING`), coachID, kind); err != nil {
		return 0, fmt.Errorf("counter of coach %d: %w", coachID, err)
	}
	var n int64
	if err := sqlx.GetContext(ctx, ext, &n, ext.Rebind(`UPDATE receipt_counters SET next_number = next_number + 1
		WHERE coach_id = ? AND kind = ? RETURNING next_number - 1`), coachID, kind); err != nil {
		return 0, fmt.Errorf("next %s number of coach %d: %w", kind, coachID, err)
	}
	return n, nil
}

func insertReceipt(ctx context.Context, ext sqlx.ExtContext, r *receiptRow) error {
	q, args, err := sqlx.Named(`INSERT INTO receipts (coach_id, kind, number, booking_id, refund_id, credits_id, currency,
		net_cents, tax_cents, gross_cents, inclusive, seller, buyer_name, buyer_email, subject, code, lines, issued_at)
		VALUES (:coach_id, :kind, :number, :booking_id, :refund_id, :credits_id, :currency, :net_cents, :tax_cents,
		:gross_cents, :inclusive, :seller, :buyer_name, :buyer_email, :subject, :code, :lines, :issued_at) RETURNING id`, r)
	if err != nil {
		return err
	}
	if err := sqlx.GetContext(ctx, ext, &r.ID, ext.Rebind(q), args...); err != nil {
		return fmt.Errorf("insert %s: %w", r.Kind, err)
	}
	return nil
}

// issueReceipt issues the receipt of a booking its payment just
// confirmed, once (a second call returns the first), and returns it; a
// booking that cost nothing gets none (nil).
func (s *Service) issueReceipt(ctx context.Context, tx *sqlx.Tx, d Details) (*receipt.Document, error) {
	b := d.Booking
	if b.AmountCents == 0 {
		return nil, nil
	}
	if existing, ok, err := receiptOf(ctx, tx, b.ID, b.Ref); err != nil || ok {
		return &existing, err
	}
	coachID, tax, err := sellerOf(ctx, tx, d.Event)
	if err != nil || coachID == 0 {
		return nil, err
	}
	lines, err := bookingLines(ctx, tx, b.ID)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		lines = unpricedLines(b, tax)
	}
	docLines := make([]receipt.Line, 0, len(lines))
	r := receiptRow{CoachID: coachID, Kind: string(receipt.Receipt), BookingID: b.ID, Currency: b.Currency,
		BuyerName: b.Name, BuyerEmail: b.Email, Subject: productName(d.Event, d.Session), IssuedAt: s.now().UTC()}
	for _, l := range lines {
		name := l.Name
		if l.TicketTypeID == nil {
			name = d.Event.Title
		}
		docLines = append(docLines, receipt.Line{Description: name, Quantity: l.Quantity, UnitCents: l.UnitCents,
			DiscountCents: l.DiscountCents, NetCents: l.NetCents, TaxCents: l.TaxCents, GrossCents: l.GrossCents, RateBasisPoints: l.TaxBasisPoints})
		r.NetCents, r.TaxCents, r.GrossCents = r.NetCents+l.NetCents, r.TaxCents+l.TaxCents, r.GrossCents+l.GrossCents
		r.Inclusive = l.TaxInclusive
	}
	if r.Code, err = bookingCode(ctx, tx, b.ID); err != nil {
		return nil, err
	}
	seller := receipt.Seller{Name: tax.BusinessName, Address: tax.BusinessAddress, Registered: tax.Registered}
	if tax.Registered {
		seller.TaxID = tax.TaxID
	}
	if seller.Name == "" && len(d.Event.Hosts) > 0 {
		seller.Name = d.Event.Hosts[0].Name
	}
	if seller.Address == "" {
		// Not set with the tax settings: the address the coach prints on
		// receipts (dashboard settings), if any.
		if seller.Address, err = coaches.ReceiptAddressIn(ctx, tx, coachID); err != nil {
			return nil, err
		}
	}
	if err := s.fillAndInsert(ctx, tx, &r, seller, docLines); err != nil {
		return nil, err
	}
	doc, err := r.document(b.Ref, "")
	return &doc, err
}

// unpricedLines is the one line of a booking that money.Price did not
// price (an appointment, or a booking made before lines were stored): what
// was paid, which for a registered seller held the tax at their rate, so
// the tax is taken out of it as if the price included it.
func unpricedLines(b Booking, settings TaxSettings) []BookingLine {
	line := money.Line{Name: "Ticket", UnitCents: b.AmountCents, Quantity: 1}
	if b.Seats > 1 && b.AmountCents%int64(b.Seats) == 0 {
		line.UnitCents, line.Quantity = b.AmountCents/int64(b.Seats), b.Seats
	}
	tax := settings.tax()
	tax.Inclusive = true
	q := money.Price(b.Currency, []money.Line{line}, money.Discount{}, tax)
	l := q.Lines[0]
	return []BookingLine{{Name: l.Name, UnitCents: l.UnitCents, Quantity: l.Quantity, NetCents: l.NetCents, TaxCents: l.TaxCents,
		GrossCents: l.GrossCents, TaxBasisPoints: tax.RateBasisPoints, TaxInclusive: true}}
}

func (s *Service) fillAndInsert(ctx context.Context, tx *sqlx.Tx, r *receiptRow, seller receipt.Seller, lines []receipt.Line) error {
	sellerJSON, err := json.Marshal(seller)
	if err != nil {
		return err
	}
	linesJSON, err := json.Marshal(lines)
	if err != nil {
		return err
	}
	r.Seller, r.Lines = string(sellerJSON), string(linesJSON)
	if r.Number, err = nextNumber(ctx, tx, r.CoachID, r.Kind); err != nil {
		return err
	}
	return insertReceipt(ctx, tx, r)
}

// issueCreditNote issues and returns the credit note of a refund of
// amountCents that counts for the booking, if the booking has a receipt
// (else nil): the amount spread over the receipt's lines in proportion to
// what each cost (money.Allocate), each line's tax credited in the same
// proportion, rounded down.
func (s *Service) issueCreditNote(ctx context.Context, tx *sqlx.Tx, b Booking, refundID, amountCents int64) (*receipt.Document, error) {
	var paid receiptRow
	err := tx.GetContext(ctx, &paid, tx.Rebind(`SELECT `+receiptColumns+` FROM receipts WHERE booking_id = ? AND kind = 'receipt'`), b.ID)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("receipt of booking %d: %w", b.ID, err)
	}
	doc, err := paid.document(b.Ref, "")
	if err != nil {
		return nil, err
	}
	weights := make([]int64, len(doc.Lines))
	for i, l := range doc.Lines {
		weights[i] = l.GrossCents
	}
	shares := money.Allocate(min(amountCents, doc.GrossCents), weights)
	credit := receiptRow{CoachID: paid.CoachID, Kind: string(receipt.CreditNote), BookingID: b.ID, RefundID: &refundID, CreditsID: &paid.ID,
		Currency: paid.Currency, Inclusive: paid.Inclusive, BuyerName: paid.BuyerName, BuyerEmail: paid.BuyerEmail,
		Subject: paid.Subject, Code: paid.Code, IssuedAt: s.now().UTC()}
	lines := make([]receipt.Line, 0, len(doc.Lines))
	for i, l := range doc.Lines {
		if shares[i] == 0 {
			continue
		}
		tax := money.ProRata(l.TaxCents, shares[i], l.GrossCents)
		lines = append(lines, receipt.Line{Description: l.Description, Quantity: l.Quantity, UnitCents: l.UnitCents,
			NetCents: shares[i] - tax, TaxCents: tax, GrossCents: shares[i], RateBasisPoints: l.RateBasisPoints})
		credit.NetCents, credit.TaxCents, credit.GrossCents = credit.NetCents+shares[i]-tax, credit.TaxCents+tax, credit.GrossCents+shares[i]
	}
	if err := s.fillAndInsert(ctx, tx, &credit, doc.Seller, lines); err != nil {
		return nil, err
	}
	note, err := credit.document(b.Ref, doc.Number)
	return &note, err
}

func receiptOf(ctx context.Context, ext sqlx.ExtContext, bookingID int64, ref string) (receipt.Document, bool, error) {
	docs, err := documentsOf(ctx, ext, bookingID, ref)
	if err != nil || len(docs) == 0 || docs[0].Kind != receipt.Receipt {
		return receipt.Document{}, false, err
	}
	return docs[0], true, nil
}

// documentsOf returns a booking's receipt and credit notes, in the order
// issued.
func documentsOf(ctx context.Context, ext sqlx.ExtContext, bookingID int64, ref string) ([]receipt.Document, error) {
	var rows []receiptRow
	if err := sqlx.SelectContext(ctx, ext, &rows, ext.Rebind(`SELECT `+receiptColumns+` FROM receipts WHERE booking_id = ? ORDER BY id`), bookingID); err != nil {
		return nil, fmt.Errorf("receipts of booking %d: %w", bookingID, err)
	}
	var out []receipt.Document
	receiptNumber := ""
	for _, r := range rows {
		credits := ""
		if r.Kind == string(receipt.CreditNote) {
			credits = receiptNumber
		} else {
			receiptNumber = documentNumber(r.Kind, r.Number)
		}
		d, err := r.document(ref, credits)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Documents returns the receipt and credit notes of the booking with ref,
// in the order issued, for the attendee (with the manage token) or a coach
// who hosts it; ErrNotFound otherwise. A booking not paid for has none.
func (s *Service) Documents(ctx context.Context, ref string, actor Actor) ([]receipt.Document, error) {
	b, err := s.authorize(ctx, s.db, ref, actor, "")
	if err != nil {
		return nil, err
	}
	return documentsOf(ctx, s.db, b.ID, b.Ref)
}

// notifyConfirmedWith is notifyConfirmed for a paid booking: the client's
// confirmation carries its receipt (doc; nil for none).
func (s *Service) notifyConfirmedWith(ctx context.Context, tx *sqlx.Tx, b Booking, e events.Event, sess events.Session, token string, doc *receipt.Document) error {
	questions, err := bookingQuestions(ctx, preparedTx{Tx: tx, stmts: s.stmts}, b)
	if err != nil {
		return err
	}
	if doc == nil {
		return s.notifyPlanned(ctx, tx, b, e, sess, token, questions, nil, "")
	}
	for _, n := range s.confirmedNotices(b, e, sess, token, questions) {
		if n.Kind == NoticeConfirmed {
			n.Receipt = doc
		}
		if err := s.notifier.Notify(ctx, tx, n); err != nil {
			return fmt.Errorf("notify %s: %w", n.Kind, err)
		}
	}
	return nil
}
