package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/web/server"
)

// TestEventPageStartsSoon labels, in words, a date that starts within a
// day, as of the server's clock.
func TestEventPageStartsSoon(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	now := e.clock.Now()
	tests := []struct {
		name  string
		ahead time.Duration
		want  bool
	}{
		{"a date two hours ahead is starting soon", 2 * time.Hour, true},
		{"a date three days ahead is not", 72 * time.Hour, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			slug := fmt.Sprintf("soon-%d", i)
			at := now.Add(tt.ahead).UTC()
			body := fmt.Sprintf(`{"slug": %q, "title": "Soon", "timezone": "UTC", "currency": "GBP", "price_cents": 0,
				"status": "published", "hosts": ["james@example.com"],
				"sessions": [{"starts_at": %q, "ends_at": %q, "capacity": 5}]}`,
				slug, at.Format(time.RFC3339), at.Add(time.Hour).Format(time.RFC3339))
			if status, raw := e.do("POST", "/api/v1/admin/events", e.jamesToken, body); status != 201 {
				t.Fatalf("create: %d %s", status, raw)
			}
			resp, err := http.Get(e.srv.URL + "/events/" + slug)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			page, err := readBody(resp)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("event page: %d %v", resp.StatusCode, err)
			}
			if got := strings.Contains(page, "Starting soon"); got != tt.want {
				t.Errorf("page shows \"Starting soon\": %v, want %v", got, tt.want)
			}
		})
	}
}
