package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

// discountCodeRequest is the body of POST /api/v1/admin/discount-codes.
type discountCodeRequest struct {
	Code           *string  `json:"code"`
	PercentOff     *int     `json:"percent_off"`
	AmountOffCents *int64   `json:"amount_off_cents"`
	Currency       *string  `json:"currency"`
	MaxUses        *int     `json:"max_uses"`
	OncePerEmail   *bool    `json:"once_per_email"`
	Events         []string `json:"events"`
	ValidFrom      *string  `json:"valid_from"`
	ValidUntil     *string  `json:"valid_until"`
}

// discountCodeJSON is a code as its coach sees it; uses counts the
// bookings that hold a use (a cancelled one gives it back).
type discountCodeJSON struct {
	ID             int64      `json:"id"`
	Code           string     `json:"code"`
	PercentOff     *int       `json:"percent_off"`
	AmountOffCents *int64     `json:"amount_off_cents"`
	Currency       *string    `json:"currency"`
	MaxUses        *int       `json:"max_uses"`
	Uses           int        `json:"uses"`
	OncePerEmail   bool       `json:"once_per_email"`
	Events         []string   `json:"events"` // empty: every event the coach hosts
	ValidFrom      *time.Time `json:"valid_from"`
	ValidUntil     *time.Time `json:"valid_until"`
	CreatedAt      time.Time  `json:"created_at"`
}

func newDiscountCodeJSON(c booking.DiscountCode) discountCodeJSON {
	out := discountCodeJSON{ID: c.ID, Code: c.Code, PercentOff: c.PercentOff, AmountOffCents: c.AmountOffCents, MaxUses: c.MaxUses,
		Uses: c.Uses, OncePerEmail: c.OncePerEmail, Events: append([]string{}, c.EventSlugs...), ValidFrom: c.ValidFrom,
		ValidUntil: c.ValidUntil, CreatedAt: c.CreatedAt}
	if c.Currency != "" {
		out.Currency = &c.Currency
	}
	return out
}

func (s *handlers) adminCreateDiscountCode(c echo.Context) error {
	var req discountCodeRequest
	var f fault.Fields
	if err := bind.Decode(c, &req, &f); err != nil {
		return err
	}
	in := booking.DiscountCodeInput{Code: bind.Str(req.Code), PercentOff: req.PercentOff, AmountOffCents: req.AmountOffCents,
		Currency: bind.Str(req.Currency), MaxUses: req.MaxUses, EventSlugs: req.Events,
		ValidFrom: optionalTime(&f, "valid_from", req.ValidFrom), ValidUntil: optionalTime(&f, "valid_until", req.ValidUntil)}
	if req.OncePerEmail != nil {
		in.OncePerEmail = *req.OncePerEmail
	}
	if err := f.Err(); err != nil {
		return err
	}
	code, err := s.Booking.CreateDiscountCode(c.Request().Context(), coachOf(c).ID, in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, newDiscountCodeJSON(code))
}

func (s *handlers) adminDiscountCodes(c echo.Context) error {
	list, err := s.Booking.DiscountCodes(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	out := make([]discountCodeJSON, 0, len(list))
	for _, code := range list {
		out = append(out, newDiscountCodeJSON(code))
	}
	return c.JSON(http.StatusOK, out)
}
