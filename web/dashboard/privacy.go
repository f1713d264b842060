package dashboard

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/privacy"
	"github.com/roster-app/roster/web/internal/bind"
)

type peopleData struct {
	dashPage
	Email   string
	Pending []privacy.PendingErasure
	Erased  *privacy.Erasure
}

// peoplePage shows the personal-data tools: export or erase one email on
// the coach's events, and attendees' pending erasure requests.
func (d *dashboard) peoplePage(c echo.Context) error {
	return d.renderPeople(c, http.StatusOK, peopleData{})
}

func (d *dashboard) renderPeople(c echo.Context, status int, data peopleData) error {
	pending, err := d.Privacy.PendingErasures(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	errText := data.Error
	data.dashPage, data.Pending = d.page(c, "Personal data", "people"), pending
	data.Error = errText
	if c.QueryParam("done") == "erasure-confirmed" {
		data.Notice = "Erased. The request is done."
	}
	return d.Render(c, status, "dashboard_people.html", data)
}

// exportPerson downloads everything held about one email on the coach's
// events. It is a POST so that the address stays out of URLs and logs.
func (d *dashboard) exportPerson(c echo.Context) error {
	email := c.FormValue("email")
	out, err := d.Privacy.ExportPerson(c.Request().Context(), coachOf(c).ID, email)
	if err != nil {
		return d.peopleError(c, email, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Content-Disposition", `attachment; filename="roster-person.json"`)
	return c.JSONPretty(http.StatusOK, out, "  ")
}

// erasePerson erases one email from the coach's events now.
func (d *dashboard) erasePerson(c echo.Context) error {
	email := c.FormValue("email")
	out, err := d.Privacy.ErasePerson(c.Request().Context(), coachOf(c).ID, email)
	if err != nil {
		return d.peopleError(c, email, err)
	}
	data := peopleData{Erased: &out}
	return d.renderPeople(c, http.StatusOK, data)
}

// confirmErasure carries out an attendee's pending erasure request now.
func (d *dashboard) confirmErasure(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	if err := d.Privacy.ConfirmErasure(c.Request().Context(), coachOf(c).ID, id); err != nil {
		return err
	}
	return redirectTo(c, "/dashboard/people?done=erasure-confirmed")
}

// peopleError shows the page again with what went wrong (an address that
// is not one, or nobody with it on the coach's events); other errors go to
// the error page.
func (d *dashboard) peopleError(c echo.Context, email string, err error) error {
	status := http.StatusUnprocessableEntity
	switch fault.CodeOf(err) {
	case fault.Invalid:
	case fault.NotFound:
		status = http.StatusNotFound
	default:
		return err
	}
	data := peopleData{Email: email}
	data.Error = err.Error()
	return d.renderPeople(c, status, data)
}
