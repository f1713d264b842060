package view_test

import (
	"testing"

	"github.com/roster-app/roster/web/internal/view"
)

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		cents int64
		code  string
		want  string
	}{
		{4900, "GBP", "£49.00"},
		{123456789, "USD", "$1,234,567.89"},
		{500, "JPY", "¥500"},
		{1234, "KWD", "KWD 1.234"},
		{0, "GBP", "Free"},
	}
	for _, tt := range tests {
		if got := view.FormatMoney(tt.cents, tt.code); got != tt.want {
			t.Errorf("FormatMoney(%d, %s) = %q, want %q", tt.cents, tt.code, got, tt.want)
		}
	}
}
