package dashboard

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// signInFailedKey marks a sign-in attempt that failed, for throttleSignIn.
const signInFailedKey = "sign_in_failed"

// throttleSignIn answers 429 with Retry-After, before any password is
// checked, once the client's address, or the account (the email typed,
// whether or not a coach has it, so the answer reveals nothing) from that
// address, has used up its attempts.
//
// An attempt is taken before the password is checked and given back when
// the sign-in succeeds (or never reached the check): counting only after
// bcrypt would let parallel guesses all pass a check none of them had yet
// been counted against. Counting the account per address means failures
// from one address never lock the coach out from another: an attacker can
// slow their own guesses, not the coach's sign-in.
func (d *dashboard) throttleSignIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		address := c.RealIP()
		account := strings.ToLower(strings.TrimSpace(c.Request().PostFormValue("email")))
		pair := account + "\x00" + address
		now := d.Now()
		okAddress, waitAddress := d.signInByAddress.Allow(address, now)
		okPair, waitPair := d.signInByAccount.Allow(pair, now)
		if !okAddress || !okPair {
			if okAddress {
				d.signInByAddress.Refund(address, now)
			}
			if okPair {
				d.signInByAccount.Refund(pair, now)
			}
			return d.tooManySignIns(c, max(waitAddress, waitPair))
		}
		err := next(c)
		if failed, _ := c.Get(signInFailedKey).(bool); !failed {
			d.signInByAddress.Refund(address, now)
			d.signInByAccount.Refund(pair, now)
		}
		return err
	}
}

func (d *dashboard) tooManySignIns(c echo.Context, wait time.Duration) error {
	c.Response().Header().Set("Retry-After", strconv.Itoa(max(int(math.Ceil(wait.Seconds())), 1)))
	form := dashForm{Values: map[string][]string{"email": {c.Request().PostFormValue("email")}, "next": {c.Request().PostFormValue("next")}}}
	return d.renderLogin(c, http.StatusTooManyRequests, form, "Too many failed attempts. Please wait a little and try again.")
}
