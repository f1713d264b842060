package money

import "fmt"

// The one place a total is computed. The public page, the API, the
// checkout and the receipt all call Price on the same lines, discount and
// tax, so they cannot disagree by a penny.
//
// Rounding rules, in the order they apply (all amounts are int64 minor
// units of one currency; there are no floats):
//
//  1. A percentage discount is PercentOff% of the subtotal, rounded half
//     up to a minor unit; a fixed discount is AmountOffCents. Either is
//     capped at the subtotal, so a total is never negative.
//  2. The discount is spread over the lines in proportion to their amounts
//     by largest remainder (Allocate): the shares add up to the discount
//     exactly, no penny is lost or made up.
//  3. Tax is computed per line on the line's discounted amount, rounded
//     half up (HMRC allows rounding per line). Exclusive: tax = amount ×
//     rate, added to the amount. Inclusive: net = amount ÷ (1 + rate),
//     tax = amount − net, so the gross the customer pays is exactly the
//     price they saw.

// Line is one kind of thing bought: Quantity units at UnitCents each.
type Line struct {
	Name      string
	UnitCents int64 // minor units
	Quantity  int
}

// AmountCents is the line's price before discount: unit × quantity.
func (l Line) AmountCents() int64 { return l.UnitCents * int64(l.Quantity) }

// Discount takes PercentOff percent (0–100) or AmountOffCents minor units
// off an order; the zero Discount takes nothing off.
type Discount struct {
	PercentOff     int
	AmountOffCents int64
}

// Tax is a seller's sales tax: RateBasisPoints hundredths of a percent
// (2000 = 20% UK VAT; 0 = no tax charged), with prices that include it
// (Inclusive) or have it added.
type Tax struct {
	RateBasisPoints int
	Inclusive       bool
}

// PricedLine is a line with its share of the discount and its tax.
type PricedLine struct {
	Line
	SubtotalCents int64 // unit × quantity
	DiscountCents int64 // this line's share of the order's discount
	NetCents      int64 // after discount, before tax
	TaxCents      int64
	GrossCents    int64 // what the customer pays for the line: net + tax
}

// Quote is an order priced: its lines and their sums, all in Currency.
// SubtotalCents − DiscountCents = NetCents + TaxCents for inclusive tax
// (the discounted prices already hold the tax); NetCents + TaxCents =
// GrossCents always. GrossCents is what is charged.
type Quote struct {
	Currency      string
	Lines         []PricedLine
	SubtotalCents int64
	DiscountCents int64
	NetCents      int64
	TaxCents      int64
	GrossCents    int64
	Tax           Tax
}

// Free reports whether nothing is to be paid.
func (q Quote) Free() bool { return q.GrossCents == 0 }

// Price prices lines in currency with a discount and tax; see the rounding
// rules above. Lines with zero quantity are kept (as zero lines), so the
// result's lines match the input's one for one. It panics on a negative
// price or quantity, or a rate or percentage out of range: callers
// validate input first.
func Price(currency string, lines []Line, d Discount, t Tax) Quote {
	if d.PercentOff < 0 || d.PercentOff > 100 || d.AmountOffCents < 0 || t.RateBasisPoints < 0 || t.RateBasisPoints > 100_00 {
		panic(fmt.Sprintf("money: discount %+v or tax %+v out of range", d, t))
	}
	q := Quote{Currency: currency, Lines: make([]PricedLine, len(lines)), Tax: t}
	weights := make([]int64, len(lines))
	for i, l := range lines {
		if l.UnitCents < 0 || l.Quantity < 0 {
			panic(fmt.Sprintf("money: line %q has a negative price or quantity", l.Name))
		}
		weights[i] = l.AmountCents()
		q.SubtotalCents += weights[i]
	}
	q.DiscountCents = min(d.AmountOffCents+mulDivHalfUp(q.SubtotalCents, int64(d.PercentOff), 100), q.SubtotalCents)
	shares := Allocate(q.DiscountCents, weights)
	for i, l := range lines {
		pl := PricedLine{Line: l, SubtotalCents: weights[i], DiscountCents: shares[i]}
		after := pl.SubtotalCents - pl.DiscountCents
		rate := int64(t.RateBasisPoints)
		if t.Inclusive {
			pl.NetCents = mulDivHalfUp(after, 100_00, 100_00+rate)
			pl.TaxCents = after - pl.NetCents
		} else {
			pl.NetCents = after
			pl.TaxCents = mulDivHalfUp(after, rate, 100_00)
		}
		pl.GrossCents = pl.NetCents + pl.TaxCents
		q.NetCents += pl.NetCents
		q.TaxCents += pl.TaxCents
		q.GrossCents += pl.GrossCents
		q.Lines[i] = pl
	}
	return q
}

// mulDivHalfUp returns a × num ÷ den rounded half up, for a, num ≥ 0 and
// den > 0. Amounts are far below the range where a × num overflows
// (a booking is at most a few million minor units).
func mulDivHalfUp(a, num, den int64) int64 {
	return (a*num*2 + den) / (den * 2)
}

// Allocate splits total into shares proportional to weights that add up
// to total exactly, by largest remainder: each share is first rounded
// down, then the pennies left over go one each to the shares with the
// largest remainders, the earlier line first on a tie. All weights zero
// spreads nothing (every share 0) unless total is 0 too; callers cap
// total at the weights' sum. Weights and total must not be negative.
func Allocate(total int64, weights []int64) []int64 {
	shares := make([]int64, len(weights))
	var sum int64
	for _, w := range weights {
		sum += w
	}
	if sum == 0 || total == 0 {
		return shares
	}
	remainders := make([]int64, len(weights))
	left := total
	for i, w := range weights {
		shares[i] = total * w / sum
		remainders[i] = total * w % sum
		left -= shares[i]
	}
	for ; left > 0; left-- {
		best := -1
		for i, r := range remainders {
			if weights[i] > 0 && (best < 0 || r > remainders[best]) {
				best = i
			}
		}
		shares[best]++
		remainders[best] = -1 // one extra penny per share at most
	}
	return shares
}

// ProRata is the part of paid that a refund of refundOf out of total
// returns, rounded down so the refunds of every part never exceed what was
// paid: a discounted booking is refunded what was paid for the part
// refunded, not its list price.
func ProRata(paid, refundOf, total int64) int64 {
	if total <= 0 || refundOf <= 0 {
		return 0
	}
	if refundOf >= total {
		return paid
	}
	return paid * refundOf / total
}
