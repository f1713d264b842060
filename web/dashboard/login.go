package dashboard

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/coaches"
)

type loginPageData struct {
	Title  string
	Form   dashForm
	Next   string
	Notice string
	Error  string
}

// loginPage shows the sign-in form, or sends a coach who is signed in
// already on to where they were going.
func (d *dashboard) loginPage(c echo.Context) error {
	next := safeNext(c.QueryParam("next"))
	if cookie, err := c.Cookie(loginCookie); err == nil {
		if _, _, err := d.Coaches.LoggedInCoach(c.Request().Context(), cookie.Value); err == nil {
			return redirectTo(c, next)
		}
	}
	notice := ""
	switch c.QueryParam("signed_out") {
	case "1":
		notice = "You are signed out."
	case "all":
		notice = "You are signed out on every device."
	}
	return d.renderLogin(c, http.StatusOK, dashForm{Values: map[string][]string{"next": {next}}}, "", notice)
}

func (d *dashboard) renderLogin(c echo.Context, status int, form dashForm, problem string, notice ...string) error {
	data := loginPageData{Title: "Sign in", Form: form, Next: safeNext(form.Value("next")), Error: problem}
	if len(notice) > 0 {
		data.Notice = notice[0]
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return d.Render(c, status, "dashboard_login.html", data)
}

// login signs a coach in. A wrong password, an unknown email and an
// account without a password all get the same answer, after the same
// work; each counts against the address's and the account's attempts.
func (d *dashboard) login(c echo.Context) error {
	req := c.Request()
	email, password := req.PostFormValue("email"), req.PostFormValue("password")
	form := dashForm{Values: map[string][]string{"email": {email}, "next": {req.PostFormValue("next")}}, Errors: map[string]string{}}
	if email == "" {
		form.Errors["email"] = "Enter your email address."
	}
	if password == "" {
		form.Errors["password"] = "Enter your password."
	}
	if len(form.Errors) > 0 {
		return d.renderLogin(c, http.StatusUnprocessableEntity, form, "Enter your email and password to sign in.")
	}
	coach, err := d.Coaches.LogIn(req.Context(), email, password)
	if errors.Is(err, coaches.ErrLoginFailed) {
		c.Set(signInFailedKey, true)
		return d.renderLogin(c, http.StatusUnauthorized, form, "That email and password don't match. Check them and try again.")
	}
	if err != nil {
		return err
	}
	// A new login on every sign-in, so a token planted before it is
	// worth nothing after; the browser's previous login ends.
	if old, err := c.Cookie(loginCookie); err == nil {
		if err := d.Coaches.EndLogin(req.Context(), old.Value); err != nil {
			return err
		}
	}
	token, login, err := d.Coaches.StartLogin(req.Context(), coach.ID, req.UserAgent())
	if err != nil {
		return err
	}
	d.setLoginCookie(c, token, login)
	return redirectTo(c, safeNext(form.Value("next")))
}

// logout ends this browser's login.
func (d *dashboard) logout(c echo.Context) error {
	if err := d.Coaches.EndLogin(c.Request().Context(), loginTokenOf(c)); err != nil {
		return err
	}
	d.clearLoginCookie(c)
	return redirectTo(c, loginPath+"?signed_out=1")
}

// logoutEverywhere ends every login of the coach, this one included, and
// with revoke_tokens=1 revokes every API token too: a token made from a
// hijacked login would otherwise outlive it.
func (d *dashboard) logoutEverywhere(c echo.Context) error {
	ctx := c.Request().Context()
	if err := d.Coaches.EndAllLogins(ctx, coachOf(c).ID); err != nil {
		return err
	}
	if c.FormValue("revoke_tokens") == "1" {
		if err := d.Coaches.RevokeTokens(ctx, coachOf(c).ID, coaches.APIToken); err != nil {
			return err
		}
	}
	d.clearLoginCookie(c)
	return redirectTo(c, loginPath+"?signed_out=all")
}
