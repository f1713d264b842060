package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/secret"
)

type messageRequest struct {
	ID      *string `json:"id"`
	Subject *string `json:"subject"`
	Body    *string `json:"body"`
}

// apiAdminMessage emails a date's confirmed attendees. The optional id makes
// a retried request send nothing twice.
func (s *Server) apiAdminMessage(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	// Another coach's date is not found, whatever the body says.
	if _, _, err := s.events.HostedSession(c.Request().Context(), coachOf(c).ID, id); err != nil {
		return err
	}
	var req messageRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	messageID := str(req.ID)
	if messageID == "" {
		messageID = secret.RandomString(12)
	}
	sent, err := s.booking.MessageAttendees(c.Request().Context(), coachOf(c).ID, id, messageID, str(req.Subject), str(req.Body))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]any{"id": messageID, "recipients": sent})
}
