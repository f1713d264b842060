package dashboard

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/secret"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/view"
)

type messageData struct {
	dashPage
	Event      events.Event
	SessionID  int64
	Date       view.Date
	Recipients []booking.Attendee
	Form       dashForm
	Preview    *messagePreview
	MaxSubject int
	MaxBody    int
}

// messagePreview is the message as the first attendee will read it.
type messagePreview struct {
	From, To, ReplyTo, Subject string
	Others                     int // recipients besides To
	Paragraphs                 []string
}

// messagePage shows the form for writing to a date's confirmed attendees.
func (d *dashboard) messagePage(c echo.Context) error {
	form := url.Values{"message_id": {secret.RandomString(18)}}
	return d.renderMessage(c, http.StatusOK, dashForm{Values: form}, false, "")
}

func (d *dashboard) renderMessage(c echo.Context, status int, form dashForm, preview bool, problem string) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	coach := coachOf(c)
	sess, e, err := d.Events.HostedSession(ctx, coach.ID, id)
	if err != nil {
		return err
	}
	recipients, err := d.recipients(c, id)
	if err != nil {
		return err
	}
	data := messageData{
		dashPage: d.page(c, "Message attendees · "+e.Title, "events"), Event: e, SessionID: id,
		Date: view.NewDate(sess, e.Zone(), d.Now()), Recipients: recipients, Form: form,
		MaxSubject: notify.MaxCoachSubjectLen, MaxBody: notify.MaxCoachBodyLen,
	}
	data.Error = problem
	if preview && len(recipients) > 0 {
		body := strings.TrimSpace(strings.ReplaceAll(form.Value("body"), "\r\n", "\n"))
		data.Preview = &messagePreview{
			From: coach.Name, To: recipients[0].Name + " <" + recipients[0].Email + ">", ReplyTo: coach.Email,
			Subject: strings.TrimSpace(form.Value("subject")), Paragraphs: strings.Split(body, "\n\n"),
			Others: len(recipients) - 1,
		}
	}
	return d.Render(c, status, "dashboard_message.html", data)
}

// recipients are the date's confirmed attendees: people holding unpaid
// seats or whose booking ended are not written to.
func (d *dashboard) recipients(c echo.Context, sessionID int64) ([]booking.Attendee, error) {
	all, err := d.Booking.SessionAttendees(c.Request().Context(), coachOf(c).ID, sessionID)
	if err != nil {
		return nil, err
	}
	var out []booking.Attendee
	for _, a := range all {
		if a.Status == booking.Confirmed {
			out = append(out, a)
		}
	}
	return out, nil
}

// sendMessage previews (intent=preview) or sends a message to a date's
// confirmed attendees: one email each, written to the outbox in one
// transaction and sent by the delivery worker, with replies going to the
// coach. The form's message_id makes sending twice store it once.
func (d *dashboard) sendMessage(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	var f fault.Fields
	f.Check(strings.TrimSpace(form.Get("subject")) != "", "subject", "is required")
	f.Check(strings.TrimSpace(form.Get("body")) != "", "body", "is required")
	if err := f.Err(); err != nil {
		return d.renderMessage(c, http.StatusUnprocessableEntity, dashForm{Values: form, Errors: f}, false, "Write a subject and a message.")
	}
	if form.Get("intent") == "preview" {
		return d.renderMessage(c, http.StatusOK, dashForm{Values: form}, true, "")
	}
	if d.Notifier == nil {
		return fault.New(fault.Unavailable, "email is not set up on this server")
	}
	sent, err := d.Booking.MessageAttendees(c.Request().Context(), coachOf(c).ID, id, form.Get("message_id"), form.Get("subject"), form.Get("body"))
	if err == nil && sent == 0 {
		return d.renderMessage(c, http.StatusConflict, dashForm{Values: form}, false, "Nobody to write to: this date has no confirmed attendees.")
	}
	if err != nil {
		problem, ok := formError(err, nil)
		if !ok {
			return err
		}
		return d.renderMessage(c, problem.Status, dashForm{Values: form, Errors: problem.Fields}, false, problem.Message)
	}
	return redirectTo(c, sessionPath(id)+"?done=sent")
}
