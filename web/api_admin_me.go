package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

type coachJSON struct {
	Email          string `json:"email"`
	Name           string `json:"name"`
	NotifyBookings bool   `json:"notify_bookings"`
}

type coachSettingsRequest struct {
	NotifyBookings *bool `json:"notify_bookings"`
}

func (s *Server) apiAdminMe(c echo.Context) error {
	coach := coachOf(c)
	return c.JSON(http.StatusOK, coachJSON{Email: coach.Email, Name: coach.Name, NotifyBookings: coach.NotifyBookings})
}

// apiAdminSettings changes the coach's own settings: whether they are
// emailed about each booking and cancellation.
func (s *Server) apiAdminSettings(c echo.Context) error {
	var req coachSettingsRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	coach := coachOf(c)
	if req.NotifyBookings != nil {
		if err := s.coaches.SetBookingNotices(c.Request().Context(), coach.ID, *req.NotifyBookings); err != nil {
			return err
		}
		coach.NotifyBookings = *req.NotifyBookings
	}
	return c.JSON(http.StatusOK, coachJSON{Email: coach.Email, Name: coach.Name, NotifyBookings: coach.NotifyBookings})
}
