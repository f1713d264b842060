// Package server assembles Roster's web edge: one Echo server with the
// shared middleware, the operational routes (health, metrics, static
// files), the error handler, and the route tables of the three audiences
// — web/public, web/api and web/dashboard — which never import each other.
package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/privacy"
	"github.com/roster-app/roster/web/internal/limit"
	"github.com/roster-app/roster/web/internal/pagecache"
	"github.com/roster-app/roster/web/internal/site"
	"github.com/roster-app/roster/web/internal/view"
)

// Config is what the web layer needs to know about its deployment.
type Config = site.Config

// Deps are the services the handlers call.
type Deps = site.Deps

// Server serves Roster's pages and API.
type Server struct {
	site    *site.Site
	echo    *echo.Echo
	metrics *httpMetrics
	// routeTemplates are the paths of the routes, the only values the
	// route label of metrics and logs takes besides "unmatched".
	routeTemplates map[string]bool
}

// bookingBurst is how many bookings a client address may make at once
// before Config.BookingsPerMinute applies.
const bookingBurst = 10

// New builds the server, parsing every template up front so that a broken
// template fails the start, not a visitor's request.
func New(cfg Config, deps Deps) (*Server, error) {
	v, err := view.Load(deps.Offline != nil)
	if err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	if deps.Privacy == nil && deps.Booking != nil {
		deps.Privacy = privacy.NewService(deps.DB, deps.Booking, deps.Now)
	}
	s := &Server{
		site: &site.Site{Config: cfg, Deps: deps, Views: v,
			Pages:        pagecache.New(time.Second, deps.Now),
			BookingLimit: limit.New(cfg.BookingsPerMinute, bookingBurst)},
		echo: echo.New(), metrics: newMetrics(deps.Registry, deps.DB),
	}
	s.echo.HideBanner, s.echo.HidePort = true, true
	s.echo.IPExtractor = echo.ExtractIPDirect()
	if cfg.TrustProxy {
		s.echo.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	s.echo.HTTPErrorHandler = s.handleError
	s.routes()
	s.routeTemplates = map[string]bool{}
	for _, r := range s.echo.Routes() {
		s.routeTemplates[r.Path] = true
	}
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		w, r = asGet(w, r)
	}
	s.echo.ServeHTTP(w, r)
}

// Echo returns the assembled Echo server, for tests that read its route
// table (Echo().Routes()).
func (s *Server) Echo() *echo.Echo { return s.echo }
