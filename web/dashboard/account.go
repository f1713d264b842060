package dashboard

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/coaches"
)

// A coach who forgot their password asks for a link by email; a coach
// invited by a co-host follows the invitation's link. Both links lead to
// a page that sets the password and signs the coach in. The pages answer
// the same whether or not an email belongs to a coach.

// accountPageData is the frame of the signed-out account pages.
type accountPageData struct {
	Title   string
	Form    dashForm
	Notice  string
	Error   string
	Token   string // the link's token, carried by the form
	Purpose coaches.LinkPurpose
	Coach   coaches.Coach // whose password the link sets
	Action  string
	Sent    bool
}

func (d *dashboard) renderAccount(c echo.Context, status int, name string, data accountPageData) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	// The page's URL holds a link's token: no other site may see it. Not
	// "no-referrer": with it, browsers send "Origin: null" with the form,
	// which sameOrigin rightly refuses.
	h.Set("Referrer-Policy", "same-origin")
	return d.Render(c, status, name, data)
}

// forgotPasswordPage asks for the email to send a reset link to.
func (d *dashboard) forgotPasswordPage(c echo.Context) error {
	return d.renderAccount(c, http.StatusOK, "dashboard_forgot.html", accountPageData{Title: "Forgot your password"})
}

// forgotPassword emails a reset link to the address if it is a coach's,
// and answers the same either way. Requests are throttled per address
// and per email typed (429 with Retry-After).
func (d *dashboard) forgotPassword(c echo.Context) error {
	email := strings.TrimSpace(c.FormValue("email"))
	data := accountPageData{Title: "Forgot your password", Form: dashForm{Values: map[string][]string{"email": {email}}}}
	if email == "" || !strings.Contains(email, "@") {
		data.Form.Errors = map[string]string{"email": "enter the email you sign in with"}
		data.Error = "Enter the email you sign in with."
		return d.renderAccount(c, http.StatusUnprocessableEntity, "dashboard_forgot.html", data)
	}
	now := d.Now()
	if ok, wait := d.resetByAddress.Allow(c.RealIP(), now); !ok {
		return d.tooManyResets(c, data, wait.Seconds())
	}
	if ok, wait := d.resetByAccount.Allow(strings.ToLower(email), now); !ok {
		return d.tooManyResets(c, data, wait.Seconds())
	}
	mailer, err := d.accountMailer()
	if err != nil {
		return err
	}
	if err := d.Coaches.RequestPasswordReset(c.Request().Context(), email, mailer); err != nil {
		return err
	}
	data.Sent = true
	return d.renderAccount(c, http.StatusOK, "dashboard_forgot.html", data)
}

func (d *dashboard) tooManyResets(c echo.Context, data accountPageData, waitSeconds float64) error {
	c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(waitSeconds))))
	data.Error = "Too many requests for a reset link. Please wait a little and try again."
	return d.renderAccount(c, http.StatusTooManyRequests, "dashboard_forgot.html", data)
}

// linkPasswordPage asks for a new password behind an emailed link, or
// says the link no longer works (404).
func (d *dashboard) linkPasswordPage(purpose coaches.LinkPurpose) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := c.QueryParam("t")
		data := accountPageData{Title: linkPageTitle(purpose), Token: token, Purpose: purpose, Action: c.Path()}
		link, err := d.Coaches.CheckLink(c.Request().Context(), token, purpose)
		if errors.Is(err, coaches.ErrLinkInvalid) {
			data.Error = err.Error()
			return d.renderAccount(c, http.StatusNotFound, "dashboard_set_password.html", data)
		}
		if err != nil {
			return err
		}
		data.Coach = link.Coach
		return d.renderAccount(c, http.StatusOK, "dashboard_set_password.html", data)
	}
}

// setPasswordWithLink sets the password an emailed link allows and signs
// the coach in on this browser.
func (d *dashboard) setPasswordWithLink(purpose coaches.LinkPurpose) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		token := c.FormValue("token")
		data := accountPageData{Title: linkPageTitle(purpose), Token: token, Purpose: purpose, Action: c.Path()}
		password := c.FormValue("password")
		if password != c.FormValue("password_confirm") {
			link, err := d.Coaches.CheckLink(ctx, token, purpose)
			if err != nil {
				return d.linkProblem(c, data, err)
			}
			data.Coach = link.Coach
			data.Form.Errors = map[string]string{"password_confirm": "must match the new password"}
			data.Error = "The two passwords differ; type the same one twice."
			return d.renderAccount(c, http.StatusUnprocessableEntity, "dashboard_set_password.html", data)
		}
		coach, err := d.Coaches.SetPasswordWithLink(ctx, token, purpose, password)
		if err != nil {
			return d.linkProblem(c, data, err)
		}
		loginToken, login, err := d.Coaches.StartLogin(ctx, coach.ID, c.Request().UserAgent())
		if err != nil {
			return err
		}
		d.setLoginCookie(c, loginToken, login)
		return redirectTo(c, "/dashboard?done=password-set")
	}
}

// linkProblem re-renders the set-password page for a link that no longer
// works (404) or a password the rules refuse (422).
func (d *dashboard) linkProblem(c echo.Context, data accountPageData, err error) error {
	if errors.Is(err, coaches.ErrLinkInvalid) {
		data.Error = err.Error()
		return d.renderAccount(c, http.StatusNotFound, "dashboard_set_password.html", data)
	}
	problem, ok := formError(err, nil)
	if !ok {
		return err
	}
	if link, checkErr := d.Coaches.CheckLink(c.Request().Context(), data.Token, data.Purpose); checkErr == nil {
		data.Coach = link.Coach
	}
	data.Form.Errors, data.Error = problem.Fields, problem.Message
	return d.renderAccount(c, problem.Status, "dashboard_set_password.html", data)
}

func linkPageTitle(purpose coaches.LinkPurpose) string {
	if purpose == coaches.PurposeInvite {
		return "Accept your invitation"
	}
	return "Choose a new password"
}

// accountMailer is what writes account emails: the notifier, which a
// server without one lacks.
func (d *dashboard) accountMailer() (coaches.AccountMailer, error) {
	if d.Notifier == nil {
		return nil, errors.New("dashboard: no notifier to send account emails")
	}
	return d.Notifier, nil
}
