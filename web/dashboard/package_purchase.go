package dashboard

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/view"
)

type packagePageData struct {
	dashPage
	Package booking.Package
	Price   string
	Sales   []saleRow
	Form    dashForm // the grant form
}

// packagePage shows one package, its purchases and the form to grant its
// credits by hand.
func (d *dashboard) packagePage(c echo.Context) error {
	return d.renderPackagePage(c, http.StatusOK, dashForm{Values: url.Values{}}, "")
}

func (d *dashboard) renderPackagePage(c echo.Context, status int, form dashForm, problem string) error {
	p, err := d.hostedPackage(c, c.Param("slug"))
	if err != nil {
		return err
	}
	sales, err := d.Booking.PackageSales(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	data := packagePageData{dashPage: d.page(c, p.Title, "packages"), Package: p, Price: view.FormatMoney(p.PriceCents, p.Currency), Form: form}
	data.Notice, data.Error = packageNotice(c.QueryParam("done")), problem
	for _, s := range sales {
		if s.PackageID == p.ID {
			data.Sales = append(data.Sales, newSaleRow(s))
		}
	}
	return d.Render(c, status, "dashboard_package.html", data)
}

// grantCredits gives a client credits of the package by hand, free, with
// the coach's note; the client is emailed their credit code.
func (d *dashboard) grantCredits(c echo.Context) error {
	p, err := d.hostedPackage(c, c.Param("slug"))
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	var f fault.Fields
	req := booking.GrantRequest{PackageSlug: p.Slug, Name: form.Get("name"), Email: form.Get("email"), Note: form.Get("note"),
		Credits: wholeNumber(&f, "credits", form.Get("credits"))}
	err = f.Err()
	if err == nil {
		_, err = d.Booking.GrantCredits(c.Request().Context(), coachOf(c).ID, req)
	}
	if err != nil {
		return d.grantFormError(c, form, err)
	}
	return redirectTo(c, "/dashboard/packages/"+p.Slug+"?done=granted")
}

func (d *dashboard) grantFormError(c echo.Context, form url.Values, err error) error {
	problem, ok := formError(err, nil)
	if !ok {
		return err
	}
	return d.renderPackagePage(c, problem.Status, dashForm{Values: form, Errors: problem.Fields}, problem.Message)
}

type purchasePageData struct {
	dashPage
	Purchase  booking.PurchaseDetails
	Amount    string
	Refunded  string
	Expires   string // UTC
	ProRata   string // the default refund, as the form takes it
	Uses      []creditUseRow
	CanExtend bool
	CanRefund bool
	Form      dashForm
}

// creditUseRow is an appointment booked with a credit of the purchase.
type creditUseRow struct {
	booking.CreditUse
	When     string // UTC
	Returned bool
}

// purchasePage shows one purchase to a coach who hosts its type, with the
// forms to extend or refund it.
func (d *dashboard) purchasePage(c echo.Context) error {
	return d.renderPurchasePage(c, http.StatusOK, dashForm{Values: url.Values{"days": {"30"}}}, "")
}

func (d *dashboard) renderPurchasePage(c echo.Context, status int, form dashForm, problem string) error {
	p, err := d.Booking.PackagePurchase(c.Request().Context(), c.Param("ref"), booking.Actor{CoachID: coachOf(c).ID})
	if err != nil {
		return err
	}
	data := purchasePageData{dashPage: d.page(c, "Package "+p.Ref, "packages"), Purchase: p, Form: form,
		Amount: view.FormatMoney(p.AmountCents, p.Currency), Refunded: view.FormatMoney(p.RefundedCents, p.Currency),
		Expires: dayOf(p.ExpiresAt), ProRata: formatPrice(p.AmountCents*int64(p.CreditsLeft)/int64(max(p.CreditsBought, 1)), p.Currency)}
	data.Notice, data.Error = packageNotice(c.QueryParam("done")), problem
	_, extendErr := booking.NextPurchaseStatus(p.Status, booking.PurchaseExtend)
	_, refundErr := booking.NextPurchaseStatus(p.Status, booking.PurchaseRefund)
	data.CanExtend, data.CanRefund = extendErr == nil, refundErr == nil
	for _, u := range p.Uses {
		data.Uses = append(data.Uses, creditUseRow{CreditUse: u, When: u.StartsAt.UTC().Format("Mon 2 Jan 2006, 15:04 MST"), Returned: u.ReturnedAt != nil})
	}
	return d.Render(c, status, "dashboard_package_purchase.html", data)
}

// extendPurchase moves a purchase's expiry later by the days typed.
func (d *dashboard) extendPurchase(c echo.Context) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	p, err := d.Booking.PackagePurchase(ctx, c.Param("ref"), booking.Actor{CoachID: coach.ID})
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	var f fault.Fields
	days := wholeNumber(&f, "days", form.Get("days"))
	err = f.Err()
	if err == nil {
		_, err = d.Booking.ExtendPackage(ctx, coach.ID, p.Ref, days)
	}
	if err != nil {
		return d.purchaseFormError(c, form, err)
	}
	return redirectTo(c, "/dashboard/package-purchases/"+p.Ref+"?done=extended")
}

// refundPurchase refunds the unused part of a purchase: the amount typed
// in its currency, or pro rata of the credits left when left empty.
func (d *dashboard) refundPurchase(c echo.Context) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	p, err := d.Booking.PackagePurchase(ctx, c.Param("ref"), booking.Actor{CoachID: coach.ID})
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	var f fault.Fields
	var amount *int64
	if typed := form.Get("amount"); typed != "" {
		cents := parsePrice(&f, "amount", typed, p.Currency)
		amount = &cents
	}
	err = f.Err()
	if err == nil {
		_, err = d.Booking.RefundPackage(ctx, coach.ID, p.Ref, amount)
	}
	if err != nil {
		return d.purchaseFormError(c, form, err)
	}
	return redirectTo(c, "/dashboard/package-purchases/"+p.Ref+"?done=refund-queued")
}

func (d *dashboard) purchaseFormError(c echo.Context, form url.Values, err error) error {
	problem, ok := formError(err, map[string]string{"amount_cents": "amount"})
	if !ok {
		return err
	}
	return d.renderPurchasePage(c, problem.Status, dashForm{Values: form, Errors: problem.Fields}, problem.Message)
}
