package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
)

func (s *Server) apiAdminSessionBookings(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	list, err := s.booking.SessionBookings(c.Request().Context(), coachOf(c).ID, id)
	if err != nil {
		return err
	}
	out := make([]bookingJSON, 0, len(list))
	for _, b := range list {
		out = append(out, newBookingJSON(b))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) apiAdminSessionWaitlist(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	list, err := s.booking.Waitlist(c.Request().Context(), coachOf(c).ID, id)
	if err != nil {
		return err
	}
	if list == nil {
		list = []booking.WaitlistEntry{}
	}
	return c.JSON(http.StatusOK, list)
}

func (s *Server) apiAdminCancelBooking(c echo.Context) error {
	b, err := s.booking.Cancel(c.Request().Context(), c.Param("ref"), booking.Actor{CoachID: coachOf(c).ID})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newBookingJSON(b))
}

func (s *Server) apiAdminMoveBooking(c echo.Context) error {
	return s.moveBooking(c, booking.Actor{CoachID: coachOf(c).ID})
}

// questionJSON is a registration question in the JSON API.
type questionJSON struct {
	ID       int64                `json:"id"`
	Kind     booking.QuestionKind `json:"kind"`
	Label    string               `json:"label"`
	Required bool                 `json:"required"`
	Options  []string             `json:"options,omitempty"`
}

func (s *Server) apiAdminGetQuestions(c echo.Context) error {
	e, err := s.events.HostedEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	qs, err := s.booking.Questions(c.Request().Context(), e.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, questionsJSON(qs))
}

func (s *Server) apiAdminSetQuestions(c echo.Context) error {
	e, err := s.events.HostedEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	var req []questionJSON
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	qs := make([]booking.Question, len(req))
	for i, q := range req {
		qs[i] = booking.Question{Kind: q.Kind, Label: q.Label, Required: q.Required, Options: booking.Options(q.Options)}
	}
	saved, err := s.booking.SetQuestions(c.Request().Context(), e.ID, qs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, questionsJSON(saved))
}

func questionsJSON(qs []booking.Question) []questionJSON {
	out := make([]questionJSON, 0, len(qs))
	for _, q := range qs {
		out = append(out, questionJSON{ID: q.ID, Kind: q.Kind, Label: q.Label, Required: q.Required, Options: q.Options})
	}
	return out
}
