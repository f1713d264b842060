package dashboard

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/fault"
)

// csrfField is the hidden field every dashboard form carries.
const csrfField = "csrf_token"

// errBadCSRF answers a dashboard form sent without its token, with another
// login's token, or from another site.
var errBadCSRF = fault.New(fault.Forbidden, "this form has expired or did not come from Roster; go back, reload the page and try again")

// csrfToken derives a login's form token from its login token: a
// page of another site can read neither, and the login's token cannot
// be recovered from the form's.
func csrfToken(loginToken string) string {
	sum := sha256.Sum256([]byte("csrf:" + loginToken))
	return hex.EncodeToString(sum[:])
}

// csrfTokenOf returns the form token of the login.
func csrfTokenOf(c echo.Context) string {
	if token := loginTokenOf(c); token != "" {
		return csrfToken(token)
	}
	return ""
}

// checkCSRF refuses, with 403, a request that changes something (anything
// but GET, HEAD and OPTIONS) unless its form carries the login's CSRF
// token. It runs after requireSignIn.
func (d *dashboard) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		want := csrfTokenOf(c)
		got := c.Request().PostFormValue(csrfField)
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return errBadCSRF
		}
		return next(c)
	}
}

// sameOrigin refuses, with 403, a form posted from another site. It guards
// the sign-in form, which has no login to derive a token from, against
// signing a coach in to an account of the attacker's choosing. Browsers
// say where a request comes from in Sec-Fetch-Site and Origin; requests
// that carry neither (scripts, old browsers) are not cross-site attacks.
func (d *dashboard) sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header
		switch h.Get("Sec-Fetch-Site") {
		case "", "same-origin", "none":
		default:
			return errBadCSRF
		}
		if origin := h.Get("Origin"); origin != "" && !d.isOwnOrigin(c, origin) {
			return errBadCSRF
		}
		return next(c)
	}
}

// isOwnOrigin reports whether origin is this site: the host the request
// was sent to, or the configured base URL's.
func (d *dashboard) isOwnOrigin(c echo.Context, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, c.Request().Host) {
		return true
	}
	base, err := url.Parse(d.BaseURL)
	return err == nil && strings.EqualFold(u.Host, base.Host) && strings.EqualFold(u.Scheme, base.Scheme)
}
