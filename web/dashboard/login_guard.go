package dashboard

import (
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/coaches"
)

// loginCookie holds a coach's dashboard login token. It is scoped to
// /dashboard, so public pages never receive it. Its name predates the
// word "login" and stays, so that browsers logged in stay logged in.
const (
	loginCookie     = "roster_session"
	loginCookiePath = "/dashboard"
	loginTokenKey   = "login_token"
	loginKey        = "login"
	loginPath       = "/dashboard/login"
)

// requireSignIn admits requests carrying the cookie of a live dashboard
// login and makes the coach available to handlers (coachOf). Without
// one, the browser goes to the sign-in page, which brings it back here.
// Dashboard pages are private: nothing of them is cached.
func (d *dashboard) requireSignIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		cookie, err := c.Cookie(loginCookie)
		if err != nil {
			return d.toSignIn(c)
		}
		coach, login, err := d.Coaches.LoggedInCoach(c.Request().Context(), cookie.Value)
		if errors.Is(err, coaches.ErrLoggedOut) {
			d.clearLoginCookie(c)
			return d.toSignIn(c)
		}
		if err != nil {
			return err
		}
		c.Set(coachKey, coach)
		c.Set(loginTokenKey, cookie.Value)
		c.Set(loginKey, login)
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

// loginTokenOf returns the login token requireSignIn admitted.
func loginTokenOf(c echo.Context) string {
	token, _ := c.Get(loginTokenKey).(string)
	return token
}

// loginOf returns the login requireSignIn admitted.
func loginOf(c echo.Context) coaches.Login {
	login, _ := c.Get(loginKey).(coaches.Login)
	return login
}

// setLoginCookie gives the browser its login token, for as long as
// the login can last at most; the server ends it sooner when idle.
func (d *dashboard) setLoginCookie(c echo.Context, token string, login coaches.Login) {
	c.SetCookie(&http.Cookie{
		Name: loginCookie, Value: token, Path: loginCookiePath,
		Expires: login.ExpiresAt, HttpOnly: true, Secure: d.secureCookies(), SameSite: http.SameSiteLaxMode,
	})
}

func (d *dashboard) clearLoginCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{
		Name: loginCookie, Value: "", Path: loginCookiePath, MaxAge: -1,
		HttpOnly: true, Secure: d.secureCookies(), SameSite: http.SameSiteLaxMode,
	})
}

// secureCookies reports whether cookies are sent only over https: when the
// site is served over https.
func (d *dashboard) secureCookies() bool { return strings.HasPrefix(d.BaseURL, "https://") }

// coachKey is where requireSignIn puts the logged-in coach.
const coachKey = "coach"

// coachOf returns the coach that requireSignIn admitted.
func coachOf(c echo.Context) coaches.Coach {
	coach, _ := c.Get(coachKey).(coaches.Coach)
	return coach
}
