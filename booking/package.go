package booking

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roster-app/roster/contact"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/money"
)

// Packages and credits (DESIGN.md "Packages and credits", invariant 9). A
// package is N appointments of one type sold at one price; a purchase is
// one client's package, a booking-like record with its own ref, manage
// tokens (each of which is also a credit code), payment and status, and
// credits held as a guarded counter: used + left + voided = bought, where
// voided counts the credits that expired or were refunded.

// Errors of packages and credits.
var (
	ErrPackageNotFound  = fault.New(fault.NotFound, "package not found")
	ErrPurchaseNotFound = fault.New(fault.NotFound, "package purchase not found")
	ErrPackageSlugTaken = &fault.Error{Code: fault.Conflict, Message: "that slug is already taken", Fields: map[string]string{"slug": "is already taken"}}
	// ErrNoCreditsLeft is returned when a credit code has no credit to
	// spend: all used, expired or refunded.
	ErrNoCreditsLeft = fault.New(fault.NoCreditsLeft, "this package has no credits left to book with")
	// ErrPackageUnpaid is returned when a credit code's purchase is still
	// waiting for its payment.
	ErrPackageUnpaid = fault.New(fault.PackageUnpaid, "this package is not paid yet: finish its checkout, then book with its credit code")
	// ErrCreditWrongType is returned when a credit code is used for an
	// appointment type other than its package's.
	ErrCreditWrongType = &fault.Error{Code: fault.Invalid, Message: "this credit code is for another kind of appointment",
		Fields: map[string]string{"credit_code": "is for another appointment type"}}
)

// Package statuses: only a published package is sold.
const (
	PackageDraft     = "draft"
	PackagePublished = "published"
	PackageArchived  = "archived"
)

// Package is N appointments (Credits) of one appointment type sold together
// for PriceCents minor units of Currency, usable for ValidDays days from
// the purchase.
type Package struct {
	ID                int64     `db:"id"`
	Slug              string    `db:"slug"`
	Title             string    `db:"title"`
	AppointmentTypeID int64     `db:"appointment_type_id"`
	Credits           int       `db:"credits"`
	PriceCents        int64     `db:"price_cents"`
	Currency          string    `db:"currency"`
	ValidDays         int       `db:"valid_days"`
	Status            string    `db:"status"`
	CreatedAt         time.Time `db:"created_at"`
	UpdatedAt         time.Time `db:"updated_at"`
}

// PackageInput is what a coach sets on a package; the field names that
// validation reports are the JSON names of DESIGN.md's contract.
type PackageInput struct {
	Slug            string
	Title           string
	AppointmentType string // the type's slug; the coach must host it
	Credits         int    // 1–100
	PriceCents      int64
	Currency        string // "" means the type's currency
	ValidDays       int    // 1–3650; 0 means 180
	Status          string // "" means published
}

// DefaultPackageValidDays is how long a package's credits last when unset.
const DefaultPackageValidDays = 180

func (in *PackageInput) normalize() {
	in.Slug = strings.ToLower(strings.TrimSpace(in.Slug))
	in.Title = strings.TrimSpace(in.Title)
	in.AppointmentType = strings.ToLower(strings.TrimSpace(in.AppointmentType))
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.ValidDays == 0 {
		in.ValidDays = DefaultPackageValidDays
	}
	if in.Status == "" {
		in.Status = PackagePublished
	}
	if in.Slug == "" {
		in.Slug = events.Slugify(in.Title)
	}
}

func (in PackageInput) validate() error {
	var f fault.Fields
	f.Check(in.Title != "", "title", "is required")
	f.Check(utf8.RuneCountInString(in.Title) <= events.MaxTitleLen, "title", "is too long")
	f.Check(utf8.ValidString(in.Title) && !strings.ContainsRune(in.Title, 0), "title", "must be valid text")
	f.Check(in.Slug != "" && len(in.Slug) <= 80 && events.Slugify(in.Slug) == in.Slug, "slug", "must be lower-case letters, digits and single hyphens, at most 80")
	f.Check(in.AppointmentType != "", "appointment_type", "is required")
	f.Check(in.Credits >= 1 && in.Credits <= 100, "credits", "must be between 1 and 100")
	f.Check(in.PriceCents >= 0 && in.PriceCents <= events.MaxPriceCents, "price_cents", "must be between 0 and the largest price")
	if in.Currency != "" && money.Chargeable(in.Currency) != nil {
		f.Add("currency", "must be an ISO 4217 code that cards can be charged in, such as GBP")
	}
	f.Check(in.ValidDays >= 1 && in.ValidDays <= 3650, "valid_days", "must be between 1 and 3650")
	switch in.Status {
	case PackageDraft, PackagePublished, PackageArchived:
	default:
		f.Add("status", "must be draft, published or archived")
	}
	return f.Err()
}

// PurchaseStatus is where a package purchase stands.
type PurchaseStatus string

// Purchase statuses.
const (
	PurchasePending   PurchaseStatus = "pending_payment" // waiting for its checkout
	PurchaseActive    PurchaseStatus = "active"          // paid (or free): credits can be spent until ExpiresAt
	PurchaseAbandoned PurchaseStatus = "abandoned"       // its checkout ended unpaid
	PurchaseExpired   PurchaseStatus = "expired"         // validity ended; unused credits voided
	PurchaseRefunded  PurchaseStatus = "refunded"        // the coach refunded the unused part; credits left voided
)

// Purchase sources.
const (
	SourceSale  = "sale"  // bought by the client
	SourceGrant = "grant" // given by a coach by hand
)

// Purchase is one client's package. Money is in minor units of Currency;
// times are UTC. CreditsUsed + CreditsLeft + CreditsVoided = CreditsBought
// always (invariant 9; the database checks it).
type Purchase struct {
	ID            int64          `db:"id"`
	Ref           string         `db:"ref"`
	PackageID     int64          `db:"package_id"`
	Name          string         `db:"name"`
	Email         string         `db:"email"`
	Status        PurchaseStatus `db:"status"`
	Source        string         `db:"source"`
	Note          string         `db:"note"` // a coach's note on a grant
	AmountCents   int64          `db:"amount_cents"`
	Currency      string         `db:"currency"`
	RefundedCents int64          `db:"refunded_cents"`
	CreditsBought int            `db:"credits_bought"`
	CreditsUsed   int            `db:"credits_used"`
	CreditsLeft   int            `db:"credits_left"`
	CreditsVoided int            `db:"credits_voided"`
	HoldExpiresAt *time.Time     `db:"hold_expires_at"` // a pending purchase's checkout deadline
	ExpiresAt     *time.Time     `db:"expires_at"`      // end of validity, set when it becomes active
	RemindedDays  int            `db:"reminded_days"`   // the last expiry reminder sent (14, 2), 0 for none
	PaymentRef    string         `db:"payment_ref"`
	PaymentIntent string         `db:"payment_intent"`
	CreatedAt     time.Time      `db:"created_at"`
	UpdatedAt     time.Time      `db:"updated_at"`
}

// PurchaseRequest is a client buying a package.
type PurchaseRequest struct {
	PackageSlug string
	Name        string
	Email       string
}

func (r *PurchaseRequest) normalize() {
	r.PackageSlug = strings.ToLower(strings.TrimSpace(r.PackageSlug))
	r.Name = strings.TrimSpace(r.Name)
	r.Email = strings.ToLower(strings.TrimSpace(r.Email))
}

func (r PurchaseRequest) validate() error {
	var f fault.Fields
	checkName(&f, "name", r.Name)
	f.Check(contact.ValidEmail(r.Email), "email", "must be an email address")
	return f.Err()
}

// GrantRequest is a coach giving a client credits by hand.
type GrantRequest struct {
	PackageSlug string
	Name        string
	Email       string
	Credits     int // 0 means the package's
	Note        string
}

// PurchaseResult is a purchase with a new manage token, which is also its
// credit code (a client books with it; only its hash is stored).
type PurchaseResult struct {
	Purchase   Purchase
	Package    Package
	CreditCode string
}

// CreditUse is one appointment booked with a credit of a purchase.
type CreditUse struct {
	BookingRef string     `db:"ref"`
	Status     Status     `db:"status"`
	StartsAt   time.Time  `db:"starts_at"`
	SpentAt    time.Time  `db:"spent_at"`
	ReturnedAt *time.Time `db:"returned_at"` // set when a cancellation gave the credit back
}

// PurchaseDetails is what a client's package page and a coach see.
type PurchaseDetails struct {
	Purchase
	Package Package
	Type    events.AppointmentType
	Uses    []CreditUse // soonest first, returned ones too
}

// PurchaseAction is something that happens to a purchase.
type PurchaseAction string

// Purchase actions.
const (
	PurchasePay      PurchaseAction = "pay"       // a verified payment, or a free purchase or grant
	PurchaseAbandon  PurchaseAction = "abandon"   // its checkout ended unpaid
	PurchaseLatePaid PurchaseAction = "late_paid" // a payment for an abandoned checkout: honoured
	PurchaseExpire   PurchaseAction = "expire"    // validity ended
	PurchaseExtend   PurchaseAction = "extend"    // a coach moves the expiry later
	PurchaseRefund   PurchaseAction = "refund"    // a coach refunds the unused part
)

// PurchaseTable is the purchase lifecycle: every status change goes
// through purchaseTransition, which consults it. A missing cell is a
// refusal (fault.Conflict).
var PurchaseTable = map[PurchaseStatus]map[PurchaseAction]Rule[PurchaseStatus]{
	PurchasePending: {
		PurchasePay:     {To: PurchaseActive, Effects: "credits usable; validity starts; email with the credit code"},
		PurchaseAbandon: {To: PurchaseAbandoned},
	},
	PurchaseActive: {
		PurchaseExtend: {To: PurchaseActive, Effects: "expiry later; reminders may go again"},
		PurchaseExpire: {To: PurchaseExpired, Effects: "credits left voided"},
		PurchaseRefund: {To: PurchaseRefunded, Effects: "credits left voided with the refund row"},
	},
	PurchaseAbandoned: {
		PurchaseLatePaid: {To: PurchaseActive, Effects: "a late payment is honoured: credits do not compete for anything"},
	},
	PurchaseExpired: {
		PurchaseExtend: {To: PurchaseActive, Effects: "credits voided by the expiry are usable again"},
		PurchaseRefund: {To: PurchaseRefunded, Effects: "goodwill refund of an amount the coach names"},
	},
	PurchaseRefunded: {},
}

// NextPurchaseStatus returns the status action leads to from from, or a
// fault.Conflict error.
func NextPurchaseStatus(from PurchaseStatus, action PurchaseAction) (PurchaseStatus, error) {
	rule, ok := PurchaseTable[from][action]
	if !ok {
		return "", fault.New(fault.Conflict, "a package that is %s cannot %s", from, action)
	}
	return rule.To, nil
}
