package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/roster-app/roster/notify"
)

var accountLinkRE = regexp.MustCompile(`http://roster\.test(/dashboard/(?:reset-password|invitation))\?t=([A-Za-z0-9_%-]+)`)

// accountLink returns the path and token of the last account email of
// kind sent to an address, read from the body stored in the outbox.
func (e *dashEnv) accountLink(kind notify.Kind, to string) (path, token string) {
	e.t.Helper()
	var bodies []string
	if err := e.db.Select(&bodies, e.db.Rebind(`SELECT text_body FROM outbox WHERE kind = ? AND to_addr = ? ORDER BY id DESC`), string(kind), to); err != nil {
		e.t.Fatal(err)
	}
	if len(bodies) == 0 {
		e.t.Fatalf("no %s email to %s", kind, to)
	}
	m := accountLinkRE.FindStringSubmatch(bodies[0])
	if m == nil {
		e.t.Fatalf("no link in %q", bodies[0])
	}
	token, err := url.QueryUnescape(m[2])
	if err != nil {
		e.t.Fatal(err)
	}
	return m[1], token
}

func (e *dashEnv) outboxCount(kind notify.Kind) int {
	e.t.Helper()
	var n int
	if err := e.db.Get(&n, e.db.Rebind(`SELECT COUNT(*) FROM outbox WHERE kind = ?`), string(kind)); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// A coach runs their own account: changes their password, gets a reset
// link by email when they forget it, and invites a co-host, who sets their
// own password from the invitation.
func TestDashboardAccountLinks(t *testing.T) {
	fx := newLabFixture(t)

	t.Run("the sign-in page links to the reset form", func(t *testing.T) {
		if page := fx.newBrowser().get("/dashboard/login"); !strings.Contains(page.body, `href="/dashboard/forgot-password"`) {
			t.Error("no Forgot password link")
		}
	})

	t.Run("a reset request answers the same for a coach and a stranger", func(t *testing.T) {
		b := fx.newBrowser()
		known := b.send("POST", "/dashboard/forgot-password", url.Values{"email": {"james@example.com"}}, nil)
		unknown := b.send("POST", "/dashboard/forgot-password", url.Values{"email": {"nobody@example.com"}}, nil)
		same := func(a answer, email string) string { return strings.ReplaceAll(a.body, email, "EMAIL") }
		if known.status != http.StatusOK || unknown.status != known.status || same(known, "james@example.com") != same(unknown, "nobody@example.com") {
			t.Errorf("answers differ: %d and %d", known.status, unknown.status)
		}
		if n := fx.outboxCount(notify.KindPasswordReset); n != 1 {
			t.Errorf("%d reset emails, want 1 (to James)", n)
		}
	})

	t.Run("the reset link sets the password once and signs the coach in", func(t *testing.T) {
		path, token := fx.accountLink(notify.KindPasswordReset, "james@example.com")
		elsewhere := fx.signedIn("james@example.com")
		b := fx.newBrowser()
		page := b.get(path + "?t=" + url.QueryEscape(token))
		if page.status != http.StatusOK || !strings.Contains(page.body, "james@example.com") || page.header.Get("Referrer-Policy") != "same-origin" {
			t.Fatalf("%d %q %.500s", page.status, page.header.Get("Referrer-Policy"), page.body)
		}
		form := url.Values{"token": {token}, "password": {"a fresh passphrase"}, "password_confirm": {"a different one!"}}
		if a := b.send("POST", path, form, nil); a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "must match") {
			t.Errorf("mismatched: %d", a.status)
		}
		form.Set("password_confirm", "a fresh passphrase")
		a := b.send("POST", path, form, nil)
		if a.status != http.StatusSeeOther || a.location != "/dashboard?done=password-set" {
			t.Fatalf("%d %q %.300s", a.status, a.location, a.body)
		}
		if page := b.get("/dashboard?done=password-set"); page.status != http.StatusOK || !strings.Contains(page.body, "Your password is set") {
			t.Errorf("not signed in after the reset: %d", page.status)
		}
		if page := elsewhere.get("/dashboard"); page.status != http.StatusSeeOther {
			t.Errorf("another browser stays signed in after a reset: %d", page.status)
		}
		if again := fx.newBrowser().send("POST", path, form, nil); again.status != http.StatusNotFound || !strings.Contains(again.body, "expired or was already used") {
			t.Errorf("the link used twice: %d", again.status)
		}
		// Back to the password the other tests sign in with.
		if _, err := fx.db.Writer().Exec(fx.db.Rebind(`UPDATE coaches SET password_hash = ? WHERE email = ?`), cheapHash(), "james@example.com"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("reset requests are throttled", func(t *testing.T) {
		b := fx.newBrowser()
		var last answer
		for range 6 {
			last = b.send("POST", "/dashboard/forgot-password", url.Values{"email": {"parveen@example.com"}}, nil)
		}
		if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
			t.Errorf("the sixth request: %d, Retry-After %q; want 429", last.status, last.header.Get("Retry-After"))
		}
	})

	t.Run("changing the password needs the current one and signs out other browsers", func(t *testing.T) {
		james, elsewhere := fx.signedIn("james@example.com"), fx.signedIn("james@example.com")
		a := james.post("/dashboard/settings/password", url.Values{"current_password": {"wrong"}, "password": {"a new passphrase"}, "password_confirm": {"a new passphrase"}})
		if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "is not your current password") {
			t.Fatalf("wrong current password: %d", a.status)
		}
		a = james.post("/dashboard/settings/password", url.Values{"current_password": {coachPassword}, "password": {"a new passphrase"}, "password_confirm": {"a new passphrase"}})
		if a.status != http.StatusSeeOther || a.location != "/dashboard/settings?done=password-changed" {
			t.Fatalf("%d %q %.300s", a.status, a.location, a.body)
		}
		if page := james.get("/dashboard/settings"); page.status != http.StatusOK {
			t.Errorf("this browser was signed out: %d", page.status)
		}
		if page := elsewhere.get("/dashboard"); page.status != http.StatusSeeOther {
			t.Errorf("the other browser stays signed in: %d", page.status)
		}
		if _, err := fx.db.Writer().Exec(fx.db.Rebind(`UPDATE coaches SET password_hash = ? WHERE email = ?`), cheapHash(), "james@example.com"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("an invited co-host chooses their own password", func(t *testing.T) {
		james := fx.signedIn("james@example.com")
		if a := james.post("/dashboard/settings/invite", url.Values{"email": {"parveen@example.com"}, "name": {"Parveen"}}); a.status != http.StatusConflict ||
			!strings.Contains(a.body, "already has a Roster account") {
			t.Errorf("inviting an existing coach: %d", a.status)
		}
		a := james.post("/dashboard/settings/invite", url.Values{"email": {"Cy@Example.com"}, "name": {"Cy Twombly"}})
		if a.status != http.StatusSeeOther || a.location != "/dashboard/settings?done=invited" {
			t.Fatalf("%d %q %.300s", a.status, a.location, a.body)
		}
		path, token := fx.accountLink(notify.KindCoachInvitation, "cy@example.com")
		if path != "/dashboard/invitation" {
			t.Errorf("the invitation leads to %s", path)
		}
		if _, resetToken := fx.accountLink(notify.KindPasswordReset, "james@example.com"); fx.newBrowser().get("/dashboard/invitation?t="+url.QueryEscape(resetToken)).status != http.StatusNotFound {
			t.Error("a reset link opens the invitation page")
		}
		cy := fx.newBrowser()
		if page := cy.get(path + "?t=" + url.QueryEscape(token)); page.status != http.StatusOK || !strings.Contains(page.body, "Welcome, Cy Twombly") {
			t.Fatalf("%d %.300s", page.status, page.body)
		}
		a = cy.send("POST", path, url.Values{"token": {token}, "password": {"cy's own passphrase"}, "password_confirm": {"cy's own passphrase"}}, nil)
		if a.status != http.StatusSeeOther || a.location != "/dashboard?done=password-set" {
			t.Fatalf("%d %q", a.status, a.location)
		}
		login := fx.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {"cy@example.com"}, "password": {"cy's own passphrase"}}, nil)
		if login.status != http.StatusSeeOther {
			t.Errorf("Cy signs in: %d", login.status)
		}
	})
}
