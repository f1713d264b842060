package server

import (
	"fmt"

	"github.com/labstack/echo/v4/middleware"

	"github.com/roster-app/roster/web/api"
	"github.com/roster-app/roster/web/dashboard"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/public"
)

// routes puts the middleware every request passes through, the
// operational routes, and the route tables of the three audiences on the
// server. Each audience lists its own routes and their guards in its
// routes.go: web/public/routes.go (attendees; manage tokens),
// web/api/routes.go (/api/v1; coach bearer tokens) and
// web/dashboard/routes.go (/dashboard; login cookie and CSRF).
func (s *Server) routes() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: 301}))
	e.Use(s.measure, s.logRequests, s.recoverPanics, s.securityHeaders,
		middleware.BodyLimit(fmt.Sprintf("%dM", bind.MaxBodyBytes>>20)), s.invalidatePages)

	// Operations.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	// With a separate metrics listener (cmd/roster --metrics-addr) the
	// main listener has no /metrics.
	if s.site.MetricsAddr == "" {
		e.GET("/metrics", s.metricsHandler())
	}
	e.GET("/static/:sum/:name", s.site.Views.ServeStatic)

	public.Routes(e, s.site)
	dashboard.Routes(e, s.site)
	api.Routes(e, s.site)
}
