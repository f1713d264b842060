package dashboard

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// saveReceiptAddress sets the postal address printed under the coach's
// name on their attendees' receipts.
func (d *dashboard) saveReceiptAddress(c echo.Context) error {
	address := c.FormValue("address")
	data := settingsData{dashPage: d.page(c, "Settings", "settings")}
	if err := d.Coaches.SetReceiptAddress(c.Request().Context(), coachOf(c).ID, address); err != nil {
		problem, ok := formError(err, nil)
		if !ok {
			return err
		}
		data.Form = dashForm{Values: map[string][]string{"address": {address}}, Errors: problem.Fields}
		data.Error = problem.Message
		return d.renderSettings(c, problem.Status, data)
	}
	data.Notice = "Receipt address saved. Receipts show it from now on."
	return d.renderSettings(c, http.StatusOK, data)
}
