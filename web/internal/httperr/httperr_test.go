package httperr_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/lib/pq"

	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/httperr"
)

func TestDescribe(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"sold out is a conflict", fmt.Errorf("reserve: %w", fault.New(fault.SoldOut, "sold out")), http.StatusConflict, "sold_out"},
		{"invalid is 422", fault.New(fault.Invalid, "bad"), http.StatusUnprocessableEntity, "validation_failed"},
		{"not found", fault.New(fault.NotFound, "no such event"), http.StatusNotFound, "not_found"},
		{"rate limited", fault.New(fault.RateLimited, "slow down"), http.StatusTooManyRequests, "rate_limited"},
		{"the payment provider down", fault.New(fault.PaymentProviderDown, "later"), http.StatusServiceUnavailable, "payment_unavailable"},
		{"a body too large", echo.NewHTTPError(http.StatusRequestEntityTooLarge), http.StatusRequestEntityTooLarge, "validation_failed"},
		{"a database out of reach", fmt.Errorf("query: %w", context.DeadlineExceeded), http.StatusServiceUnavailable, "unavailable"},
		{"a race for a unique value is a conflict, not a 500", fmt.Errorf("save booking: %w", &pq.Error{Code: "23505"}), http.StatusConflict, "conflict"},
		{"anything else says nothing", errors.New("disk full at /var/lib"), http.StatusInternalServerError, "internal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, detail := httperr.Describe(tt.err)
			if status != tt.status || detail.Code != tt.code {
				t.Errorf("Describe = %d %q, want %d %q", status, detail.Code, tt.status, tt.code)
			}
			if tt.code == "internal" && detail.Message != "something went wrong on our side" {
				t.Errorf("an internal error told the client %q", detail.Message)
			}
		})
	}
}
