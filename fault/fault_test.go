package fault_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/roster-app/roster/fault"
)

var errSoldOut = fault.New(fault.SoldOut, "this date is sold out")

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *fault.Error
		want string
	}{
		{"code and message", fault.New(fault.NotFound, "event %q not found", "lab"), `not_found: event "lab" not found`},
		{"fields sorted by name", &fault.Error{Code: fault.Invalid, Message: "bad", Fields: map[string]string{"seats": "too many", "email": "is required"}},
			"validation_failed: bad (email is required; seats too many)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIs(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		target error
		want   bool
	}{
		{"the sentinel itself", errSoldOut, errSoldOut, true},
		{"the sentinel wrapped", fmt.Errorf("reserve: %w", errSoldOut), errSoldOut, true},
		{"same code, same message", fault.New(fault.SoldOut, "this date is sold out"), errSoldOut, true},
		{"same code, another message", fault.New(fault.SoldOut, "the other date is sold out"), errSoldOut, false},
		{"a target without a message matches any message", fault.New(fault.SoldOut, "anything"), &fault.Error{Code: fault.SoldOut}, true},
		{"another code", fault.New(fault.Conflict, "this date is sold out"), errSoldOut, false},
		{"a plain error", errors.New("this date is sold out"), errSoldOut, false},
		{"a fault against a plain error", errSoldOut, errors.New("sold_out: this date is sold out"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errors.Is(tt.err, tt.target); got != tt.want {
				t.Errorf("errors.Is(%v, %v) = %v, want %v", tt.err, tt.target, got, tt.want)
			}
		})
	}
}

func TestCodeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want fault.Code
	}{
		{"a fault", errSoldOut, fault.SoldOut},
		{"a wrapped fault", fmt.Errorf("book: %w", fault.New(fault.HoldExpired, "too late")), fault.HoldExpired},
		{"an internal error", errors.New("disk full"), ""},
		{"no error", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fault.CodeOf(tt.err); got != tt.want {
				t.Errorf("CodeOf(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

func TestFields(t *testing.T) {
	t.Run("the zero value has no error", func(t *testing.T) {
		var f fault.Fields
		if err := f.Err(); err != nil {
			t.Fatalf("Err() = %v, want nil", err)
		}
	})
	t.Run("a passing check records nothing", func(t *testing.T) {
		var f fault.Fields
		f.Check(true, "email", "is required")
		if err := f.Err(); err != nil {
			t.Fatalf("Err() = %v, want nil", err)
		}
	})
	t.Run("the first message for a field wins", func(t *testing.T) {
		var f fault.Fields
		f.Check(false, "email", "is required")
		f.Add("email", "must be an email address")
		f.Add("seats", "must be at least 1")
		var fe *fault.Error
		if !errors.As(f.Err(), &fe) {
			t.Fatalf("Err() = %v, want a *fault.Error", f.Err())
		}
		if fe.Code != fault.Invalid {
			t.Errorf("code = %q, want %q", fe.Code, fault.Invalid)
		}
		want := map[string]string{"email": "is required", "seats": "must be at least 1"}
		if len(fe.Fields) != len(want) {
			t.Fatalf("fields = %v, want %v", fe.Fields, want)
		}
		for field, message := range want {
			if got := fe.Fields[field]; got != message {
				t.Errorf("fields[%q] = %q, want %q", field, got, message)
			}
		}
	})
}
