package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/roster-app/roster/web/server"
)

// sweepDashHeader returns headers for a dashboard request with a login
// cookie (if any) and, for forms, a same-origin Origin.
func (s *sweepEnv) sweepDashHeader(cookie string, form bool) http.Header {
	h := http.Header{}
	if cookie != "" {
		h.Set("Cookie", s.loginCookie+"="+cookie)
	}
	if form {
		h.Set("Content-Type", "application/x-www-form-urlencoded")
		h.Set("Origin", s.srv.URL)
	}
	return h
}

// signIn signs a coach in to the dashboard and returns the login cookie.
func (s *sweepEnv) signIn(email string) string {
	s.t.Helper()
	resp, body := s.request("POST", "/dashboard/login", s.sweepDashHeader("", true),
		url.Values{"email": {email}, "password": {s.passwords[email]}}.Encode())
	for _, c := range resp.Cookies() {
		if c.Name == s.loginCookie && c.Value != "" {
			return c.Value
		}
	}
	s.t.Fatalf("sign in as %s: %d %.300s, no %s cookie", email, resp.StatusCode, body, s.loginCookie)
	return ""
}

var sweepCSRFInput = regexp.MustCompile(`name="csrf_token"\s+value="([^"]+)"|value="([^"]+)"\s+name="csrf_token"`)

// csrfOf reads a login's form token from a dashboard page.
func (s *sweepEnv) csrfOf(cookie string) string {
	s.t.Helper()
	_, body := s.request("GET", "/dashboard/settings", s.sweepDashHeader(cookie, false), "")
	m := sweepCSRFInput.FindStringSubmatch(body)
	if m == nil {
		s.t.Fatalf("no csrf_token field on the settings page: %.500s", body)
	}
	return m[1] + m[2]
}

// TestDashboardRouteSweep walks every /dashboard route signed out, with
// a forged login, as another coach, and with a login ended by "sign
// out everywhere".
func TestDashboardRouteSweep(t *testing.T) {
	s := newSweepEnv(t, server.Config{BaseURL: "http://roster.test"})
	// The pages a coach uses signed out: signing in, and setting a
	// password from an emailed link (the link's token is the credential;
	// TestDashboardAccountLinks covers them).
	signedOutPages := map[string]bool{"/dashboard/login": true, "/dashboard/forgot-password": true,
		"/dashboard/reset-password": true, "/dashboard/invitation": true}
	var dash []sweptRoute
	for _, r := range sweepRoutes(t, s.echo) {
		if strings.HasPrefix(r.Path, "/dashboard") && !signedOutPages[r.Path] {
			dash = append(dash, r)
		}
	}
	if len(dash) < 5 {
		t.Fatalf("found only %d dashboard routes: %v", len(dash), dash)
	}
	signedOut := func(t *testing.T, cookie string) {
		for _, r := range dash {
			form := r.Method != "GET"
			resp, body := s.request(r.Method, s.fill(r.Path), s.sweepDashHeader(cookie, form), "")
			toSignIn := resp.StatusCode == 303 && strings.Contains(resp.Header.Get("Location"), "/dashboard/login")
			if !toSignIn && resp.StatusCode != 401 && resp.StatusCode != 403 {
				t.Errorf("%s: %d (Location %q), want 303 to the sign-in page", r, resp.StatusCode, resp.Header.Get("Location"))
			}
			if m := s.leaks(body); m != "" {
				t.Errorf("%s shows %q", r, m)
			}
		}
	}
	t.Run("signed out", func(t *testing.T) { signedOut(t, "") })
	t.Run("a forged login", func(t *testing.T) { signedOut(t, "rst_login_"+strings.Repeat("A", 43)) })
	t.Run("an API token as the login", func(t *testing.T) { signedOut(t, s.jamesToken) })

	t.Run("James's login opens every GET", func(t *testing.T) {
		james := s.signIn("james@example.com")
		for _, r := range dash {
			if r.Method != "GET" || strings.Contains(r.Path, "/progress") {
				continue
			}
			if resp, body := s.request("GET", s.fill(r.Path), s.sweepDashHeader(james, false), ""); resp.StatusCode != 200 {
				t.Errorf("%s as James: %d %.200s: the sweep's parameters do not reach the handler", r, resp.StatusCode, body)
			}
		}
	})
	t.Run("another coach's login", func(t *testing.T) {
		mallory := s.signIn("mallory@example.com")
		csrf := s.csrfOf(mallory)
		for _, r := range dash {
			if !strings.Contains(r.Path, ":") {
				continue // her own overview, settings and sign-out
			}
			form := url.Values{"csrf_token": {csrf}, "session_id": {strconv.FormatInt(s.dateB, 10)}, "title": {"Taken over"},
				"capacity": {"1"}, "subject": {"Taken over"}, "body": {"Hello"}, "amount": {"1.00"}}
			resp, body := s.request(r.Method, s.fill(r.Path), s.sweepDashHeader(mallory, r.Method != "GET"), form.Encode())
			if resp.StatusCode != 404 && resp.StatusCode != 403 {
				t.Errorf("%s as Mallory: %d %.200s, want 404 (or 403)", r, resp.StatusCode, body)
			}
			if m := s.leaks(body); m != "" {
				t.Errorf("%s as Mallory shows %q", r, m)
			}
		}
	})
	t.Run("a login ended everywhere", func(t *testing.T) {
		parveen := s.signIn("parveen@example.com")
		if resp, _ := s.request("GET", "/dashboard/events/"+s.slug, s.sweepDashHeader(parveen, false), ""); resp.StatusCode != 200 {
			t.Fatalf("Parveen co-hosts the lab but gets %d before signing out", resp.StatusCode)
		}
		other := s.signIn("parveen@example.com")
		resp, body := s.request("POST", "/dashboard/settings/sign-out-everywhere", s.sweepDashHeader(other, true),
			url.Values{"csrf_token": {s.csrfOf(other)}}.Encode())
		if resp.StatusCode >= 400 {
			t.Fatalf("sign out everywhere: %d %.300s", resp.StatusCode, body)
		}
		signedOut(t, parveen)
	})
	s.assertLabUntouched(t)
}
