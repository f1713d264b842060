package public

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/httperr"
	"github.com/roster-app/roster/web/internal/view"
)

type waitlistPageData struct {
	Title    string
	Event    eventView
	Date     view.Date
	Entry    booking.WaitlistEntry
	Token    string
	Expires  string
	Claim    bool // an offer to claim rather than a place in line
	Declined bool // the offer was just given up
	Place    int  // place in line, from 1; 0 when not known
}

func (s *handlers) joinWaitlistFromPage(c echo.Context) error {
	ctx := c.Request().Context()
	e, err := s.Events.PublicEvent(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	seats, convErr := strconv.Atoi(strings.TrimSpace(form.Get("seats")))
	if convErr != nil {
		return s.renderEventPage(c, http.StatusUnprocessableEntity, e, bookForm{Values: form, Errors: map[string]string{"seats": "must be a whole number"}})
	}
	entry, err := s.Booking.JoinWaitlist(ctx, booking.Request{SessionID: id, Name: form.Get("name"), Email: form.Get("email"), Seats: seats, ClientAddr: c.RealIP()})
	if err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) && httperr.StatusOf(fe.Code) < 500 && fe.Code != fault.NotFound {
			// The waitlist is joined from the booking form, so its
			// messages mark the same fields.
			return s.renderEventPage(c, httperr.StatusOf(fe.Code), e, bookForm{Values: form, Errors: fe.Fields, Error: fe.Message})
		}
		return err
	}
	place, err := s.Booking.WaitlistPlace(ctx, entry.ID)
	if err != nil {
		return err
	}
	return s.renderWaitlistPage(c, e, waitlistPageData{Entry: entry, Place: place})
}

func (s *handlers) renderWaitlist(c echo.Context, e events.Event, entry booking.WaitlistEntry, token string, claim bool) error {
	return s.renderWaitlistPage(c, e, waitlistPageData{Entry: entry, Token: token, Claim: claim})
}

func (s *handlers) renderWaitlistPage(c echo.Context, e events.Event, data waitlistPageData) error {
	entry := data.Entry
	data.Title, data.Event = "Waitlist · "+e.Title, newEventView(e, s.Now())
	for _, sess := range e.Sessions {
		if sess.ID == entry.SessionID {
			data.Date = view.NewDate(sess, e.Zone(), s.Now())
		}
	}
	if entry.OfferExpiresAt != nil {
		data.Expires = entry.OfferExpiresAt.In(e.Zone()).Format("15:04 MST on Mon 2 Jan")
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.Render(c, http.StatusOK, "waitlist.html", data)
}

func (s *handlers) claimOfferPage(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	token := c.QueryParam("t")
	entry, err := s.Booking.Offer(c.Request().Context(), id, token)
	if err != nil {
		return err
	}
	e, err := s.Events.EventByID(c.Request().Context(), entry.EventID)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return s.renderWaitlist(c, e, entry, token, true)
}

func (s *handlers) claimOffer(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	res, err := s.Booking.ClaimOffer(c.Request().Context(), id, c.FormValue("t"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.afterBooking(res))
}

// declineOffer gives up a waitlist offer with its claim token: the held
// seats go to the next person in line.
func (s *handlers) declineOffer(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	token := c.FormValue("t")
	entry, err := s.Booking.Offer(ctx, id, token)
	if err != nil {
		return err
	}
	if err := s.Booking.DeclineOffer(ctx, id, token); err != nil {
		return err
	}
	e, err := s.Events.EventByID(ctx, entry.EventID)
	if err != nil {
		return err
	}
	entry.Status = booking.Left
	return s.renderWaitlistPage(c, e, waitlistPageData{Entry: entry, Declined: true})
}
