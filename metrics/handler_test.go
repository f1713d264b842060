package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roster-app/roster/metrics"
)

func TestHandlerToken(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(metrics.New(nil, nil, nil))
	tests := []struct {
		name, token, header string
		want                int
	}{
		{"no token configured: open", "", "", http.StatusOK},
		{"the right bearer token", "0123456789abcdef", "Bearer 0123456789abcdef", http.StatusOK},
		{"no Authorization header", "0123456789abcdef", "", http.StatusUnauthorized},
		{"a wrong token", "0123456789abcdef", "Bearer 0123456789abcdeX", http.StatusUnauthorized},
		{"the token without Bearer", "0123456789abcdef", "0123456789abcdef", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			rec := httptest.NewRecorder()
			metrics.Handler(reg, tt.token).ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("status %d, want %d", rec.Code, tt.want)
			}
		})
	}
}
