package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/web/internal/site"
)

// recoverPanics turns a panic in a handler into a logged 500 instead of a
// dropped connection.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if abort, ok := r.(error); ok && errors.Is(abort, http.ErrAbortHandler) {
					panic(r)
				}
				err = fmt.Errorf("panic in handler: %v", r)
			}
		}()
		return next(c)
	}
}

// logRequests writes one structured line per request. It logs the path but
// never the query string, which can carry a booking's manage token. The
// duration is timed on the process's monotonic clock, not the injected
// one: it is a stopwatch, and a test's frozen clock would time nothing.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		s.site.Log.LogAttrs(c.Request().Context(), levelFor(status), "request",
			slog.String("method", methodLabel(requestMethod(c))),
			slog.String("route", s.routeLabel(c)),
			slog.String("path", site.ClipForLog(c.Request().URL.Path)),
			slog.Int("status", status),
			slog.Int("bytes", int(c.Response().Size)),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		)
		return nil
	}
}

// measure records request counts and latency per route for /metrics.
func (s *Server) measure(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		route, method := s.routeLabel(c), methodLabel(requestMethod(c))
		s.metrics.requests.WithLabelValues(route, method, strconv.Itoa(c.Response().Status)).Inc()
		s.metrics.latency.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
		return nil
	}
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		s.setSecurityHeaders(c.Response().Header())
		return next(c)
	}
}

// setSecurityHeaders puts the headers every response carries on h.
func (s *Server) setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self' https://checkout.stripe.com; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	if strings.HasPrefix(s.site.BaseURL, "https://") {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
}

// headRequest marks, in a request's context, a HEAD request that
// ServeHTTP routes as a GET.
type headRequest struct{}

// requestMethod is the method the client sent: HEAD for a HEAD request
// routed as a GET.
func requestMethod(c echo.Context) string {
	if c.Request().Context().Value(headRequest{}) != nil {
		return http.MethodHead
	}
	return c.Request().Method
}

// asGet serves HEAD wherever GET is served (RFC 9110 §9.3.2): it returns
// a HEAD request as a GET, to be routed as one, and a writer that drops
// the body, keeping the status and headers.
func asGet(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	get := r.Clone(context.WithValue(r.Context(), headRequest{}, true))
	get.Method = http.MethodGet
	return headWriter{w}, get
}

// headWriter drops a response's body.
type headWriter struct{ http.ResponseWriter }

func (w headWriter) Write(p []byte) (int, error) { return len(p), nil }

// Unwrap lets http.ResponseController reach the connection's writer.
func (w headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// WithTimeout wraps the server in a timeout handler that works as
// http.TimeoutHandler does, with pooled buffers (timeoutHandler): a
// request still running after d is answered 503 with body. The security
// headers are set before the timeout handler runs, because its 503 is
// written around the server's middleware and would otherwise go out
// without them.
func (s *Server) WithTimeout(d time.Duration, body string) http.Handler {
	timed := &timeoutHandler{handler: s, dt: d, body: body}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.setSecurityHeaders(w.Header())
		timed.ServeHTTP(w, r)
	})
}
