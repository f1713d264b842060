package server_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/secret"
	"github.com/roster-app/roster/web/server"
)

func TestDashboardSignIn(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	t.Run("no login goes to sign-in, and back after it", func(t *testing.T) {
		b := e.newBrowser()
		a := b.get("/dashboard/settings?x=1")
		if a.status != http.StatusSeeOther || a.location != "/dashboard/login?next=%2Fdashboard%2Fsettings%3Fx%3D1" {
			t.Fatalf("%d %q", a.status, a.location)
		}
		page := b.get(a.location)
		if page.status != 200 || !strings.Contains(page.body, `name="next" value="/dashboard/settings?x=1"`) {
			t.Fatalf("sign-in page %d lacks next: %.500s", page.status, page.body)
		}
		a = b.send("POST", "/dashboard/login", url.Values{"email": {"james@example.com"}, "password": {coachPassword}, "next": {"/dashboard/settings?x=1"}}, nil)
		if a.status != http.StatusSeeOther || a.location != "/dashboard/settings?x=1" {
			t.Errorf("after signing in: %d %q", a.status, a.location)
		}
		if again := b.get("/dashboard/login?next=/dashboard/outbox"); again.status != http.StatusSeeOther || again.location != "/dashboard/outbox" {
			t.Errorf("the sign-in page for a signed-in coach: %d %q", again.status, again.location)
		}
	})
	t.Run("next only leads to dashboard pages", func(t *testing.T) {
		for _, next := range []string{"https://evil.example/", "//evil.example/dashboard", "/\\evil.example", "javascript:alert(1)",
			"/events/career-clarity-lab", "/dashboard/../admin", "/dashboard/login", "http://roster.test/dashboard"} {
			b := e.newBrowser()
			a := b.send("POST", "/dashboard/login", url.Values{"email": {"james@example.com"}, "password": {coachPassword}, "next": {next}}, nil)
			if a.status != http.StatusSeeOther || a.location != "/dashboard" {
				t.Errorf("next=%q: %d %q, want the overview", next, a.status, a.location)
			}
		}
	})
	t.Run("a wrong password and an unknown email get the same answer", func(t *testing.T) {
		wrong := e.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {"james@example.com"}, "password": {"not the password"}}, nil)
		unknown := e.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {"nobody@example.com"}, "password": {"not the password"}}, nil)
		if wrong.status != http.StatusUnauthorized || unknown.status != http.StatusUnauthorized {
			t.Fatalf("statuses %d and %d, want 401 both", wrong.status, unknown.status)
		}
		if strings.ReplaceAll(wrong.body, "james@example.com", "EMAIL") != strings.ReplaceAll(unknown.body, "nobody@example.com", "EMAIL") {
			t.Errorf("the answers differ:\n%s\n---\n%s", wrong.body, unknown.body)
		}
		if wrong.header.Get("Set-Cookie") != "" || unknown.header.Get("Set-Cookie") != "" {
			t.Error("a failed sign-in set a cookie")
		}
		if !strings.Contains(wrong.body, "don&#39;t match") || strings.Contains(wrong.body, "not the password") {
			t.Errorf("the answer does not say what went wrong, or echoes the password: %.800s", wrong.body)
		}
	})
	t.Run("the cookie is HttpOnly, SameSite=Lax, scoped to the dashboard, and stores only a hash", func(t *testing.T) {
		a := e.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {"james@example.com"}, "password": {coachPassword}}, nil)
		cookie := parseCookie(t, a.header)
		if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/dashboard" || cookie.Secure {
			t.Errorf("cookie %+v", cookie)
		}
		if len(cookie.Value) < 40 {
			t.Errorf("token %q is too short for 256 random bits", cookie.Value)
		}
		var byToken, byHash int
		e.db.Get(&byToken, e.db.Rebind(`SELECT COUNT(*) FROM coach_sessions WHERE token_hash = ?`), cookie.Value)
		e.db.Get(&byHash, e.db.Rebind(`SELECT COUNT(*) FROM coach_sessions WHERE token_hash = ?`), secret.Hash(cookie.Value))
		if byToken != 0 || byHash != 1 {
			t.Errorf("stored by token %d, by hash %d; want only the hash", byToken, byHash)
		}
	})
	t.Run("a cross-site sign-in form is refused", func(t *testing.T) {
		form := url.Values{"email": {"james@example.com"}, "password": {coachPassword}}
		for name, header := range map[string]http.Header{
			"Origin":         {"Origin": {"https://evil.example"}},
			"Sec-Fetch-Site": {"Sec-Fetch-Site": {"cross-site"}},
		} {
			if a := e.newBrowser().send("POST", "/dashboard/login", form, header); a.status != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", name, a.status)
			}
		}
		same := http.Header{"Origin": {e.srv.URL}, "Sec-Fetch-Site": {"same-origin"}}
		if a := e.newBrowser().send("POST", "/dashboard/login", form, same); a.status != http.StatusSeeOther {
			t.Errorf("same origin: %d, want 303", a.status)
		}
	})
	t.Run("signing out revokes the login", func(t *testing.T) {
		b := e.signedIn("james@example.com")
		stolen := b.cookie()
		if a := b.post("/dashboard/logout", nil); a.status != http.StatusSeeOther || a.location != "/dashboard/login?signed_out=1" {
			t.Fatalf("sign out: %d %q", a.status, a.location)
		}
		if b.cookie() != "" {
			t.Error("the cookie was not cleared")
		}
		replay := e.newBrowser()
		replay.c.Jar.SetCookies(mustURL(t, e.srv.URL+"/dashboard"), []*http.Cookie{{Name: "roster_session", Value: stolen, Path: "/dashboard"}})
		if a := replay.get("/dashboard"); a.status != http.StatusSeeOther || !strings.HasPrefix(a.location, "/dashboard/login") {
			t.Errorf("the signed-out cookie still works: %d %q", a.status, a.location)
		}
	})
	t.Run("signing out everywhere ends every browser's login", func(t *testing.T) {
		laptop, phone := e.signedIn("james@example.com"), e.signedIn("james@example.com")
		parveen := e.signedIn("parveen@example.com")
		if a := phone.post("/dashboard/settings/sign-out-everywhere", nil); a.status != http.StatusSeeOther {
			t.Fatalf("%d", a.status)
		}
		for name, b := range map[string]*browser{"laptop": laptop, "phone": phone} {
			if a := b.get("/dashboard"); a.status != http.StatusSeeOther {
				t.Errorf("%s still signed in: %d", name, a.status)
			}
		}
		if a := parveen.get("/dashboard"); a.status != 200 {
			t.Errorf("another coach was signed out: %d", a.status)
		}
	})
}

func TestDashboardLoginExpiry(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	t.Run("14 idle days end a login", func(t *testing.T) {
		b := e.signedIn("james@example.com")
		e.clock.Advance(coaches.LoginIdleTimeout - time.Minute)
		if a := b.get("/dashboard"); a.status != 200 {
			t.Fatalf("a day short of the idle timeout: %d", a.status)
		}
		e.clock.Advance(coaches.LoginIdleTimeout)
		if a := b.get("/dashboard"); a.status != http.StatusSeeOther || !strings.HasPrefix(a.location, "/dashboard/login") {
			t.Errorf("after 14 idle days: %d %q", a.status, a.location)
		}
	})
	t.Run("a login in use ends 30 days after signing in", func(t *testing.T) {
		b := e.signedIn("james@example.com")
		for range 3 {
			e.clock.Advance(10*24*time.Hour - time.Minute)
			if a := b.get("/dashboard"); a.status != 200 {
				t.Fatalf("in regular use: %d", a.status)
			}
		}
		e.clock.Advance(time.Hour)
		if a := b.get("/dashboard"); a.status != http.StatusSeeOther {
			t.Errorf("30 days after signing in: %d", a.status)
		}
	})
}

func TestDashboardSecureCookie(t *testing.T) {
	e := newDashEnv(t, server.Config{BaseURL: "https://roster.example"})
	a := e.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {"james@example.com"}, "password": {coachPassword}}, nil)
	if cookie := parseCookie(t, a.header); !cookie.Secure {
		t.Errorf("cookie for an https site is not Secure: %+v", cookie)
	}
}

func TestDashboardSignInRateLimit(t *testing.T) {
	tryWrong := func(e *dashEnv, email string) answer {
		return e.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {email}, "password": {"not the password"}}, nil)
	}
	t.Run("five failures for one account lock it for a while", func(t *testing.T) {
		e := newDashEnv(t, server.Config{})
		for i := range 5 {
			if a := tryWrong(e, "james@example.com"); a.status != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, a.status)
			}
		}
		a := e.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {"James@Example.com"}, "password": {coachPassword}}, nil)
		if a.status != http.StatusTooManyRequests {
			t.Fatalf("sixth attempt, with the right password: %d, want 429", a.status)
		}
		if retry, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || retry < 1 || retry > 60 {
			t.Errorf("Retry-After %q, want 1 to 60 seconds", a.header.Get("Retry-After"))
		}
		if !strings.Contains(a.body, "Too many failed attempts") || a.header.Get("Set-Cookie") != "" {
			t.Errorf("429 page: %.500s", a.body)
		}
		if a := e.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {"parveen@example.com"}, "password": {coachPassword}}, nil); a.status != http.StatusSeeOther {
			t.Errorf("another account from the same address: %d, want 303", a.status)
		}
	})
	t.Run("ten failures from one address stop it trying any account", func(t *testing.T) {
		e := newDashEnv(t, server.Config{})
		for i, email := range []string{"james@example.com", "parveen@example.com"} {
			for j := range 5 {
				if a := tryWrong(e, email); a.status != http.StatusUnauthorized {
					t.Fatalf("failure %d: %d", i*5+j+1, a.status)
				}
			}
		}
		a := e.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {"mallory@example.com"}, "password": {coachPassword}}, nil)
		if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") == "" {
			t.Errorf("eleventh attempt from the address: %d Retry-After %q, want 429 with Retry-After", a.status, a.header.Get("Retry-After"))
		}
	})
	t.Run("successful sign-ins are not counted", func(t *testing.T) {
		e := newDashEnv(t, server.Config{})
		for range 12 {
			e.signedIn("james@example.com")
		}
	})
}

func TestDashboardCSRF(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	james := e.signedIn("james@example.com")
	parveen := e.signedIn("parveen@example.com")
	form := func(token *string) url.Values {
		v := url.Values{"title": {"Forged"}, "timezone": {"UTC"}, "currency": {"GBP"}, "price": {"0"}}
		if token != nil {
			v.Set("csrf_token", *token)
		}
		return v
	}
	empty, wrong := "", strings.Repeat("0", 64)
	tests := []struct {
		name   string
		token  *string
		status int
	}{
		{"no token", nil, http.StatusForbidden},
		{"empty token", &empty, http.StatusForbidden},
		{"wrong token", &wrong, http.StatusForbidden},
		{"another login's token", &parveen.csrf, http.StatusForbidden},
		{"the login's token", &james.csrf, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := form(tt.token)
			if tt.token == nil {
				a := james.send("POST", "/dashboard/events", f, nil)
				if a.status != tt.status {
					t.Fatalf("%d, want %d: %.300s", a.status, tt.status, a.body)
				}
				return
			}
			if a := james.post("/dashboard/events", f); a.status != tt.status {
				t.Fatalf("%d, want %d: %.300s", a.status, tt.status, a.body)
			}
		})
	}
	if n, _ := e.events.CountEvents(t.Context()); n != 1 {
		t.Errorf("%d events, want only the one with the right token", n)
	}
	t.Run("sign-out needs the token too", func(t *testing.T) {
		if a := james.send("POST", "/dashboard/logout", url.Values{}, nil); a.status != http.StatusForbidden {
			t.Errorf("%d, want 403", a.status)
		}
		if a := james.get("/dashboard"); a.status != 200 {
			t.Errorf("signed out by a forged form: %d", a.status)
		}
	})
}

func parseCookie(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "roster_session" {
			return c
		}
	}
	t.Fatalf("no login cookie in %v", h)
	return nil
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
