package booking

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// storeOrder writes the order's lines for booking b and takes what it
// uses: each type's tickets from its quota, and a use of the code. It
// takes the type rows in id order and the code after them (and
// releaseOrder does the same), so two bookings never wait on each
// other's locks in opposite orders. Returns fault.SoldOut for a type
// whose quota a concurrent booking took, ErrCodeUsedUp for a code whose
// last use did. The lines go in one statement, and the counts to take
// come from the order rather than from reading the lines back.
func storeOrder(ctx context.Context, ext sqlx.ExtContext, b Booking, o order, now time.Time) error {
	if err := insertLines(ctx, ext, o.bookingLines(b.ID)); err != nil {
		return err
	}
	if err := takeCounts(ctx, ext, o.typedCounts()); err != nil {
		return err
	}
	if o.code != nil {
		return takeCodeUse(ctx, ext, *o.code, b, o.quote.DiscountCents, now)
	}
	return nil
}

// insertLines writes lines (of one booking or of many) in one statement.
func insertLines(ctx context.Context, ext sqlx.ExtContext, lines []BookingLine) error {
	if len(lines) == 0 {
		return nil
	}
	rows := make([]string, 0, len(lines))
	args := make([]any, 0, 11*len(lines))
	for _, l := range lines {
		rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, l.BookingID, l.TicketTypeID, l.Name, l.UnitCents, l.Quantity, l.DiscountCents, l.NetCents,
			l.TaxCents, l.GrossCents, l.TaxBasisPoints, l.TaxInclusive)
	}
	q := `INSERT INTO booking_lines (booking_id, ticket_type_id, name, unit_cents, quantity, discount_cents, net_cents,
		tax_cents, gross_cents, tax_basis_points, tax_inclusive) VALUES ` + strings.Join(rows, ", ")
	if _, err := ext.ExecContext(ctx, ext.Rebind(q), args...); err != nil {
		return fmt.Errorf("insert %d booking lines: %w", len(lines), err)
	}
	return nil
}

// bookingLines are the order's lines as booking bookingID stores them
// (without their row ids).
func (o order) bookingLines(bookingID int64) []BookingLine {
	out := make([]BookingLine, 0, len(o.quote.Lines))
	for i, l := range o.quote.Lines {
		line := BookingLine{BookingID: bookingID, Name: l.Name, UnitCents: l.UnitCents, Quantity: l.Quantity,
			DiscountCents: l.DiscountCents, NetCents: l.NetCents, TaxCents: l.TaxCents, GrossCents: l.GrossCents,
			TaxBasisPoints: o.quote.Tax.RateBasisPoints, TaxInclusive: o.quote.Tax.Inclusive}
		if o.typeIDs[i] != 0 {
			line.TicketTypeID = &o.typeIDs[i]
		}
		out = append(out, line)
	}
	return out
}

// typedCounts are the order's tickets per type, in type id order, as
// typedCounts reads them back from a booking's lines.
func (o order) typedCounts() []typedCount {
	byType := map[int64]int{} // type id → index in counts
	var counts []typedCount
	for i, l := range o.quote.Lines {
		id := o.typeIDs[i]
		if id == 0 {
			continue
		}
		if at, ok := byType[id]; ok {
			counts[at].Quantity += l.Quantity
			continue
		}
		byType[id] = len(counts)
		counts = append(counts, typedCount{TypeID: id, Name: l.Name, Quantity: l.Quantity})
	}
	sort.Slice(counts, func(i, j int) bool { return counts[i].TypeID < counts[j].TypeID })
	return counts
}
