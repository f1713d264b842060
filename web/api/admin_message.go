package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/secret"
	"github.com/roster-app/roster/web/internal/bind"
)

// messageSentJSON says which message was sent and to how many people.
type messageSentJSON struct {
	ID         string `json:"id"`
	Recipients int    `json:"recipients"`
}

type messageRequest struct {
	ID      *string `json:"id"`
	Subject *string `json:"subject"`
	Body    *string `json:"body"`
}

// adminMessage emails a date's confirmed attendees. The optional id makes
// a retried request send nothing twice.
func (s *handlers) adminMessage(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	// Another coach's date is not found, whatever the body says.
	if _, _, err := s.Events.HostedSession(c.Request().Context(), coachOf(c).ID, id); err != nil {
		return err
	}
	var req messageRequest
	var f fault.Fields
	if err := bind.Decode(c, &req, &f); err != nil {
		return err
	}
	messageID := bind.Str(req.ID)
	if messageID == "" {
		messageID = secret.RandomString(12)
	}
	if len(f) > 0 {
		return mergeRules(f, notify.CheckCoachMessage(messageID, bind.Str(req.Subject), bind.Str(req.Body)))
	}
	sent, err := s.Booking.MessageAttendees(c.Request().Context(), coachOf(c).ID, id, messageID, bind.Str(req.Subject), bind.Str(req.Body))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, messageSentJSON{ID: messageID, Recipients: sent})
}
