package web

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
)

// errorBody is DESIGN.md's error shape.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// statusOf is the one place a domain error code becomes an HTTP status.
func statusOf(code fault.Code) int {
	switch code {
	case fault.Invalid:
		return http.StatusUnprocessableEntity
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Conflict, fault.SoldOut, fault.RegistrationClosed, fault.HoldExpired, fault.AlreadyBooked,
		fault.SessionStarted, fault.SessionCancelled, fault.EventCancelled:
		return http.StatusConflict
	case fault.Unauthorized:
		return http.StatusUnauthorized
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.RateLimited:
		return http.StatusTooManyRequests
	case fault.Unavailable, fault.PaymentProviderDown:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// describe turns any error a handler returns into a status and the body
// a client sees. Internal errors say nothing about their cause.
func describe(err error) (int, errorDetail) {
	var fe *fault.Error
	if errors.As(err, &fe) {
		status := statusOf(fe.Code)
		if errors.Is(err, errMalformedBody) {
			status = http.StatusBadRequest
		}
		return status, errorDetail{Code: string(fe.Code), Message: fe.Message, Fields: fe.Fields}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code, httpErrorDetail(he)
	}
	if isUnavailable(err) {
		return http.StatusServiceUnavailable, errorDetail{Code: string(fault.Unavailable),
			Message: "Roster is briefly unavailable; please try again in a moment."}
	}
	return http.StatusInternalServerError, errorDetail{Code: "internal", Message: "something went wrong on our side"}
}

func httpErrorDetail(he *echo.HTTPError) errorDetail {
	switch he.Code {
	case http.StatusNotFound:
		return errorDetail{Code: string(fault.NotFound), Message: "no such page"}
	case http.StatusRequestEntityTooLarge:
		return errorDetail{Code: string(fault.Invalid), Message: "request body is larger than 1 MiB",
			Fields: map[string]string{"body": "is larger than 1 MiB"}}
	case http.StatusMethodNotAllowed:
		return errorDetail{Code: "method_not_allowed", Message: "method not allowed"}
	case http.StatusUnauthorized:
		return errorDetail{Code: string(fault.Unauthorized), Message: "authentication required"}
	}
	return errorDetail{Code: strings.ToLower(strings.ReplaceAll(http.StatusText(he.Code), " ", "_")), Message: http.StatusText(he.Code)}
}

// isUnavailable reports whether err means a dependency (the database) is
// out of reach rather than that the request was wrong.
func isUnavailable(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) || errors.As(err, &netErr) ||
		sqldb.IsUnavailable(err)
}

// handleError is Echo's error handler: JSON under /api and for webhooks,
// an HTML page elsewhere.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, detail := describe(err)
	if status >= 500 {
		s.log.ErrorContext(c.Request().Context(), "request failed", "route", c.Path(), "err", err)
	}
	if status == http.StatusTooManyRequests && c.Response().Header().Get("Retry-After") == "" {
		c.Response().Header().Set("Retry-After", "60")
	}
	if wantsJSON(c) {
		if rerr := c.JSON(status, errorBody{Error: detail}); rerr != nil {
			s.log.Error("write error response", "err", rerr)
		}
		return
	}
	if rerr := s.render(c, status, "error.html", errorPage{Status: status, Detail: detail}); rerr != nil {
		s.log.Error("render error page", "err", rerr)
	}
}

func wantsJSON(c echo.Context) bool {
	path := c.Request().URL.Path
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/webhooks/") ||
		strings.Contains(c.Request().Header.Get("Accept"), "application/json")
}

type errorPage struct {
	Status int
	Detail errorDetail
}

// Title is the page title of an error page.
func (p errorPage) Title() string { return http.StatusText(p.Status) }

// asFault finds the *fault.Error in err's chain.
func asFault(err error, target **fault.Error) bool { return errors.As(err, target) }
