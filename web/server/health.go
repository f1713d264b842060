package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/buildinfo"
	"github.com/roster-app/roster/web/internal/httperr"
)

// healthz answers while the process is up, with the build it runs.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok",
		"version": buildinfo.Version(), "revision": buildinfo.Revision()})
}

// readyz answers 200 while the database answers, 503 otherwise.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.site.DB.PingContext(ctx); err != nil {
		return c.JSON(http.StatusServiceUnavailable, httperr.Body{Error: httperr.Detail{
			Code: "unavailable", Message: "database unreachable"}})
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
