package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-app/roster/web/server"
)

// A coach sets their privacy settings in the dashboard, and the public
// booking form then links their notice and asks for consent.
func TestDashboardPrivacySettings(t *testing.T) {
	e := newDashEnv(t, server.Config{})
	e.createLab()
	james := e.signedIn("james@example.com")
	good := url.Values{"notice_url": {"https://james.example/privacy"}, "terms": {"I agree to the lab's terms."},
		"require_consent": {"yes"}, "marketing_text": {"Email me about future labs."}, "erase_after_days": {"7"}, "retention_days": {"400"}}

	t.Run("settings and personal data link to the form", func(t *testing.T) {
		for _, path := range []string{"/dashboard/settings", "/dashboard/people"} {
			if page := james.get(path); !strings.Contains(page.body, `href="/dashboard/settings/privacy"`) {
				t.Errorf("%s: %d, no link to the privacy settings", path, page.status)
			}
		}
	})

	t.Run("the form shows the defaults", func(t *testing.T) {
		page := james.get("/dashboard/settings/privacy")
		if page.status != http.StatusOK || !strings.Contains(page.body, `name="retention_days" type="number"`) ||
			!strings.Contains(page.body, `value="365"`) || !strings.Contains(page.body, `value="30"`) {
			t.Errorf("%d %.800s", page.status, page.body)
		}
	})

	t.Run("a form without the CSRF token is refused", func(t *testing.T) {
		form := cloneForm(good)
		form.Set("csrf_token", "")
		if a := james.post("/dashboard/settings/privacy", form); a.status != http.StatusForbidden {
			t.Errorf("%d, want 403", a.status)
		}
	})

	t.Run("bad fields re-render beside their inputs", func(t *testing.T) {
		form := cloneForm(good)
		form.Set("notice_url", "not a link")
		form.Set("terms", "")
		form.Set("retention_days", "a year")
		a := james.post("/dashboard/settings/privacy", form)
		if a.status != http.StatusUnprocessableEntity {
			t.Fatalf("%d, want 422: %.500s", a.status, a.body)
		}
		for _, want := range []string{`aria-invalid="true" aria-describedby="notice_url-error"`, `id="terms-error">is required when consent is required`,
			`id="retention_days-error">must be a whole number of days`, `value="a year"`} {
			if !strings.Contains(a.body, want) {
				t.Errorf("no %q in %.2000s", want, a.body)
			}
		}
	})

	t.Run("the saved settings show after the redirect with a notice", func(t *testing.T) {
		a := james.post("/dashboard/settings/privacy", cloneForm(good))
		if a.status != http.StatusSeeOther || a.location != "/dashboard/settings/privacy?done=privacy-saved" {
			t.Fatalf("%d %q %.500s", a.status, a.location, a.body)
		}
		page := james.get(a.location)
		for _, want := range []string{"Privacy settings saved.", `value="https://james.example/privacy"`, `value="400"`, `value="7"`,
			`name="require_consent" value="yes" checked`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("no %q in %.2000s", want, page.body)
			}
		}
	})

	t.Run("the booking form links the notice and asks for consent", func(t *testing.T) {
		_, body := e.do("GET", "/events/career-clarity-lab", "", "")
		for _, want := range []string{`href="https://james.example/privacy"`, `name="consent_terms" value="yes" required`,
			"I agree to the lab&#39;s terms.", `name="consent_marketing"`, "Email me about future labs."} {
			if !strings.Contains(body, want) {
				t.Errorf("no %q on the booking form", want)
			}
		}
	})
}
