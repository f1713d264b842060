package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/web/server"
)

// TestDevMailboxAnswersThisMachineOnly: the kept emails hold manage
// links, so /dev/mailbox answers only requests from loopback that no
// proxy forwarded, whatever address the server listens on.
func TestDevMailboxAnswersThisMachineOnly(t *testing.T) {
	clock := func() time.Time { return now }
	for _, trustProxy := range []bool{false, true} {
		srv, err := server.New(server.Config{BaseURL: "http://localhost:8080", ShowDevMailbox: true, TrustProxy: trustProxy},
			server.Deps{Mailbox: notify.NewDevMailbox(10, nil, clock), Registry: prometheus.NewRegistry(), Now: clock, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name, remote, forwardedFor string
			want                       int
		}{
			{"from loopback", "127.0.0.1:51000", "", http.StatusOK},
			{"from IPv6 loopback", "[::1]:51000", "", http.StatusOK},
			{"from the local network", "192.168.1.20:51000", "", http.StatusNotFound},
			{"from the internet", "203.0.113.5:51000", "", http.StatusNotFound},
			{"through a proxy on this machine", "127.0.0.1:51000", "203.0.113.5", http.StatusNotFound},
			{"claiming loopback through a header", "203.0.113.5:51000", "127.0.0.1", http.StatusNotFound},
		} {
			req := httptest.NewRequest("GET", "/dev/mailbox", nil)
			req.RemoteAddr = tt.remote
			if tt.forwardedFor != "" {
				req.Header.Set("X-Forwarded-For", tt.forwardedFor)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Errorf("trust proxy %v, %s: status %d, want %d", trustProxy, tt.name, rec.Code, tt.want)
			}
		}
	}
}
