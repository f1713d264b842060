package dashboard

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/site"
	"github.com/roster-app/roster/web/internal/view"
)

// packageRow is a package in the coach's list.
type packageRow struct {
	booking.Package
	TypeTitle string
	Price     string
}

// saleRow is a purchase in the coach's list of sales.
type saleRow struct {
	booking.PackageSale
	Amount  string
	Bought  string // UTC day
	Expires string // UTC day; "" until active
}

// balanceRow is one client's credits across the coach's packages.
type balanceRow struct {
	booking.ClientBalance
	NextExpiry string // UTC day; "" when no credit is left
}

type packagesData struct {
	dashPage
	Packages           []packageRow
	Sales              []saleRow
	Balances           []balanceRow
	PackagesSold       int
	CreditsOutstanding int
}

func dayOf(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2 Jan 2006")
}

func newSaleRow(p booking.PackageSale) saleRow {
	return saleRow{PackageSale: p, Amount: view.FormatMoney(p.AmountCents, p.Currency), Bought: dayOf(&p.CreatedAt), Expires: dayOf(p.ExpiresAt)}
}

// packagesPage lists the coach's packages, every purchase of them, and
// what each client holds.
func (d *dashboard) packagesPage(c echo.Context) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	list, err := d.Booking.CoachPackages(ctx, coach.ID)
	if err != nil {
		return err
	}
	types, err := d.Events.CoachAppointmentTypes(ctx, coach.ID)
	if err != nil {
		return err
	}
	titles := map[int64]string{}
	for _, t := range types {
		titles[t.ID] = t.Title
	}
	sales, err := d.Booking.PackageSales(ctx, coach.ID)
	if err != nil {
		return err
	}
	balances, outstanding, err := d.Booking.ClientBalances(ctx, coach.ID)
	if err != nil {
		return err
	}
	data := packagesData{dashPage: d.page(c, "Packages", "packages"), PackagesSold: site.PackagesSold(sales), CreditsOutstanding: outstanding}
	data.Notice = packageNotice(c.QueryParam("done"))
	for _, p := range list {
		data.Packages = append(data.Packages, packageRow{Package: p, TypeTitle: titles[p.AppointmentTypeID], Price: view.FormatMoney(p.PriceCents, p.Currency)})
	}
	for _, p := range sales {
		data.Sales = append(data.Sales, newSaleRow(p))
	}
	for _, b := range balances {
		data.Balances = append(data.Balances, balanceRow{ClientBalance: b, NextExpiry: dayOf(b.NextExpiry)})
	}
	return d.Render(c, http.StatusOK, "dashboard_packages.html", data)
}

func packageNotice(done string) string {
	switch done {
	case "created":
		return "Package created."
	case "granted":
		return "Credits granted; the client is emailed their credit code."
	case "extended":
		return "Expiry moved; the client's credits last longer."
	case "refund-queued":
		return "Refund queued; the credits left are voided and the client is emailed."
	}
	return ""
}

type newPackageData struct {
	dashPage
	Form  dashForm
	Types []events.AppointmentType
}

func (d *dashboard) newPackagePage(c echo.Context) error {
	return d.renderNewPackage(c, http.StatusOK, dashForm{Values: url.Values{"credits": {"4"}, "valid_days": {"180"}, "price": {"0"}}}, "")
}

func (d *dashboard) renderNewPackage(c echo.Context, status int, form dashForm, problem string) error {
	types, err := d.Events.CoachAppointmentTypes(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	data := newPackageData{dashPage: d.page(c, "New package", "packages"), Form: form, Types: types}
	data.Error = problem
	return d.Render(c, status, "dashboard_package_new.html", data)
}

// createPackage creates a package of a type the coach hosts. The price is
// typed in major units of the currency (the type's when left empty).
func (d *dashboard) createPackage(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	var f fault.Fields
	in := booking.PackageInput{Slug: form.Get("slug"), Title: form.Get("title"), AppointmentType: form.Get("appointment_type"),
		Currency: form.Get("currency"), Status: form.Get("status")}
	in.Credits = wholeNumber(&f, "credits", form.Get("credits"))
	in.ValidDays = wholeNumber(&f, "valid_days", form.Get("valid_days"))
	currency := strings.ToUpper(strings.TrimSpace(in.Currency))
	if currency == "" {
		if t, err := d.Events.HostedAppointmentType(c.Request().Context(), coachOf(c).ID, in.AppointmentType); err == nil {
			currency = t.Currency
		}
	}
	in.PriceCents = parsePrice(&f, "price", form.Get("price"), currency)
	if err := f.Err(); err != nil {
		return d.newPackageFormError(c, form, err)
	}
	p, err := d.Booking.CreatePackage(c.Request().Context(), coachOf(c).ID, in)
	if err != nil {
		return d.newPackageFormError(c, form, err)
	}
	return redirectTo(c, "/dashboard/packages/"+p.Slug+"?done=created")
}

func (d *dashboard) newPackageFormError(c echo.Context, form url.Values, err error) error {
	problem, ok := formError(err, map[string]string{"price_cents": "price"})
	if !ok {
		return err
	}
	return d.renderNewPackage(c, problem.Status, dashForm{Values: form, Errors: problem.Fields}, problem.Message)
}

// wholeNumber reads a whole number typed in a form; empty is 0, which the
// service takes as its default or refuses by name.
func wholeNumber(f *fault.Fields, field, value string) int {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	n, err := strconv.Atoi(value)
	if err != nil {
		f.Add(field, "must be a whole number")
	}
	return n
}

// hostedPackage returns the package slug of a type the coach hosts, or
// booking.ErrPackageNotFound: another coach's package is not found.
func (d *dashboard) hostedPackage(c echo.Context, slug string) (booking.Package, error) {
	list, err := d.Booking.CoachPackages(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return booking.Package{}, err
	}
	for _, p := range list {
		if p.Slug == slug {
			return p, nil
		}
	}
	return booking.Package{}, booking.ErrPackageNotFound
}

// packageSalesCSV downloads every purchase of the coach's packages.
func (d *dashboard) packageSalesCSV(c echo.Context) error {
	sales, err := d.Booking.PackageSales(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="package-sales-%s.csv"`, d.Now().UTC().Format("2006-01-02")))
	c.Response().WriteHeader(http.StatusOK)
	return booking.WritePackageSalesCSV(c.Response(), sales)
}
