package public

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/httperr"
	"github.com/roster-app/roster/web/internal/view"
)

// packageView is a package as its public page shows it.
type packageView struct {
	booking.Package
	Type      events.AppointmentType
	Price     string // "£300.00", or "Free"
	PerCall   string // the price of one call in the package
	HostNames string
}

func newPackageView(p booking.Package, t events.AppointmentType) packageView {
	v := packageView{Package: p, Type: t, Price: view.FormatMoney(p.PriceCents, p.Currency),
		PerCall: view.FormatMoney(p.PriceCents/int64(max(p.Credits, 1)), p.Currency)}
	names := make([]string, len(t.Hosts))
	for i, h := range t.Hosts {
		names[i] = h.Name
	}
	v.HostNames = joinNames(names)
	return v
}

type packagePageData struct {
	Title   string
	Package packageView
	Form    bookForm
}

// packagePage serves a published package and the form to buy it.
func (s *handlers) packagePage(c echo.Context) error {
	p, t, err := s.Booking.PublicPackage(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	return s.renderPackagePage(c, http.StatusOK, p, t, bookForm{Values: url.Values{}})
}

func (s *handlers) renderPackagePage(c echo.Context, status int, p booking.Package, t events.AppointmentType, form bookForm) error {
	return s.Render(c, status, "package.html", packagePageData{Title: p.Title, Package: newPackageView(p, t), Form: form})
}

// buyPackageFromPage handles the purchase form: a free package lands on
// its package page, a paid one on its checkout; bad input re-renders the
// form with a message beside each field.
func (s *handlers) buyPackageFromPage(c echo.Context) error {
	ctx := c.Request().Context()
	p, t, err := s.Booking.PublicPackage(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	res, err := s.Booking.BuyPackage(ctx, booking.PurchaseRequest{PackageSlug: p.Slug, Name: form.Get("name"), Email: form.Get("email")})
	if err == nil && res.Purchase.Status == booking.PurchasePending {
		var to string
		if to, err = s.StartPackageCheckout(ctx, res.Purchase.Ref, res.CreditCode); err == nil {
			return c.Redirect(http.StatusSeeOther, to)
		}
	}
	if err != nil {
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code == fault.NotFound || (httperr.StatusOf(fe.Code) >= 500 && fe.Code != fault.PaymentProviderDown) {
			return err
		}
		return s.renderPackagePage(c, httperr.StatusOf(fe.Code), p, t, bookForm{Values: form, Errors: fe.Fields, Error: fe.Message})
	}
	return c.Redirect(http.StatusSeeOther, purchasePath(res.Purchase.Ref, res.CreditCode))
}

// purchasePath is a purchase's page for its client (the path of
// booking.Service.PackageURL).
func purchasePath(ref, token string) string {
	return "/packages/purchases/" + ref + "?t=" + url.QueryEscape(token)
}

// creditUseView is one appointment booked with a credit; When is UTC.
type creditUseView struct {
	booking.CreditUse
	When     string
	Start    string // RFC 3339, for <time datetime>
	Returned bool
}

type purchasePageData struct {
	Title     string
	Purchase  booking.PurchaseDetails
	Token     string
	Amount    string
	Expires   string // when the credits left expire, UTC
	ExpiresAt string // RFC 3339, for <time datetime>
	Uses      []creditUseView
	BookURL   string // the type's slot picker, paying with this purchase's credit
	Paying    bool   // back from the checkout, waiting for the payment
	Notice    string
	Error     string
}

// purchasePage is a client's package: credits left, the calls booked with
// it and when its credits expire, with a button to book a call.
func (s *handlers) purchasePage(c echo.Context) error {
	return s.renderPurchasePage(c, http.StatusOK, c.QueryParam("t"), "")
}

func (s *handlers) renderPurchasePage(c echo.Context, status int, token, problem string) error {
	d, err := s.Booking.PackagePurchase(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return err
	}
	zone := time.UTC // localtime.js shows the visitor's own time where it can
	data := purchasePageData{Title: d.Package.Title, Purchase: d, Token: token, Error: problem,
		Amount: view.FormatMoney(d.AmountCents, d.Currency),
		Paying: c.QueryParam("paid") == "1" && d.Status == booking.PurchasePending}
	if d.ExpiresAt != nil {
		data.Expires = d.ExpiresAt.In(zone).Format("Monday 2 January 2006, 15:04 MST")
		data.ExpiresAt = d.ExpiresAt.UTC().Format(time.RFC3339)
	}
	if d.Status == booking.PurchaseActive && d.CreditsLeft > 0 {
		data.BookURL = "/coaching/" + url.PathEscape(d.Type.Slug) + "?credit=" + url.QueryEscape(token)
	}
	for _, u := range d.Uses {
		data.Uses = append(data.Uses, creditUseView{CreditUse: u, Returned: u.ReturnedAt != nil,
			When: u.StartsAt.In(zone).Format("Monday 2 January 2006, 15:04 MST"), Start: u.StartsAt.UTC().Format(time.RFC3339)})
	}
	if c.QueryParam("paid") == "1" && d.Status == booking.PurchaseActive {
		data.Notice = fmt.Sprintf("Payment received: your %d credits are ready to use.", d.CreditsBought)
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer") // the URL holds the credit code
	return s.Render(c, status, "package_purchase.html", data)
}

// payPurchaseFromPage reopens the checkout of a purchase still waiting
// for payment.
func (s *handlers) payPurchaseFromPage(c echo.Context) error {
	token := c.FormValue("t")
	d, err := s.Booking.PackagePurchase(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return err
	}
	to, err := s.StartPackageCheckout(c.Request().Context(), d.Ref, token)
	if err != nil {
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code == fault.NotFound || (httperr.StatusOf(fe.Code) >= 500 && fe.Code != fault.PaymentProviderDown) {
			return err
		}
		return s.renderPurchasePage(c, httperr.StatusOf(fe.Code), token, fe.Message)
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// typePackages are the packages on sale of an appointment type, for its
// slot picker to offer.
func (s *handlers) typePackages(c echo.Context, t events.AppointmentType) ([]packageView, error) {
	list, err := s.Booking.TypePackages(c.Request().Context(), t.ID)
	if err != nil {
		return nil, err
	}
	out := make([]packageView, 0, len(list))
	for _, p := range list {
		out = append(out, newPackageView(p, t))
	}
	return out, nil
}
