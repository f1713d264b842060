package view_test

import (
	"testing"

	"github.com/roster-app/roster/web/internal/view"
)

func TestMinutes(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{1, "1 minute"}, {45, "45 minutes"}, {0, "0 minutes"}} {
		t.Run(tt.want, func(t *testing.T) {
			if got := view.Minutes(tt.n); got != tt.want {
				t.Errorf("Minutes(%d) = %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}
