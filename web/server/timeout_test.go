package server

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
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

// TestTimeoutHandler checks that the pooled timeout handler answers as
// http.TimeoutHandler does, and that a pooled buffer never carries one
// response into another.
func TestTimeoutHandler(t *testing.T) {
	serve := func(h http.HandlerFunc, d time.Duration) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		(&timeoutHandler{handler: h, dt: d, body: "timed out"}).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		return rec
	}
	t.Run("a response in time is written with its status and headers", func(t *testing.T) {
		rec := serve(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Test", "kept")
			w.WriteHeader(http.StatusTeapot)
			io.WriteString(w, "short and stout")
		}, time.Minute)
		if rec.Code != http.StatusTeapot || rec.Header().Get("X-Test") != "kept" || rec.Body.String() != "short and stout" {
			t.Errorf("got %d %v %q", rec.Code, rec.Header(), rec.Body.String())
		}
	})
	t.Run("a handler that writes nothing answers 200", func(t *testing.T) {
		if rec := serve(func(http.ResponseWriter, *http.Request) {}, time.Minute); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
			t.Errorf("got %d %q", rec.Code, rec.Body.String())
		}
	})
	t.Run("a pooled buffer holds nothing of the previous response", func(t *testing.T) {
		long := strings.Repeat("secret ", 2000)
		serve(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, long) }, time.Minute)
		for range 5 {
			if rec := serve(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "mine") }, time.Minute); rec.Body.String() != "mine" {
				t.Fatalf("body %.40q…, want only this response's", rec.Body.String())
			}
		}
	})
	t.Run("a write after the handler returned fails", func(t *testing.T) {
		var kept http.ResponseWriter
		serve(func(w http.ResponseWriter, r *http.Request) { kept = w }, time.Minute)
		other := serve(func(w http.ResponseWriter, r *http.Request) {
			if _, err := kept.Write([]byte("late")); err == nil {
				t.Error("a late write was accepted")
			}
			io.WriteString(w, "mine")
		}, time.Minute)
		if other.Body.String() != "mine" {
			t.Errorf("body %q: a late write reached another response", other.Body.String())
		}
	})
	t.Run("a handler past its time gets 503 and its writes fail", func(t *testing.T) {
		release, wrote := make(chan struct{}), make(chan error, 1)
		rec := serve(func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
			<-release
			_, err := w.Write([]byte("too late"))
			wrote <- err
		}, time.Millisecond)
		close(release)
		if err := <-wrote; !errors.Is(err, http.ErrHandlerTimeout) {
			t.Errorf("late write: %v, want ErrHandlerTimeout", err)
		}
		if rec.Code != http.StatusServiceUnavailable || rec.Body.String() != "timed out" {
			t.Errorf("got %d %q, want 503 timed out", rec.Code, rec.Body.String())
		}
	})
	t.Run("a panic in the handler is raised on the serving goroutine", func(t *testing.T) {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want the handler's panic", p)
			}
		}()
		serve(func(http.ResponseWriter, *http.Request) { panic("boom") }, time.Minute)
	})
}
