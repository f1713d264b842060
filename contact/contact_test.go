package contact_test

import (
	"strings"
	"testing"

	"github.com/roster-app/roster/contact"
)

func TestValidEmail(t *testing.T) {
	tests := []struct {
		name  string
		email string
		want  bool
	}{
		{"a plain address", "ada@example.com", true},
		{"empty", "", false},
		{"no domain dot", "ada@localhost", false},
		{"a display name", "Ada <ada@example.com>", false},
		{"a header injection", "ada@example.com\r\nBcc: eve@example.com", false},
		{"a NUL", "ada\x00@example.com", false},
		{"invalid UTF-8", "ad\xffa@example.com", false},
		{"longer than 254 bytes", strings.Repeat("a", 250) + "@example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := contact.ValidEmail(tt.email); got != tt.want {
				t.Errorf("ValidEmail(%q) = %v, want %v", tt.email, got, tt.want)
			}
		})
	}
}
