package web

import (
	"net/http"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/secret"
)

// messageAttendees writes a coach's message to every confirmed attendee of
// a date the coach hosts, through the outbox, in one transaction; replies
// go to the coach. messageID makes a repeat store nothing more. It returns
// how many attendees it went to.
func (s *Server) messageAttendees(c echo.Context, sessionID int64, messageID, subject, body string) (int, error) {
	if s.deps.Notifier == nil {
		return 0, fault.New(fault.Unavailable, "email is not set up on this server")
	}
	ctx := c.Request().Context()
	coach := coachOf(c)
	sess, e, err := s.events.HostedSession(ctx, coach.ID, sessionID)
	if err != nil {
		return 0, err
	}
	attendees, err := s.booking.SessionAttendees(ctx, coach.ID, sessionID)
	if err != nil {
		return 0, err
	}
	msg := notify.CoachMessage{
		// The coach's id keeps one coach's message id from matching another's.
		ID: strconv.FormatInt(coach.ID, 10) + "-" + messageID, Event: e, Session: sess, Subject: subject, Body: body,
		From: events.Host{CoachID: coach.ID, Email: coach.Email, Name: coach.Name},
	}
	for _, a := range attendees {
		if a.Status == booking.Confirmed {
			msg.Recipients = append(msg.Recipients, notify.Recipient{Name: a.Name, Email: a.Email, BookingRef: a.Ref})
		}
	}
	if len(msg.Recipients) == 0 {
		return 0, nil
	}
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := s.deps.Notifier.EnqueueCoachMessage(ctx, tx, msg)
		return err
	})
	return len(msg.Recipients), err
}

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
	sent, err := s.messageAttendees(c, id, messageID, str(req.Subject), str(req.Body))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]any{"id": messageID, "recipients": sent})
}
