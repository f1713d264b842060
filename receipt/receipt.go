// Package receipt lays out a receipt or a credit note for people: the
// document's data (what booking stores when it issues one) and its PDF.
// It knows nothing of bookings, databases or HTTP; amounts are int64 minor
// units of one currency, formatted by the money package.
//
// A receipt of a seller registered for VAT carries what a UK VAT invoice
// must: a sequential number, the issue date (the time of supply is the
// payment's), the seller's name, address and VAT number, the buyer's
// name, a description of each line with its quantity, unit price, rate,
// net and VAT, and the totals net, VAT and gross in the currency.
package receipt

import (
	"time"
)

// Kind is a receipt or a credit note.
type Kind string

// The kinds of document.
const (
	Receipt    Kind = "receipt"
	CreditNote Kind = "credit_note"
)

// Seller is the coach who sold, as their tax settings name them.
type Seller struct {
	Name       string `json:"name"`
	Address    string `json:"address"` // several lines
	TaxID      string `json:"tax_id"`  // e.g. a UK VAT number "GB123456789"; "" when not registered
	Registered bool   `json:"registered"`
}

// Line is one line of the document. For a credit note the amounts are
// what is credited, positive.
type Line struct {
	Description     string `json:"description"`
	Quantity        int    `json:"quantity"`
	UnitCents       int64  `json:"unit_cents"`     // list price per unit
	DiscountCents   int64  `json:"discount_cents"` // the line's share of a discount
	NetCents        int64  `json:"net_cents"`
	TaxCents        int64  `json:"tax_cents"`
	GrossCents      int64  `json:"gross_cents"`
	RateBasisPoints int    `json:"rate_basis_points"` // 2000 = 20%
}

// Document is a receipt or a credit note, as issued: nothing in it is
// recomputed when it is shown again.
type Document struct {
	Kind      Kind
	Number    string    // e.g. "R-000042" or "CN-000007", sequential per seller and kind
	IssuedAt  time.Time // UTC
	Seller    Seller
	BuyerName string
	// BuyerEmail is shown under the buyer's name.
	BuyerEmail string
	Reference  string // the booking ref
	Subject    string // e.g. "Career Clarity Lab — Wed 22 Sep 2027, 18:00 BST"
	// Refers names the receipt a credit note credits.
	Refers    string
	Currency  string // ISO 4217
	Inclusive bool   // prices included the tax
	Lines     []Line
	NetCents  int64
	TaxCents  int64
	// GrossCents is what was paid (a receipt) or is refunded (a credit
	// note).
	GrossCents int64
	Code       string // the discount code used, if any
}

// Title is the heading the document carries.
func (d Document) Title() string {
	switch {
	case d.Kind == CreditNote:
		return "Credit note"
	case d.Seller.Registered:
		return "VAT invoice"
	}
	return "Receipt"
}

// Filename is the name a PDF of the document is attached or downloaded as.
func (d Document) Filename() string { return d.Number + ".pdf" }
