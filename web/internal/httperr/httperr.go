// Package httperr is the one place where an error becomes an HTTP status
// and the JSON error shape of docs/design.md.
package httperr

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/web/internal/bind"
)

// Body is the error shape of docs/design.md.
type Body struct {
	Error Detail `json:"error"`
}

// Detail is what a client is told about an error.
type Detail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// StatusOf is the one place a domain error code becomes an HTTP status.
func StatusOf(code fault.Code) int {
	switch code {
	case fault.Invalid:
		return http.StatusUnprocessableEntity
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Conflict, fault.SoldOut, fault.RegistrationClosed, fault.HoldExpired, fault.AlreadyBooked,
		fault.SessionStarted, fault.SessionCancelled, fault.EventCancelled, fault.SlotUnavailable,
		fault.HostBusy, fault.NoCreditsLeft, fault.PackageUnpaid, fault.SeatsAvailable:
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

// Describe turns any error a handler returns into a status and the body
// a client sees. Internal errors say nothing about their cause.
func Describe(err error) (int, Detail) {
	var fe *fault.Error
	if errors.As(err, &fe) {
		status := StatusOf(fe.Code)
		if bind.IsMalformed(err) {
			status = http.StatusBadRequest
		}
		return status, Detail{Code: string(fe.Code), Message: fe.Message, Fields: fe.Fields}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he.Code, httpErrorDetail(he)
	}
	if IsUnavailable(err) {
		return http.StatusServiceUnavailable, Detail{Code: string(fault.Unavailable),
			Message: "Roster is briefly unavailable; please try again in a moment."}
	}
	// A race for a unique value that the code did not name (where it is
	// known, as a booking's live key, it is answered by name): a concurrent
	// change came first, so asking again gets a true answer. Not a 500.
	if sqldb.IsUniqueViolation(err) {
		return http.StatusConflict, Detail{Code: string(fault.Conflict),
			Message: "a change to the same thing came first; please reload and try again"}
	}
	return http.StatusInternalServerError, Detail{Code: "internal", Message: "something went wrong on our side"}
}

func httpErrorDetail(he *echo.HTTPError) Detail {
	switch he.Code {
	case http.StatusNotFound:
		return Detail{Code: string(fault.NotFound), Message: "no such page"}
	case http.StatusRequestEntityTooLarge:
		limit := fmt.Sprintf("is larger than %d MiB", bind.MaxBodyBytes>>20)
		return Detail{Code: string(fault.Invalid), Message: "request body " + limit,
			Fields: map[string]string{"body": limit}}
	case http.StatusMethodNotAllowed:
		return Detail{Code: "method_not_allowed", Message: "method not allowed"}
	case http.StatusUnauthorized:
		return Detail{Code: string(fault.Unauthorized), Message: "authentication required"}
	}
	return Detail{Code: strings.ToLower(strings.ReplaceAll(http.StatusText(he.Code), " ", "_")), Message: http.StatusText(he.Code)}
}

// IsUnavailable reports whether err means a dependency (the database) is
// out of reach rather than that the request was wrong.
func IsUnavailable(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) || errors.As(err, &netErr) ||
		sqldb.IsUnavailable(err)
}

// WantsJSON reports whether the error for this request is answered in
// JSON: under /api and for webhooks, or when the client asks for it.
func WantsJSON(c echo.Context) bool {
	path := c.Request().URL.Path
	return strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/webhooks/") ||
		strings.Contains(c.Request().Header.Get("Accept"), "application/json")
}

// Page is the data of the error page.
type Page struct {
	Status int
	Detail Detail
}

// Title is the page title of an error page.
func (p Page) Title() string { return http.StatusText(p.Status) }
