package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/web/server"
)

// TestAdminRouteSweep walks every /api/v1/admin route.
func TestAdminRouteSweep(t *testing.T) {
	s := newSweepEnv(t, server.Config{BaseURL: "http://roster.test"})
	var admin []sweptRoute
	for _, r := range sweepRoutes(t, s.echo) {
		if strings.HasPrefix(r.Path, "/api/v1/admin/") {
			admin = append(admin, r)
		}
	}
	if len(admin) < 10 {
		t.Fatalf("found only %d admin routes: %v", len(admin), admin)
	}
	t.Run("James's own token opens every GET", func(t *testing.T) {
		for _, r := range admin {
			if r.Method != "GET" {
				continue
			}
			if resp, body := s.request("GET", s.fill(r.Path), sweepBearer(s.jamesToken), ""); resp.StatusCode != 200 {
				t.Errorf("%s as James: %d %.200s: the sweep's parameters do not reach the handler", r, resp.StatusCode, body)
			}
		}
	})
	refused := map[string]http.Header{
		"no credentials":             {"Content-Type": {"application/json"}},
		"an unknown token":           sweepBearer("rst_api_" + strings.Repeat("A", 43)),
		"James's token with a typo":  sweepBearer(s.jamesToken + "x"),
		"James's feed token":         sweepBearer(s.jamesFeed),
		"another scheme":             {"Authorization": {"Basic " + s.jamesToken}},
		"the token without a scheme": {"Authorization": {s.jamesToken}},
		"an empty sweepBearer":       {"Authorization": {"Bearer "}},
		"a 10 kB token":              sweepBearer(strings.Repeat("x", 10<<10)),
	}
	for what, header := range refused {
		t.Run(what, func(t *testing.T) {
			for _, r := range admin {
				resp, body := s.request(r.Method, s.fill(r.Path), header, s.sweepBody(r))
				if resp.StatusCode != 401 || !strings.Contains(body, `"code":"unauthorized"`) || resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s: %d %.200s, want 401 unauthorized with WWW-Authenticate", r, resp.StatusCode, body)
				}
				if m := s.leaks(body); m != "" {
					t.Errorf("%s shows %q", r, m)
				}
			}
		})
	}
	t.Run("another coach's token", func(t *testing.T) {
		for _, r := range admin {
			resp, body := s.request(r.Method, s.fill(r.Path), sweepBearer(s.otherToken), s.sweepBody(r))
			if m := s.leaks(body); m != "" {
				t.Errorf("%s as Mallory shows %q: %.300s", r, m, body)
			}
			if strings.Contains(r.Path, ":") && resp.StatusCode != 404 && resp.StatusCode != 403 {
				t.Errorf("%s as Mallory: %d %.200s, want 404 (or 403)", r, resp.StatusCode, body)
			}
		}
		if resp, body := s.request("GET", "/api/v1/admin/outbox?booking="+s.ada.Ref, sweepBearer(s.otherToken), ""); resp.StatusCode != 404 || s.leaks(body) != "" {
			t.Errorf("Mallory reads the outbox of Ada's booking: %d %.300s", resp.StatusCode, body)
		}
	})
	t.Run("the private calendar feed", func(t *testing.T) {
		feed := func(token string) (*http.Response, string) {
			return s.request("GET", "/coaches/feed.ics?token="+url.QueryEscape(token), nil, "")
		}
		if resp, body := feed(s.jamesFeed); resp.StatusCode != 200 || !strings.Contains(body, "Authz Lab") {
			t.Fatalf("James's feed: %d %.200s", resp.StatusCode, body)
		}
		for what, token := range map[string]string{"no token": "", "James's API token": s.jamesToken, "a forged token": "rst_feed_" + strings.Repeat("A", 43)} {
			if resp, body := feed(token); (resp.StatusCode != 401 && resp.StatusCode != 404) || s.leaks(body) != "" {
				t.Errorf("feed with %s: %d %.200s, want 401 or 404", what, resp.StatusCode, body)
			}
		}
		if resp, body := s.request("POST", "/api/v1/admin/feed", sweepBearer(s.jamesToken), ""); resp.StatusCode >= 300 {
			t.Fatalf("rotate the feed: %d %s", resp.StatusCode, body)
		}
		if resp, body := feed(s.jamesFeed); (resp.StatusCode != 401 && resp.StatusCode != 404) || s.leaks(body) != "" {
			t.Errorf("feed with the token rotated away: %d %.200s, want 401 or 404", resp.StatusCode, body)
		}
	})
	t.Run("a revoked token of a co-host", func(t *testing.T) {
		if resp, _ := s.request("GET", "/api/v1/admin/events/"+s.slug, sweepBearer(s.parveenToken), ""); resp.StatusCode != 200 {
			t.Fatalf("Parveen co-hosts the lab but gets %d before revocation", resp.StatusCode)
		}
		if err := s.coaches.RevokeTokens(context.Background(), s.parveen.ID, coaches.APIToken); err != nil {
			t.Fatal(err)
		}
		for _, r := range admin {
			if resp, body := s.request(r.Method, s.fill(r.Path), sweepBearer(s.parveenToken), s.sweepBody(r)); resp.StatusCode != 401 || s.leaks(body) != "" {
				t.Errorf("%s with a revoked token: %d %.200s, want 401", r, resp.StatusCode, body)
			}
		}
	})
	s.assertLabUntouched(t)
}

// assertLabUntouched checks that none of the refused requests changed
// James's workshop or Ada's booking.
func (s *sweepEnv) assertLabUntouched(t *testing.T) {
	t.Helper()
	status, body := s.do("GET", "/api/v1/admin/events/"+s.slug, s.jamesToken, "")
	if status != 200 || !strings.Contains(body, `"title":"Authz Lab"`) || !strings.Contains(body, `"status":"published"`) || strings.Contains(body, "2027-10-06") {
		t.Errorf("the lab changed under refused requests: %d %s", status, body)
	}
	status, body = s.do("GET", "/api/v1/bookings/"+s.ada.Ref+"?t="+url.QueryEscape(s.ada.Token), "", "")
	if status != 200 || !strings.Contains(body, `"status":"confirmed"`) || !strings.Contains(body, fmt.Sprintf(`"session_id":%d`, s.dateA)) {
		t.Errorf("Ada's booking changed under refused requests: %d %s", status, body)
	}
	status, body = s.do("GET", fmt.Sprintf("/api/v1/admin/sessions/%d/waitlist", s.dateA), s.jamesToken, "")
	if status != 200 || !strings.Contains(body, `"status":"offered"`) {
		t.Errorf("Cy's offer changed under refused requests: %d %s", status, body)
	}
}

// TestBookingRouteTokens tries every public route that names a booking (or a
// waitlist offer) with tokens that are not its own: none, a wrong one,
// another booking's, the right one altered, a very long one.
func TestBookingRouteTokens(t *testing.T) {
	s := newSweepEnv(t, server.Config{BaseURL: "http://roster.test"})
	var public []sweptRoute
	for _, r := range sweepRoutes(t, s.echo) {
		if (strings.Contains(r.Path, ":ref") || strings.HasPrefix(r.Path, "/waitlist/")) &&
			!strings.HasPrefix(r.Path, "/api/v1/admin/") && !strings.HasPrefix(r.Path, "/dashboard") {
			public = append(public, r)
		}
	}
	if len(public) < 6 {
		t.Fatalf("found only %d booking routes: %v", len(public), public)
	}
	t.Run("Ada's own token opens her pages", func(t *testing.T) {
		for _, path := range []string{"/bookings/" + s.ada.Ref, "/bookings/" + s.ada.Ref + "/invite.ics", "/api/v1/bookings/" + s.ada.Ref} {
			if resp, body := s.request("GET", path+"?t="+url.QueryEscape(s.ada.Token), nil, ""); resp.StatusCode != 200 || !strings.Contains(body, "Ada") {
				t.Errorf("GET %s with Ada's token: %d", path, resp.StatusCode)
			}
		}
	})
	tokens := map[string]string{
		"no token":              "",
		"a wrong token":         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"Dan's token":           s.dan.Token,
		"Eve's token":           s.eve.Token,
		"Ada's token, altered":  alterLast(s.ada.Token),
		"Ada's token, cut":      s.ada.Token[:len(s.ada.Token)/2],
		"Ada's token, upper":    strings.ToUpper(s.ada.Token),
		"a 100 kB token":        strings.Repeat("a", 100<<10),
		"Ada's token plus NUL":  s.ada.Token + "\x00",
		"James's API token":     s.jamesToken,
		"Ada's token, doubled":  s.ada.Token + s.ada.Token,
		"Ada's token as a list": s.ada.Token + "&t=" + s.ada.Token,
	}
	if strings.ToUpper(s.ada.Token) == s.ada.Token {
		delete(tokens, "Ada's token, upper")
	}
	for what, tok := range tokens {
		t.Run(what, func(t *testing.T) {
			for _, r := range public {
				path := s.fill(r.Path)
				header := http.Header{}
				body := ""
				switch {
				case strings.HasPrefix(path, "/api/"):
					path += "?t=" + url.QueryEscape(tok)
					header.Set("Content-Type", "application/json")
					body = fmt.Sprintf(`{"session_id": %d}`, s.dateB)
				case r.Method == "GET":
					path += "?t=" + url.QueryEscape(tok)
				default:
					header.Set("Content-Type", "application/x-www-form-urlencoded")
					body = url.Values{"t": {tok}, "session_id": {strconv.FormatInt(s.dateB, 10)}}.Encode()
				}
				resp, got := s.request(r.Method, path, header, body)
				ok := resp.StatusCode == 404 || strings.HasPrefix(r.Path, "/waitlist/") && resp.StatusCode == 409
				if !ok {
					t.Errorf("%s: %d %.200s, want 404", r, resp.StatusCode, got)
				}
				if m := s.leaks(got); m != "" {
					t.Errorf("%s shows %q", r, m)
				}
			}
		})
	}
	s.assertLabUntouched(t)
}

// alterLast returns token with its last character changed. Replacing it with
// a fixed letter left the token unchanged whenever it already ended in that
// letter (one run in 64), and the sweep then failed on a valid token.
func alterLast(token string) string {
	last := "A"
	if strings.HasSuffix(token, "A") {
		last = "B"
	}
	return token[:len(token)-1] + last
}
