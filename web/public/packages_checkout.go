package public

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/view"
)

// The offline TEST MODE checkout of a package purchase: the same
// /checkout/test/:id URLs as a booking's, whose handlers pass here when
// their ref names no booking.

// notABooking reports whether err is a booking lookup that found nothing,
// after which the test checkout looks for a package purchase instead.
func notABooking(err error) bool {
	return errors.Is(err, booking.ErrNotFound) || fault.CodeOf(err) == fault.NotFound
}

type testPackageCheckoutData struct {
	Title      string
	CheckoutID string
	Token      string
	Purchase   booking.PurchaseDetails
	Amount     string
}

func (s *handlers) testCheckoutPurchase(c echo.Context, token string) (booking.PurchaseDetails, error) {
	if s.Offline == nil {
		return booking.PurchaseDetails{}, echo.NewHTTPError(http.StatusNotFound)
	}
	d, err := s.Booking.PackagePurchase(c.Request().Context(), c.QueryParam("ref"), booking.Actor{Token: token})
	if err != nil {
		return booking.PurchaseDetails{}, err
	}
	if d.PaymentRef != c.Param("id") {
		return booking.PurchaseDetails{}, fault.New(fault.NotFound, "no such checkout")
	}
	return d, nil
}

func (s *handlers) testPackageCheckoutPage(c echo.Context) error {
	d, err := s.testCheckoutPurchase(c, c.QueryParam("t"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return s.Render(c, http.StatusOK, "checkout_test_package.html", testPackageCheckoutData{
		Title: "TEST MODE checkout", CheckoutID: c.Param("id"), Token: c.QueryParam("t"), Purchase: d,
		Amount: view.FormatMoney(d.AmountCents, d.Currency),
	})
}

func (s *handlers) testPackageCheckoutPay(c echo.Context) error {
	token := c.FormValue("t")
	d, err := s.testCheckoutPurchase(c, token)
	if err != nil {
		return err
	}
	event := s.Offline.CompleteEvent(c.Param("id"), d.Ref, d.AmountCents, d.Currency, s.Now())
	if _, err := s.Booking.ApplyPayment(c.Request().Context(), event); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, purchasePath(d.Ref, token)+"&paid=1")
}

func (s *handlers) testPackageCheckoutAbandon(c echo.Context) error {
	token := c.FormValue("t")
	d, err := s.testCheckoutPurchase(c, token)
	if err != nil {
		return err
	}
	event := s.Offline.ExpireEvent(c.Param("id"), d.Ref, s.Now())
	if _, err := s.Booking.ApplyPayment(c.Request().Context(), event); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/packages/"+url.PathEscape(d.Package.Slug))
}
