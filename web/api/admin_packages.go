package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/site"
)

// packageRequest is the body of POST /api/v1/admin/packages.
type packageRequest struct {
	Slug            *string `json:"slug"`
	Title           *string `json:"title"`
	AppointmentType *string `json:"appointment_type"`
	Credits         *int    `json:"credits"`
	PriceCents      *int64  `json:"price_cents"`
	Currency        *string `json:"currency"`
	ValidDays       *int    `json:"valid_days"`
	Status          *string `json:"status"`
}

func (s *handlers) adminCreatePackage(c echo.Context) error {
	var req packageRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	in := booking.PackageInput{Slug: bind.Str(req.Slug), Title: bind.Str(req.Title), AppointmentType: bind.Str(req.AppointmentType),
		Currency: bind.Str(req.Currency), Status: bind.Str(req.Status)}
	if req.Credits != nil {
		in.Credits = *req.Credits
	}
	if req.PriceCents != nil {
		in.PriceCents = *req.PriceCents
	}
	if req.ValidDays != nil {
		in.ValidDays = *req.ValidDays
	}
	p, err := s.Booking.CreatePackage(c.Request().Context(), coachOf(c).ID, in)
	if err != nil {
		return err
	}
	slugs, err := s.typeSlugs(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, newPackageJSON(p, slugs[p.AppointmentTypeID]))
}

func (s *handlers) adminListPackages(c echo.Context) error {
	list, err := s.Booking.CoachPackages(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	slugs, err := s.typeSlugs(c)
	if err != nil {
		return err
	}
	out := make([]packageJSON, 0, len(list))
	for _, p := range list {
		out = append(out, newPackageJSON(p, slugs[p.AppointmentTypeID]))
	}
	return c.JSON(http.StatusOK, out)
}

// grantRequest is the body of POST /api/v1/admin/packages/:slug/grants:
// credits 0 or absent means the package's.
type grantRequest struct {
	Name    *string `json:"name"`
	Email   *string `json:"email"`
	Credits *int    `json:"credits"`
	Note    *string `json:"note"`
}

func (s *handlers) adminGrantCredits(c echo.Context) error {
	var req grantRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	g := booking.GrantRequest{PackageSlug: c.Param("slug"), Name: bind.Str(req.Name), Email: bind.Str(req.Email), Note: bind.Str(req.Note)}
	if req.Credits != nil {
		g.Credits = *req.Credits
	}
	ctx := c.Request().Context()
	coach := coachOf(c)
	res, err := s.Booking.GrantCredits(ctx, coach.ID, g)
	if err != nil {
		return err
	}
	return s.adminPurchaseAnswer(c, http.StatusCreated, res.Purchase.Ref)
}

// adminPurchaseAnswer answers with a purchase as the coach sees it.
func (s *handlers) adminPurchaseAnswer(c echo.Context, status int, ref string) error {
	d, err := s.Booking.PackagePurchase(c.Request().Context(), ref, booking.Actor{CoachID: coachOf(c).ID})
	if err != nil {
		return err
	}
	return c.JSON(status, newPurchaseJSON(d).withCoachFields(d.Purchase))
}

func (s *handlers) adminGetPurchase(c echo.Context) error {
	return s.adminPurchaseAnswer(c, http.StatusOK, c.Param("ref"))
}

// saleJSON is one purchase in a coach's list of sales.
type saleJSON struct {
	Ref           string                 `json:"ref"`
	Package       string                 `json:"package"`
	PackageTitle  string                 `json:"package_title"`
	Name          string                 `json:"name"`
	Email         string                 `json:"email"`
	Status        booking.PurchaseStatus `json:"status"`
	Source        string                 `json:"source"` // sale or grant
	Note          string                 `json:"note"`
	AmountCents   int64                  `json:"amount_cents"`
	Currency      string                 `json:"currency"`
	RefundedCents int64                  `json:"refunded_cents"`
	CreditsBought int                    `json:"credits_bought"`
	CreditsUsed   int                    `json:"credits_used"`
	CreditsLeft   int                    `json:"credits_left"`
	CreditsVoided int                    `json:"credits_voided"`
	ExpiresAt     *time.Time             `json:"expires_at"`
	CreatedAt     time.Time              `json:"created_at"`
}

func (s *handlers) adminListPurchases(c echo.Context) error {
	sales, err := s.Booking.PackageSales(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	out := make([]saleJSON, 0, len(sales))
	for _, p := range sales {
		out = append(out, saleJSON{Ref: p.Ref, Package: p.PackageSlug, PackageTitle: p.PackageTitle, Name: p.Name, Email: p.Email,
			Status: p.Status, Source: p.Source, Note: p.Note, AmountCents: p.AmountCents, Currency: p.Currency,
			RefundedCents: p.RefundedCents, CreditsBought: p.CreditsBought, CreditsUsed: p.CreditsUsed, CreditsLeft: p.CreditsLeft,
			CreditsVoided: p.CreditsVoided, ExpiresAt: p.ExpiresAt, CreatedAt: p.CreatedAt})
	}
	return c.JSON(http.StatusOK, out)
}

// balancesJSON is what a coach's clients hold: packages sold (paid, not
// counting grants or unpaid checkouts), the credits outstanding on active
// purchases, and each client's balance.
type balancesJSON struct {
	PackagesSold       int                 `json:"packages_sold"`
	CreditsOutstanding int                 `json:"credits_outstanding"`
	Clients            []clientBalanceJSON `json:"clients"`
}

type clientBalanceJSON struct {
	Email       string     `json:"email"`
	CreditsLeft int        `json:"credits_left"`
	CreditsUsed int        `json:"credits_used"`
	NextExpiry  *time.Time `json:"next_expiry"` // UTC; the soonest expiry of a purchase with credits left
}

func (s *handlers) adminPackageBalances(c echo.Context) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	balances, outstanding, err := s.Booking.ClientBalances(ctx, coach.ID)
	if err != nil {
		return err
	}
	sales, err := s.Booking.PackageSales(ctx, coach.ID)
	if err != nil {
		return err
	}
	out := balancesJSON{PackagesSold: site.PackagesSold(sales), CreditsOutstanding: outstanding, Clients: make([]clientBalanceJSON, 0, len(balances))}
	for _, b := range balances {
		out.Clients = append(out.Clients, clientBalanceJSON{Email: b.Email, CreditsLeft: b.CreditsLeft, CreditsUsed: b.CreditsUsed, NextExpiry: b.NextExpiry})
	}
	return c.JSON(http.StatusOK, out)
}

type extendRequest struct {
	Days *int `json:"days"`
}

func (s *handlers) adminExtendPurchase(c echo.Context) error {
	var req extendRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	if req.Days == nil {
		return (&fault.Fields{"days": "is required"}).Err()
	}
	p, err := s.Booking.ExtendPackage(c.Request().Context(), coachOf(c).ID, c.Param("ref"), *req.Days)
	if err != nil {
		return err
	}
	return s.adminPurchaseAnswer(c, http.StatusOK, p.Ref)
}

// packageRefundRequest is the body of a package refund: amount_cents
// absent or null refunds pro rata of the credits left.
type packageRefundRequest struct {
	AmountCents *int64 `json:"amount_cents"`
}

func (s *handlers) adminRefundPurchase(c echo.Context) error {
	var req packageRefundRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	p, err := s.Booking.RefundPackage(c.Request().Context(), coachOf(c).ID, c.Param("ref"), req.AmountCents)
	if err != nil {
		return err
	}
	return s.adminPurchaseAnswer(c, http.StatusAccepted, p.Ref)
}
