package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/roster-app/roster/buildinfo"
	"github.com/roster-app/roster/web/server"
)

// rawRequest sends one request line and headers as written, for methods
// and paths that http.Client would refuse to send, and returns the status.
func rawRequest(t *testing.T, addr, method, path string) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: roster.test\r\nConnection: close\r\n\r\n", method, path)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%.40s %.40s: %v", method, path, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestClientValuesDoNotGrowMetricsOrLogs sends made-up methods and paths
// and checks that they reach neither a metric label nor the log unbounded.
func TestClientValuesDoNotGrowMetricsOrLogs(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	_, baseline := e.do("GET", "/metrics", "", "")
	addr := strings.TrimPrefix(e.srv.URL, "http://")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 25 {
				method := fmt.Sprintf("M%d%s", i*100+j, strings.Repeat("X", 8000))
				if status := rawRequest(t, addr, method, "/events/career-clarity-lab"); status != http.StatusMethodNotAllowed {
					t.Errorf("made-up method: status %d, want 405", status)
				}
				path := fmt.Sprintf("/no/such/page/%d/%s", i*100+j, strings.Repeat("p", 3000))
				if status := rawRequest(t, addr, "GET", path); status != http.StatusNotFound {
					t.Errorf("unknown path: status %d, want 404", status)
				}
			}
		}()
	}
	wg.Wait()
	_, after := e.do("GET", "/metrics", "", "")
	if grown := len(after) - len(baseline); grown > 8<<10 {
		t.Errorf("/metrics grew by %d bytes after 400 made-up requests, want a few series at most", grown)
	}
	for _, want := range []string{`method="other",route="/events/:slug"`, `method="GET",route="unmatched"`} {
		if !strings.Contains(after, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(after, "XXXX") || strings.Contains(after, "/no/such") {
		t.Error("/metrics holds a client-chosen method or path")
	}
	logs := e.logs.String()
	if strings.Contains(logs, "XXXXXXXX") {
		t.Error("the log holds a made-up method")
	}
	for line := range strings.Lines(logs) {
		if len(line) > 2048 {
			t.Fatalf("a log line of %d bytes: %.200s", len(line), line)
		}
	}
}

func TestHealthzNamesTheBuild(t *testing.T) {
	e := newEnv(t)
	status, body := e.do("GET", "/healthz", "", "")
	var got map[string]string
	if err := json.Unmarshal([]byte(body), &got); status != 200 || err != nil {
		t.Fatalf("status %d, %v: %s", status, err, body)
	}
	if got["version"] != buildinfo.Version() || got["revision"] != buildinfo.Revision() || got["status"] != "ok" {
		t.Errorf("healthz %v, want version %q revision %q", got, buildinfo.Version(), buildinfo.Revision())
	}
}

func TestMetricsOnTheMainListener(t *testing.T) {
	t.Run("a token is required when set", func(t *testing.T) {
		e := newEnvConfig(t, server.Config{BaseURL: "http://roster.test", MetricsToken: "s3cret-metrics-token"})
		if status, _ := e.do("GET", "/metrics", "", ""); status != http.StatusUnauthorized {
			t.Errorf("without the token: status %d, want 401", status)
		}
		if status, _ := e.do("GET", "/metrics", "wrong", ""); status != http.StatusUnauthorized {
			t.Errorf("with a wrong token: status %d, want 401", status)
		}
		if status, body := e.do("GET", "/metrics", "s3cret-metrics-token", ""); status != 200 || !strings.Contains(body, "roster_http_requests_total") {
			t.Errorf("with the token: status %d", status)
		}
	})
	t.Run("absent when a separate metrics listener is set", func(t *testing.T) {
		e := newEnvConfig(t, server.Config{BaseURL: "http://roster.test", MetricsAddr: "127.0.0.1:9090"})
		if status, _ := e.do("GET", "/metrics", "", ""); status != http.StatusNotFound {
			t.Errorf("status %d, want 404", status)
		}
	})
}

func TestHeadWhereverGetWorks(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	for _, path := range []string{"/", "/events/career-clarity-lab", "/api/v1/events", "/api/v1/events/career-clarity-lab",
		"/healthz", "/readyz", "/dashboard/login", "/events/career-clarity-lab/calendar.ics"} {
		t.Run(path, func(t *testing.T) {
			get, err := http.Get(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			get.Body.Close()
			head, err := http.Head(e.srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			head.Body.Close()
			if head.StatusCode != get.StatusCode || head.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
				t.Errorf("HEAD %d %q, GET %d %q", head.StatusCode, head.Header.Get("Content-Type"), get.StatusCode, get.Header.Get("Content-Type"))
			}
			if head.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("HEAD lacks the security headers")
			}
		})
	}
	t.Run("a route without GET still refuses HEAD", func(t *testing.T) {
		if status := rawRequest(t, strings.TrimPrefix(e.srv.URL, "http://"), "HEAD", "/webhooks/stripe"); status != http.StatusMethodNotAllowed {
			t.Errorf("status %d, want 405", status)
		}
	})
}

// TestPagesWithSecretsAreNeverStored checks Cache-Control: no-store on
// every answer that carries a manage token, a checkout link or a claim
// link, in its URL or its body.
func TestPagesWithSecretsAreNeverStored(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/bookings", strings.NewReader(`{"session_id": 1, "name": "Ada", "email": "ada@example.com", "seats": 1}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		ManageURL   string `json:"manage_url"`
		CheckoutURL string `json:"checkout_url"`
	}
	json.NewDecoder(resp.Body).Decode(&b)
	resp.Body.Close()
	if resp.StatusCode != 201 || b.CheckoutURL == "" {
		t.Fatalf("paid booking: %d %+v", resp.StatusCode, b)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("POST /api/v1/bookings: Cache-Control %q", cc)
	}
	ref, token := manage(b.ManageURL)
	checkout := strings.TrimPrefix(b.CheckoutURL, "http://roster.test")
	for _, path := range []string{
		"/bookings/" + ref + "?t=" + token,
		"/bookings/" + ref + "/invite.ics?t=" + token,
		"/api/v1/bookings/" + ref + "?t=" + token,
		checkout,
		"/waitlist/1/claim?t=made-up",
	} {
		resp, err := http.Get(e.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: status %d, Cache-Control %q, want no-store", path, resp.StatusCode, cc)
		}
	}
}
