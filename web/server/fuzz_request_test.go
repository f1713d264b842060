package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/roster-app/roster/web/server"
)

// FuzzRequestLine sends any method, path and header to the whole server.
// Whatever arrives: no 5xx; /metrics gains no label value the client
// chose (methods are a known one or "other", routes a template or
// "unmatched"); and one request writes a bounded amount of log.
func FuzzRequestLine(f *testing.F) {
	for _, seed := range []struct{ method, path, name, value string }{
		{"GET", "/", "Accept", "text/html"},
		{"HEAD", "/events/fuzz-free", "", ""},
		{"HEAD", "/webhooks/stripe", "", ""},
		{"OPTIONS", "/api/v1/events", "Origin", "https://evil.example"},
		{"M" + strings.Repeat("X", 8000), "/events/fuzz-free", "", ""},
		{"PROPFIND", "/dashboard", "Depth", "infinity"},
		{"GET", "/" + strings.Repeat("p", 8000), "", ""},
		{"GET", "/api/v1/events?limit=100&cursor=" + strings.Repeat("A", 3000), "", ""},
		{"POST", "/dashboard/login", "X-Forwarded-For", strings.Repeat("1.2.3.4, ", 1000)},
		{"GET", "/dev/mailbox", "X-Real-IP", "127.0.0.1"},
		{"GET", "/bookings/FF-ABCDEF?t=x", "User-Agent", strings.Repeat("Mozilla ", 2000)},
		{"POST", "/api/v1/bookings", "Idempotency-Key", strings.Repeat("k", 5000)},
		{"GET", "/metrics", "Authorization", "Bearer " + strings.Repeat("t", 1000)},
		{"GET", "/api/v1/admin/events", "Authorization", "Bearer rst_api_\x00\xff"},
		{"GET", "/dashboard", "Cookie", "roster_session=" + strings.Repeat("c", 4000)},
		{"get", "/", "Content-Type", "application/json; charset=\xff"},
		{"GET", "/%00", "Host", "evil.example"},
		{"", "", "", ""},
	} {
		f.Add(seed.method, seed.path, seed.name, seed.value)
	}
	s := newFuzzSite(f)
	routes := map[string]bool{"unmatched": true}
	for _, r := range s.handler.(*server.Server).Echo().Routes() {
		routes[r.Path] = true
	}
	methods := map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "OPTIONS": true, "other": true}
	f.Fuzz(func(t *testing.T, method, path, name, value string) {
		if method == "" {
			method = "GET"
		}
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		header := http.Header{}
		if name != "" {
			header[name] = []string{value}
		}
		before := s.logged.n.Load()
		rec := s.serve(method, path, header, "")
		if rec.Code >= 500 {
			t.Fatalf("%.40q %.80q %.40q: %d, want no 5xx", method, path, name, rec.Code)
		}
		if grown := s.logged.n.Load() - before; grown > 4096 {
			t.Fatalf("one request logged %d bytes", grown)
		}
		families, err := s.registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, family := range families {
			for _, m := range family.GetMetric() {
				for _, l := range m.GetLabel() {
					switch l.GetName() {
					case "method":
						if !methods[l.GetValue()] {
							t.Fatalf("%s has method label %.80q", family.GetName(), l.GetValue())
						}
					case "route":
						if !routes[l.GetValue()] {
							t.Fatalf("%s has route label %.80q", family.GetName(), l.GetValue())
						}
					}
				}
			}
		}
	})
}
