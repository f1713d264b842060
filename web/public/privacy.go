package public

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// exportFromPage serves the download of everything held about the
// booking's person, from the manage page.
func (s *handlers) exportFromPage(c echo.Context) error {
	out, err := s.Privacy.ExportBooking(c.Request().Context(), c.Param("ref"), c.QueryParam("t"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Content-Disposition", `attachment; filename="roster-personal-data.json"`)
	return c.JSONPretty(http.StatusOK, out, "  ")
}

// eraseFromPage records the person's erasure request and shows the manage
// page with what happens next.
func (s *handlers) eraseFromPage(c echo.Context) error {
	token := c.FormValue("t")
	if _, err := s.Privacy.RequestErasure(c.Request().Context(), c.Param("ref"), token); err != nil {
		return s.bookingActionError(c, token, err)
	}
	return c.Redirect(http.StatusSeeOther, "/bookings/"+c.Param("ref")+"?t="+url.QueryEscape(token)+"&done=erase_requested")
}
