package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/roster-app/roster/web/server"
)

// parseCSP parses a Content-Security-Policy header.
func parseCSP(policy string) map[string][]string {
	out := map[string][]string{}
	for _, d := range strings.Split(policy, ";") {
		fields := strings.Fields(d)
		if len(fields) > 0 {
			out[strings.ToLower(fields[0])] = fields[1:]
		}
	}
	return out
}

var (
	cspScriptTag     = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script\s*>`)
	cspEventHandler  = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`)
	cspJavascriptURL = regexp.MustCompile(`(?i)(href|src|action)\s*=\s*["']?\s*javascript:`)
)

// TestSecurityHeadersEveryResponse checks the headers of every kind of response and
// that pages carry no inline script the policy would have to allow.
func TestSecurityHeadersEveryResponse(t *testing.T) {
	for _, base := range []string{"http://roster.test", "https://roster.example.com"} {
		t.Run(base, func(t *testing.T) {
			s := newSweepEnv(t, server.Config{BaseURL: base})
			manage := "?t=" + url.QueryEscape(s.ada.Token)
			pages := []struct {
				path       string
				noReferrer bool // the URL carries a secret
			}{
				{"/", false},
				{"/events/" + s.slug, false},
				{"/events/no-such-workshop", false},
				{"/bookings/" + s.ada.Ref + manage, true},
				{"/bookings/" + s.ada.Ref + "/invite.ics" + manage, true},
				{"/api/v1/events/" + s.slug, false},
				{"/api/v1/bookings/" + s.ada.Ref + manage, false},
				{"/api/v1/nope", false},
				{"/dashboard/login", false},
				{"/healthz", false},
			}
			for _, p := range pages {
				resp, body := s.request("GET", p.path, nil, "")
				h := resp.Header
				csp := parseCSP(h.Get("Content-Security-Policy"))
				scripts, ok := csp["script-src"]
				if !ok {
					scripts = csp["default-src"]
				}
				if len(scripts) == 0 {
					t.Errorf("%s: no script-src or default-src in %q", p.path, h.Get("Content-Security-Policy"))
				}
				for _, src := range scripts {
					switch strings.ToLower(src) {
					case "'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:":
						t.Errorf("%s: script-src allows %s", p.path, src)
					}
				}
				if fa := csp["frame-ancestors"]; !(len(fa) == 1 && (fa[0] == "'none'" || fa[0] == "'self'")) && h.Get("X-Frame-Options") != "DENY" {
					t.Errorf("%s: can be framed (frame-ancestors %v, X-Frame-Options %q)", p.path, fa, h.Get("X-Frame-Options"))
				}
				if h.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("%s: X-Content-Type-Options %q", p.path, h.Get("X-Content-Type-Options"))
				}
				switch rp := h.Get("Referrer-Policy"); {
				case p.noReferrer && rp != "no-referrer":
					t.Errorf("%s: Referrer-Policy %q on a URL that carries a manage token, want no-referrer", p.path, rp)
				case rp == "" || rp == "unsafe-url" || rp == "no-referrer-when-downgrade":
					t.Errorf("%s: Referrer-Policy %q", p.path, rp)
				}
				hsts := h.Get("Strict-Transport-Security")
				if strings.HasPrefix(base, "https://") {
					age, _ := strconv.Atoi(strings.TrimPrefix(strings.Split(hsts, ";")[0], "max-age="))
					if age < 180*24*3600 {
						t.Errorf("%s: Strict-Transport-Security %q, want max-age of at least 180 days", p.path, hsts)
					}
				} else if hsts != "" {
					t.Errorf("%s: Strict-Transport-Security %q on a plain-http site", p.path, hsts)
				}
				if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
					for _, tag := range cspScriptTag.FindAllStringSubmatch(body, -1) {
						// JSON-LD is data, which the CSP does not govern.
						if strings.Contains(tag[1], `type="application/ld+json"`) && json.Valid([]byte(tag[2])) {
							continue
						}
						if !strings.Contains(tag[1], "src=") || strings.TrimSpace(tag[2]) != "" {
							t.Errorf("%s: inline script the CSP forbids: %.120s", p.path, tag[0])
						}
					}
					for _, bad := range []*regexp.Regexp{cspEventHandler, cspJavascriptURL} {
						if m := bad.FindString(body); m != "" {
							t.Errorf("%s: inline script the CSP forbids: %.120s", p.path, m)
						}
					}
				}
			}

			// The dashboard's login cookie.
			resp, _ := s.request("POST", "/dashboard/login", s.sweepDashHeader("", true),
				url.Values{"email": {"james@example.com"}, "password": {s.passwords["james@example.com"]}}.Encode())
			var login *http.Cookie
			for _, c := range resp.Cookies() {
				if c.Name == s.loginCookie {
					login = c
				}
			}
			switch {
			case login == nil:
				t.Errorf("signing in set no %s cookie (status %d)", s.loginCookie, resp.StatusCode)
			case !login.HttpOnly || login.SameSite == http.SameSiteNoneMode || login.SameSite == http.SameSiteDefaultMode:
				t.Errorf("login cookie %q: want HttpOnly and SameSite Lax or Strict", login.Raw)
			case strings.HasPrefix(base, "https://") != login.Secure:
				t.Errorf("login cookie %q: Secure must be set exactly when the site is https", login.Raw)
			}
		})
	}
}

// TestLogsHoldNoSecrets runs a flow that handles every kind of secret
// through a server logging at debug level, then searches the log.
func TestLogsHoldNoSecrets(t *testing.T) {
	s := newSweepEnv(t, server.Config{BaseURL: "http://roster.test"})
	secrets := map[string]string{
		"James's API token": s.jamesToken, "Mallory's API token": s.otherToken, "Parveen's API token": s.parveenToken,
		"feed token": s.jamesFeed, "Ada's manage token": s.ada.Token, "Dan's manage token": s.dan.Token,
		"James's password": s.passwords["james@example.com"], "a mistyped password": "mistyped-password-9",
		"a forged sweepBearer token": "rst_api_forgedforgedforgedforgedforgedforged",
	}
	manage := "?t=" + url.QueryEscape(s.ada.Token)
	for _, path := range []string{"/bookings/" + s.ada.Ref + manage, "/bookings/" + s.ada.Ref + "/invite.ics" + manage,
		"/api/v1/bookings/" + s.ada.Ref + manage, "/bookings/" + s.ada.Ref + "?t=" + url.QueryEscape(s.dan.Token),
		"/coaches/feed.ics?token=" + url.QueryEscape(s.jamesFeed)} {
		s.request("GET", path, nil, "")
	}
	s.request("POST", "/api/v1/bookings/"+s.dan.Ref+"/move?t="+url.QueryEscape(s.dan.Token), http.Header{"Content-Type": {"application/json"}},
		fmt.Sprintf(`{"session_id": %d}`, s.dateA))
	s.request("GET", "/api/v1/admin/events", sweepBearer(s.jamesToken), "")
	s.request("GET", "/api/v1/admin/events", sweepBearer(secrets["a forged sweepBearer token"]), "")
	s.request("GET", "/api/v1/admin/outbox", sweepBearer(s.jamesToken), "")
	s.request("POST", "/dashboard/login", s.sweepDashHeader("", true), url.Values{"email": {"james@example.com"}, "password": {"mistyped-password-9"}}.Encode())
	cookie := s.signIn("james@example.com")
	secrets["James's dashboard login"] = cookie
	s.request("GET", "/dashboard", s.sweepDashHeader(cookie, false), "")
	s.request("GET", "/dashboard/bookings/"+s.ada.Ref, s.sweepDashHeader(cookie, false), "")
	// A server error is logged in full: make one with a secret in the URL.
	s.request("GET", "/bookings/"+strings.Repeat("Z", 5000)+manage, nil, "")

	logs := s.logs.String()
	if strings.Count(logs, "\n") < 20 {
		t.Fatalf("only %d log lines: the search would prove nothing", strings.Count(logs, "\n"))
	}
	for what, secret := range secrets {
		if i := strings.Index(logs, secret); i >= 0 {
			start := strings.LastIndex(logs[:i], "\n") + 1
			end := i + strings.Index(logs[i:]+"\n", "\n")
			t.Errorf("the log holds %s: %.400s", what, logs[start:end])
		}
	}
}
