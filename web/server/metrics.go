package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/roster-app/roster/metrics"
	"github.com/roster-app/roster/sqldb"
)

// httpMetrics are the server's request collectors. They are registered in
// the registry cmd/roster passes in Deps.Registry (which it also serves on
// --metrics-addr, beside the product metrics), or in a registry of the
// server's own when none is given; nothing is registered globally, so two
// servers in one test process do not collide.
type httpMetrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// newMetrics registers the HTTP collectors in reg; a nil reg gets a new
// registry that also holds the Go runtime, process and database pool
// collectors, which cmd/roster registers itself otherwise.
func newMetrics(reg *prometheus.Registry, db *sqldb.DB) *httpMetrics {
	m := &httpMetrics{
		registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "roster_http_requests_total", Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "roster_http_request_duration_seconds", Help: "HTTP request latency by route template and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
	}
	if m.registry == nil {
		m.registry = prometheus.NewRegistry()
		m.registry.MustRegister(
			collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
			collectors.NewDBStatsCollector(db.DB.DB, "roster"),
		)
	}
	m.registry.MustRegister(m.requests, m.latency)
	return m
}

// knownMethods are the methods that appear as themselves in metric labels
// and logs; any other is "other", so a client cannot mint label values.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// methodLabel is the request method as labels and logs show it: one of
// the known methods, else "other".
func methodLabel(method string) string {
	if knownMethods[method] {
		return method
	}
	return "other"
}

// routeLabel is the route template that served c ("/events/:slug"), or
// "unmatched" when no route has the path: never the raw path, which the
// client chooses.
func (s *Server) routeLabel(c echo.Context) string {
	if route := c.Path(); s.routeTemplates[route] {
		return route
	}
	return "unmatched"
}

// metricsHandler serves the registry on the main listener, behind the
// metrics token when one is set.
func (s *Server) metricsHandler() echo.HandlerFunc {
	return echo.WrapHandler(metrics.Handler(s.metrics.registry, s.site.MetricsToken))
}
