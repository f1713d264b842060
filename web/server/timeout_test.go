package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

func TestTimedOutRequestKeepsSecurityHeaders(t *testing.T) {
	s, err := New(Config{BaseURL: "https://roster.example.com"}, Deps{Registry: prometheus.NewRegistry(), Now: time.Now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	defer close(release)
	s.echo.GET("/test/slow", func(c echo.Context) error {
		<-release // outlives the timeout, whatever the scheduler does
		return c.NoContent(http.StatusOK)
	})
	rec := httptest.NewRecorder()
	s.WithTimeout(10*time.Millisecond, "timed out").ServeHTTP(rec, httptest.NewRequest("GET", "/test/slow", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", rec.Code)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Strict-Transport-Security"} {
		if rec.Header().Get(h) == "" {
			t.Errorf("the 503 lacks %s", h)
		}
	}
}
