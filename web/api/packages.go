package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/bind"
)

// packageJSON is a package of appointments in the JSON API. The price is
// in minor units of currency; valid_days counts from the purchase.
type packageJSON struct {
	ID              int64     `json:"id"`
	Slug            string    `json:"slug"`
	Title           string    `json:"title"`
	AppointmentType string    `json:"appointment_type"` // the type's slug
	Credits         int       `json:"credits"`
	PriceCents      int64     `json:"price_cents"`
	Currency        string    `json:"currency"`
	ValidDays       int       `json:"valid_days"`
	Status          string    `json:"status"`
	CreatedAt       time.Time `json:"created_at"`
}

func newPackageJSON(p booking.Package, typeSlug string) packageJSON {
	return packageJSON{ID: p.ID, Slug: p.Slug, Title: p.Title, AppointmentType: typeSlug, Credits: p.Credits,
		PriceCents: p.PriceCents, Currency: p.Currency, ValidDays: p.ValidDays, Status: p.Status, CreatedAt: p.CreatedAt}
}

// creditUseJSON is one appointment booked with a credit of a purchase.
// Times are UTC; returned_at is set when a cancellation gave the credit back.
type creditUseJSON struct {
	Ref        string         `json:"ref"`
	Status     booking.Status `json:"status"`
	StartsAt   time.Time      `json:"starts_at"`
	SpentAt    time.Time      `json:"spent_at"`
	ReturnedAt *time.Time     `json:"returned_at"`
}

// purchaseJSON is a package purchase as its client sees it (GET with the
// token) and, with the coach's fields, as a coach sees it.
type purchaseJSON struct {
	Ref           string                 `json:"ref"`
	Status        booking.PurchaseStatus `json:"status"`
	Package       string                 `json:"package"` // the package's slug
	PackageTitle  string                 `json:"package_title"`
	Type          string                 `json:"appointment_type"` // the type's slug
	Name          string                 `json:"name"`
	Email         string                 `json:"email"`
	CreditCode    string                 `json:"credit_code,omitempty"` // the client's view only
	CreditsBought int                    `json:"credits_bought"`
	CreditsUsed   int                    `json:"credits_used"`
	CreditsLeft   int                    `json:"credits_left"`
	AmountCents   int64                  `json:"amount_cents"`
	Currency      string                 `json:"currency"`
	ExpiresAt     *time.Time             `json:"expires_at"` // UTC; set once active
	CreatedAt     time.Time              `json:"created_at"`
	Appointments  []creditUseJSON        `json:"appointments"`
	// The coach's view adds these.
	Source        string `json:"source,omitempty"`
	Note          string `json:"note,omitempty"`
	RefundedCents *int64 `json:"refunded_cents,omitempty"`
	CreditsVoided *int   `json:"credits_voided,omitempty"`
}

func newPurchaseJSON(d booking.PurchaseDetails) purchaseJSON {
	p := d.Purchase
	out := purchaseJSON{Ref: p.Ref, Status: p.Status, Package: d.Package.Slug, PackageTitle: d.Package.Title, Type: d.Type.Slug,
		Name: p.Name, Email: p.Email, CreditsBought: p.CreditsBought, CreditsUsed: p.CreditsUsed, CreditsLeft: p.CreditsLeft,
		AmountCents: p.AmountCents, Currency: p.Currency, ExpiresAt: p.ExpiresAt, CreatedAt: p.CreatedAt,
		Appointments: make([]creditUseJSON, 0, len(d.Uses))}
	for _, u := range d.Uses {
		out.Appointments = append(out.Appointments, creditUseJSON{Ref: u.BookingRef, Status: u.Status, StartsAt: u.StartsAt.UTC(),
			SpentAt: u.SpentAt.UTC(), ReturnedAt: u.ReturnedAt})
	}
	return out
}

// withCoachFields adds what only a coach sees of a purchase.
func (p purchaseJSON) withCoachFields(x booking.Purchase) purchaseJSON {
	p.Source, p.Note, p.RefundedCents, p.CreditsVoided = x.Source, x.Note, &x.RefundedCents, &x.CreditsVoided
	return p
}

func (s *handlers) getPackage(c echo.Context) error {
	p, t, err := s.Booking.PublicPackage(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newPackageJSON(p, t.Slug))
}

type purchaseRequest struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
}

// purchaseCreatedJSON answers a purchase: a free package is active at
// once; a paid one waits at checkout_url. manage_url is the package page.
type purchaseCreatedJSON struct {
	Ref         string                 `json:"ref"`
	Status      booking.PurchaseStatus `json:"status"`
	CreditCode  string                 `json:"credit_code"`
	ManageURL   string                 `json:"manage_url"`
	CheckoutURL string                 `json:"checkout_url,omitempty"`
}

func (s *handlers) buyPackage(c echo.Context) error {
	var req purchaseRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	res, err := s.Booking.BuyPackage(ctx, booking.PurchaseRequest{PackageSlug: c.Param("slug"), Name: bind.Str(req.Name), Email: bind.Str(req.Email)})
	if err != nil {
		return err
	}
	out := purchaseCreatedJSON{Ref: res.Purchase.Ref, Status: res.Purchase.Status, CreditCode: res.CreditCode,
		ManageURL: s.Booking.PackageURL(res.Purchase.Ref, res.CreditCode)}
	if res.Purchase.Status == booking.PurchasePending {
		if out.CheckoutURL, err = s.StartPackageCheckout(ctx, res.Purchase.Ref, res.CreditCode); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusCreated, out)
}

func (s *handlers) getPurchase(c echo.Context) error {
	token := c.QueryParam("t")
	d, err := s.Booking.PackagePurchase(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return err
	}
	out := newPurchaseJSON(d)
	out.CreditCode = token
	return c.JSON(http.StatusOK, out)
}

// typeSlugs maps the ids of the types the coach hosts to their slugs.
func (s *handlers) typeSlugs(c echo.Context) (map[int64]string, error) {
	types, err := s.Events.CoachAppointmentTypes(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return nil, err
	}
	return slugsByID(types), nil
}

func slugsByID(types []events.AppointmentType) map[int64]string {
	out := make(map[int64]string, len(types))
	for _, t := range types {
		out[t.ID] = t.Slug
	}
	return out
}
