package dashboard

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// signInFailedKey marks a sign-in attempt that failed, for throttleSignIn.
const signInFailedKey = "sign_in_failed"

// throttleSignIn answers 429 with Retry-After, before any password is
// checked, once the client's address or the account (the email typed,
// whether or not a coach has it, so the answer reveals nothing) has used
// up its failed attempts; each failure the handler reports uses one.
// Successful sign-ins cost nothing.
func (d *dashboard) throttleSignIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		address := c.RealIP()
		account := strings.ToLower(strings.TrimSpace(c.Request().PostFormValue("email")))
		now := d.Now()
		wait := max(d.signInByAddress.Wait(address, now), d.signInByAccount.Wait(account, now))
		if wait > 0 {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			form := dashForm{Values: map[string][]string{"email": {c.Request().PostFormValue("email")}, "next": {c.Request().PostFormValue("next")}}}
			return d.renderLogin(c, http.StatusTooManyRequests, form, "Too many failed attempts. Please wait a little and try again.")
		}
		err := next(c)
		if failed, _ := c.Get(signInFailedKey).(bool); failed {
			d.signInByAddress.Allow(address, now)
			d.signInByAccount.Allow(account, now)
		}
		return err
	}
}
