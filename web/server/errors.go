package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/web/internal/httperr"
	"github.com/roster-app/roster/web/internal/site"
)

// handleError is Echo's error handler: JSON under /api and for webhooks,
// an HTML page elsewhere.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, detail := httperr.Describe(err)
	log := s.site.Log
	switch {
	case status >= 500:
		log.ErrorContext(c.Request().Context(), "request failed", "route", s.routeLabel(c), "err", site.ClipForLog(err.Error()))
	case sqldb.IsUniqueViolation(err):
		// Answered 409 (see httperr.Describe), but a race the code should
		// name: worth a look.
		log.WarnContext(c.Request().Context(), "unnamed race for a unique value", "route", s.routeLabel(c), "err", site.ClipForLog(err.Error()))
	}
	if status == http.StatusTooManyRequests && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", "60")
	}
	if httperr.WantsJSON(c) {
		if rerr := c.JSON(status, httperr.Body{Error: detail}); rerr != nil {
			log.Error("write error response", "err", rerr)
		}
		return
	}
	if rerr := s.site.Render(c, status, "error.html", httperr.Page{Status: status, Detail: detail}); rerr != nil {
		log.Error("render error page", "err", rerr)
	}
}

// invalidatePages empties the page cache after every request that changed
// something, so this server never shows its own visitor a stale count.
func (s *Server) invalidatePages(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
			s.site.Pages.Clear()
		}
		return err
	}
}
