package view

import (
	"testing"
	"time"
)

func TestStartsSoon(t *testing.T) {
	now := time.Date(2027, 9, 22, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		start time.Time
		want  bool
	}{
		{"in 23h59 is soon", now.Add(23*time.Hour + 59*time.Minute), true},
		{"in exactly 24h is soon", now.Add(24 * time.Hour), true},
		{"in 24h01 is not soon", now.Add(24*time.Hour + time.Minute), false},
		{"starting now has started", now, false},
		{"started an hour ago is not soon", now.Add(-time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StartsSoon(tt.start, now); got != tt.want {
				t.Errorf("StartsSoon(%v, %v) = %v, want %v", tt.start, now, got, tt.want)
			}
		})
	}
}
