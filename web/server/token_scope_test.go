package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-app/roster/web/server"
)

// TestTokensDoNotOutliveAHijackedLogin: creating an API token needs the
// password, not only the login cookie, and signing out everywhere can
// revoke the tokens too.
func TestTokensDoNotOutliveAHijackedLogin(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	mint := func(b *browser) string {
		a := b.post("/dashboard/settings/tokens", url.Values{"name": {"script"}, "password": {coachPassword}})
		token := between(a.body, `id="new-token" readonly value="`, `"`)
		if a.status != http.StatusCreated || !strings.HasPrefix(token, "rst_api_") {
			t.Fatalf("create token: %d", a.status)
		}
		return token
	}
	works := func(token string) bool {
		status, _ := e.do("GET", "/api/v1/admin/events", token, "")
		return status == http.StatusOK
	}
	t.Run("a login cookie alone cannot create a token", func(t *testing.T) {
		hijacked := e.signedIn("james@example.com")
		if a := hijacked.post("/dashboard/settings/tokens", url.Values{"name": {"backdoor"}}); a.status != http.StatusUnauthorized || strings.Contains(a.body, "rst_api_") {
			t.Errorf("status %d", a.status)
		}
	})
	t.Run("sign out everywhere without revoking keeps tokens", func(t *testing.T) {
		b := e.signedIn("james@example.com")
		token := mint(b)
		if a := b.post("/dashboard/settings/sign-out-everywhere", nil); a.status != http.StatusSeeOther {
			t.Fatalf("sign out: %d", a.status)
		}
		if !works(token) {
			t.Error("the token stopped working though the coach kept it")
		}
	})
	t.Run("sign out everywhere revoking tokens ends them", func(t *testing.T) {
		b := e.signedIn("james@example.com")
		token := mint(b)
		if page := b.get("/dashboard/settings"); !strings.Contains(page.body, `name="revoke_tokens"`) {
			t.Error("the settings page does not offer to revoke tokens")
		}
		if a := b.post("/dashboard/settings/sign-out-everywhere", url.Values{"revoke_tokens": {"1"}}); a.status != http.StatusSeeOther {
			t.Fatalf("sign out: %d", a.status)
		}
		if works(token) {
			t.Error("a token survived sign out everywhere with revoke")
		}
	})
}
