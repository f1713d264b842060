package public

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/money"
	"github.com/roster-app/roster/receipt"
)

// receiptsPageData is the printable page of a booking's receipt and
// credit notes.
type receiptsPageData struct {
	Title     string
	Ref       string
	Token     string
	Documents []documentView
}

type documentView struct {
	receipt.Document
	AddressLines    []string
	Issued          string
	Lines           []documentLine
	Net, Tax, Gross string
	PDF             string // the PDF's link
	CreditNote      bool
}

type documentLine struct {
	Description, Rate          string
	Quantity                   int
	Unit, Discount, Net, TaxOf string
}

func newDocumentView(d receipt.Document, ref, token string) documentView {
	f := func(cents int64) string { return money.Format(cents, d.Currency) }
	v := documentView{Document: d, Issued: d.IssuedAt.Format("2 January 2006"), Net: f(d.NetCents), Tax: f(d.TaxCents), Gross: f(d.GrossCents),
		PDF: "/bookings/" + ref + "/receipts/" + d.Filename() + "?t=" + token, CreditNote: d.Kind == receipt.CreditNote}
	for _, line := range strings.Split(d.Seller.Address, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			v.AddressLines = append(v.AddressLines, line)
		}
	}
	for _, l := range d.Lines {
		v.Lines = append(v.Lines, documentLine{Description: l.Description, Quantity: l.Quantity, Unit: f(l.UnitCents),
			Discount: f(l.DiscountCents), Net: f(l.NetCents), TaxOf: f(l.TaxCents), Rate: rateText(l.RateBasisPoints)})
	}
	return v
}

// rateText writes basis points as a percentage: 2000 is "20%", 1250
// "12.5%".
func rateText(bp int) string {
	text := strconv.Itoa(bp/100) + "." + fmt.Sprintf("%02d", bp%100)
	return strings.TrimSuffix(strings.TrimRight(text, "0"), ".") + "%"
}

// receiptsPage shows a booking's receipt and credit notes, printable,
// with links to their PDFs; a booking not paid for has none.
func (s *handlers) receiptsPage(c echo.Context) error {
	token := c.QueryParam("t")
	docs, err := s.Booking.Documents(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return err
	}
	data := receiptsPageData{Title: "Receipts · " + c.Param("ref"), Ref: c.Param("ref"), Token: token}
	for _, d := range docs {
		data.Documents = append(data.Documents, newDocumentView(d, c.Param("ref"), token))
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return s.Render(c, http.StatusOK, "receipts.html", data)
}

// receiptPDF serves one of a booking's documents as a PDF, by its file
// name (R-000042.pdf).
func (s *handlers) receiptPDF(c echo.Context) error {
	docs, err := s.Booking.Documents(c.Request().Context(), c.Param("ref"), booking.Actor{Token: c.QueryParam("t")})
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.Filename() != c.Param("file") {
			continue
		}
		pdf, err := receipt.PDF(d)
		if err != nil {
			return err
		}
		c.Response().Header().Set("Referrer-Policy", "no-referrer")
		c.Response().Header().Set("Content-Disposition", `inline; filename="`+d.Filename()+`"`)
		return c.Blob(http.StatusOK, "application/pdf", pdf)
	}
	return fault.New(fault.NotFound, "no such receipt")
}

// addDocuments adds to the simple receipt page what pricing issued for b:
// the numbered documents, and the lines bought when they are more than
// seats at the event's price (ticket types, a discount, tax).
func (s *handlers) addDocuments(ctx context.Context, data *receiptData, b booking.Booking, token string) error {
	docs, err := s.Booking.Documents(ctx, b.Ref, booking.Actor{Token: token})
	if err != nil {
		return err
	}
	for _, d := range docs {
		data.Documents = append(data.Documents, newDocumentView(d, b.Ref, url.QueryEscape(token)))
	}
	if len(docs) > 0 {
		data.All = "/bookings/" + b.Ref + "/receipts?t=" + url.QueryEscape(token)
		if paid := docs[0]; paid.Kind == receipt.Receipt && paid.TaxCents > 0 {
			data.Tax = money.Format(paid.TaxCents, paid.Currency)
		}
	}
	lines, err := s.Booking.Lines(ctx, b.ID)
	if err != nil {
		return err
	}
	var parts []string
	priced := false
	var discount int64
	for _, l := range lines {
		priced = priced || l.TicketTypeID != nil || l.DiscountCents > 0 || l.TaxCents > 0
		discount += l.DiscountCents
		parts = append(parts, fmt.Sprintf("%d × %s %s", l.Quantity, l.Name, money.Format(l.UnitCents, b.Currency)))
	}
	if priced {
		if discount > 0 {
			parts = append(parts, "discount −"+money.Format(discount, b.Currency))
		}
		data.Line = strings.Join(parts, ", ")
	}
	return nil
}
