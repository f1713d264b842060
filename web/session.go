package web

import (
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
)

// sessionCookie holds a coach's dashboard session token. It is scoped to
// /dashboard, so public pages never receive it.
const (
	sessionCookie     = "roster_session"
	sessionCookiePath = "/dashboard"
	sessionTokenKey   = "session_token"
	sessionKey        = "sign_in_session"
	loginPath         = "/dashboard/login"
)

// requireSignIn admits requests carrying the cookie of a live dashboard
// session and makes the coach available to handlers (coachOf). Without
// one, the browser goes to the sign-in page, which brings it back here.
// Dashboard pages are private: nothing of them is cached.
func (d *dashboard) requireSignIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		cookie, err := c.Cookie(sessionCookie)
		if err != nil {
			return d.toSignIn(c)
		}
		coach, session, err := d.events.SignedInCoach(c.Request().Context(), cookie.Value)
		if errors.Is(err, events.ErrSignedOut) {
			d.clearSessionCookie(c)
			return d.toSignIn(c)
		}
		if err != nil {
			return err
		}
		c.Set(coachKey, coach)
		c.Set(sessionTokenKey, cookie.Value)
		c.Set(sessionKey, session)
		return next(c)
	}
}

// toSignIn sends the browser to the sign-in page, to come back to the page
// it asked for (a GET) or to the overview (a form it can no longer send).
func (d *dashboard) toSignIn(c echo.Context) error {
	next := "/dashboard"
	if c.Request().Method == http.MethodGet {
		next = c.Request().URL.RequestURI()
	}
	return c.Redirect(http.StatusSeeOther, loginPath+"?next="+url.QueryEscape(safeNext(next)))
}

// safeNext returns next if it is a dashboard path on this site, else the
// overview, so the sign-in page cannot be used to send a coach elsewhere.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		strings.ContainsAny(next, "\\\r\n\t") || strings.HasPrefix(next, "//") {
		return "/dashboard"
	}
	clean := path.Clean(u.Path)
	if (clean != "/dashboard" && !strings.HasPrefix(clean, "/dashboard/")) || clean == loginPath {
		return "/dashboard"
	}
	u.Path = clean
	return u.RequestURI()
}

// sessionTokenOf returns the session token requireSignIn admitted.
func sessionTokenOf(c echo.Context) string {
	token, _ := c.Get(sessionTokenKey).(string)
	return token
}

// sessionOf returns the session requireSignIn admitted.
func sessionOf(c echo.Context) events.SignInSession {
	session, _ := c.Get(sessionKey).(events.SignInSession)
	return session
}

// setSessionCookie gives the browser its session token, for as long as
// the session can last at most; the server ends it sooner when idle.
func (d *dashboard) setSessionCookie(c echo.Context, token string, session events.SignInSession) {
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: token, Path: sessionCookiePath,
		Expires: session.ExpiresAt, HttpOnly: true, Secure: d.secureCookies(), SameSite: http.SameSiteLaxMode,
	})
}

func (d *dashboard) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{
		Name: sessionCookie, Value: "", Path: sessionCookiePath, MaxAge: -1,
		HttpOnly: true, Secure: d.secureCookies(), SameSite: http.SameSiteLaxMode,
	})
}

// secureCookies reports whether cookies are sent only over https: when the
// site is served over https.
func (d *dashboard) secureCookies() bool { return strings.HasPrefix(d.cfg.BaseURL, "https://") }
