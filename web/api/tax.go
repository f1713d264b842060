package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/receipt"
	"github.com/roster-app/roster/web/internal/bind"
)

// taxJSON is a coach's tax settings: rate_basis_points is hundredths of a
// percent (2000 = 20%).
type taxJSON struct {
	Registered      bool   `json:"registered"`
	TaxID           string `json:"tax_id"`
	RateBasisPoints int    `json:"rate_basis_points"`
	Inclusive       bool   `json:"inclusive"`
	BusinessName    string `json:"business_name"`
	BusinessAddress string `json:"business_address"`
}

type taxRequest struct {
	Registered      *bool   `json:"registered"`
	TaxID           *string `json:"tax_id"`
	RateBasisPoints *int    `json:"rate_basis_points"`
	Inclusive       *bool   `json:"inclusive"`
	BusinessName    *string `json:"business_name"`
	BusinessAddress *string `json:"business_address"`
}

func newTaxJSON(t booking.TaxSettings) taxJSON {
	return taxJSON{Registered: t.Registered, TaxID: t.TaxID, RateBasisPoints: t.RateBasisPoints, Inclusive: t.Inclusive,
		BusinessName: t.BusinessName, BusinessAddress: t.BusinessAddress}
}

func (s *handlers) adminGetTax(c echo.Context) error {
	t, err := s.Booking.Tax(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newTaxJSON(t))
}

// adminSetTax replaces the calling coach's tax settings; bookings priced
// from now on use them.
func (s *handlers) adminSetTax(c echo.Context) error {
	var req taxRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	if req.Registered == nil {
		return (&fault.Fields{"registered": "is required"}).Err()
	}
	in := booking.TaxSettings{Registered: *req.Registered, TaxID: bind.Str(req.TaxID), BusinessName: bind.Str(req.BusinessName),
		BusinessAddress: bind.Str(req.BusinessAddress)}
	if req.RateBasisPoints != nil {
		in.RateBasisPoints = *req.RateBasisPoints
	}
	if req.Inclusive != nil {
		in.Inclusive = *req.Inclusive
	}
	t, err := s.Booking.SetTax(c.Request().Context(), coachOf(c).ID, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newTaxJSON(t))
}

// documentJSON is a receipt or credit note as issued.
type documentJSON struct {
	Kind       receipt.Kind `json:"kind"`
	Number     string       `json:"number"`
	Title      string       `json:"title"`
	IssuedAt   time.Time    `json:"issued_at"`
	Credits    string       `json:"credits,omitempty"`
	Seller     sellerJSON   `json:"seller"`
	Currency   string       `json:"currency"`
	Inclusive  bool         `json:"inclusive"`
	Lines      []lineJSON   `json:"lines"`
	NetCents   int64        `json:"net_cents"`
	TaxCents   int64        `json:"tax_cents"`
	GrossCents int64        `json:"gross_cents"`
	PDFURL     string       `json:"pdf_url"`
}

type sellerJSON struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	TaxID   string `json:"tax_id"`
}

// getReceipts answers a booking's receipt and credit notes, for the
// attendee with the manage token.
func (s *handlers) getReceipts(c echo.Context) error {
	token := c.QueryParam("t")
	docs, err := s.Booking.Documents(c.Request().Context(), c.Param("ref"), booking.Actor{Token: token})
	if err != nil {
		return err
	}
	out := make([]documentJSON, 0, len(docs))
	for _, d := range docs {
		j := documentJSON{Kind: d.Kind, Number: d.Number, Title: d.Title(), IssuedAt: d.IssuedAt, Credits: d.Refers,
			Seller: sellerJSON{Name: d.Seller.Name, Address: d.Seller.Address, TaxID: d.Seller.TaxID}, Currency: d.Currency,
			Inclusive: d.Inclusive, Lines: []lineJSON{}, NetCents: d.NetCents, TaxCents: d.TaxCents, GrossCents: d.GrossCents,
			PDFURL: s.BaseURL + "/bookings/" + d.Reference + "/receipts/" + d.Filename() + "?t=" + token}
		for _, l := range d.Lines {
			j.Lines = append(j.Lines, lineJSON{Name: l.Description, UnitCents: l.UnitCents, Quantity: l.Quantity,
				DiscountCents: l.DiscountCents, TaxCents: l.TaxCents, AmountCents: l.GrossCents})
		}
		out = append(out, j)
	}
	return c.JSON(http.StatusOK, out)
}
