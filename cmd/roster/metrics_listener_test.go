package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestMetricsOnASeparateListenerWithAToken(t *testing.T) {
	const token = "0123456789abcdef0123"
	m, _, stderr := newMain(map[string]string{"DATABASE_URL": sqldbtest.URL(t),
		"ROSTER_METRICS_ADDR": "127.0.0.1:0", "ROSTER_METRICS_TOKEN": token})
	ready, metricsReady := make(chan string, 1), make(chan string, 1)
	m.Ready = func(addr string) { ready <- addr }
	m.MetricsReady = func(addr string) { metricsReady <- addr }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--demo"}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	}()
	var mainAddr, metricsAddr string
	select {
	case mainAddr = <-ready:
		metricsAddr = <-metricsReady
	case err := <-done:
		t.Fatalf("serve stopped: %v\n%s", err, stderr)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not become ready")
	}

	scrape := func(authorization string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+metricsAddr+"/metrics", nil)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	t.Run("the bearer token is required", func(t *testing.T) {
		if status, _ := scrape(""); status != http.StatusUnauthorized {
			t.Errorf("status %d without a token, want 401", status)
		}
	})
	t.Run("with the token: product, runtime and database metrics", func(t *testing.T) {
		status, body := scrape("Bearer " + token)
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		for _, want := range []string{`roster_bookings{status="confirmed"} 2` /* the demo's Grace and Ada */, "roster_holds_open 0", "roster_outbox_unsent " /* the demo's confirmations may be on their way */, "go_goroutines", "go_sql_max_open_connections{db_name=\"roster\"}"} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
	})
	t.Run("the main listener has no /metrics, and its requests are counted in the shared registry", func(t *testing.T) {
		resp, err := http.Get("http://" + mainAddr + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("main listener /metrics: status %d, want 404", resp.StatusCode)
		}
		if _, body := scrape("Bearer " + token); !strings.Contains(body, `roster_http_requests_total{code="404",method="GET",route="unmatched"}`) {
			t.Errorf("the separate listener lacks the main listener's request metrics:\n%s", body)
		}
	})
}
