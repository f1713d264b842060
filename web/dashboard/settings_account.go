package dashboard

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/coaches"
)

// changePassword replaces the coach's password, given the current one,
// and signs out their other browsers.
func (d *dashboard) changePassword(c echo.Context) error {
	data := settingsData{dashPage: d.page(c, "Settings", "settings")}
	next := c.FormValue("password")
	if next != c.FormValue("password_confirm") {
		data.PasswordForm = dashForm{Errors: map[string]string{"password_confirm": "must match the new password"}}
		data.Error = "The two new passwords differ; type the same one twice."
		return d.renderSettings(c, http.StatusUnprocessableEntity, data)
	}
	err := d.Coaches.ChangePassword(c.Request().Context(), coachOf(c).ID, loginOf(c).ID, c.FormValue("current_password"), next)
	if err != nil {
		problem, ok := formError(err, nil)
		if !ok {
			return err
		}
		data.PasswordForm = dashForm{Errors: problem.Fields}
		data.Error = "Your password was not changed. " + problem.Message
		return d.renderSettings(c, problem.Status, data)
	}
	return redirectTo(c, "/dashboard/settings?done=password-changed")
}

// inviteCoHost adds a coach with the email and name given, who sets their
// own password from the invitation emailed to them; they can then be
// named as a co-host of events.
func (d *dashboard) inviteCoHost(c echo.Context) error {
	email, name := strings.TrimSpace(c.FormValue("email")), strings.TrimSpace(c.FormValue("name"))
	mailer, err := d.accountMailer()
	if err != nil {
		return err
	}
	if _, err := d.Coaches.Invite(c.Request().Context(), coachOf(c).ID, email, name, mailer); err != nil {
		problem, ok := formError(err, nil)
		if !ok {
			return err
		}
		data := settingsData{dashPage: d.page(c, "Settings", "settings")}
		data.InviteForm = dashForm{Values: map[string][]string{"email": {email}, "name": {name}}, Errors: problem.Fields}
		data.Error = "Nobody was invited. " + problem.Message
		if errors.Is(err, coaches.ErrExists) {
			data.Error = "That email already has a Roster account: add it as a co-host on your event's page."
		}
		return d.renderSettings(c, problem.Status, data)
	}
	return redirectTo(c, "/dashboard/settings?done=invited")
}
