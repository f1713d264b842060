package dashboard

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/httperr"
	"github.com/roster-app/roster/web/internal/limit"
	"github.com/roster-app/roster/web/internal/site"
)

// dashboard serves the coach dashboard: the site's services plus the
// state only the dashboard needs. Its handlers follow one rule: a coach
// acts only on events they host, and another coach's ids are 404, which
// the services enforce given the signed-in coach's id.
type dashboard struct {
	*site.Site
	// Failed sign-ins are throttled per client address and per account
	// (email) from each address, in memory: each server process counts its
	// own. See throttleSignIn.
	signInByAddress *limit.Limiter
	signInByAccount *limit.Limiter // keyed by account and address
	// Password reset requests are throttled per address and per account
	// (email typed), so the form cannot be used to flood an inbox.
	resetByAddress *limit.Limiter
	resetByAccount *limit.Limiter
}

// Sign-in throttling: an address may fail 10 times in a row and then once
// every 30 seconds; an account, from one address, 5 times and then once a
// minute.
const (
	signInFailuresPerMinuteByAddress = 2
	signInBurstByAddress             = 10
	signInFailuresPerMinuteByAccount = 1
	signInBurstByAccount             = 5
	// Reset requests: 5 from an address, 3 for an account, then one a minute.
	resetPerMinute      = 1
	resetBurstByAddress = 5
	resetBurstByAccount = 3
)

func newDashboard(s *site.Site) *dashboard {
	return &dashboard{
		Site:            s,
		signInByAddress: limit.New(signInFailuresPerMinuteByAddress, signInBurstByAddress),
		signInByAccount: limit.New(signInFailuresPerMinuteByAccount, signInBurstByAccount),
		resetByAddress:  limit.New(resetPerMinute, resetBurstByAddress),
		resetByAccount:  limit.New(resetPerMinute, resetBurstByAccount),
	}
}

// dashPage is what every dashboard page shows around its content: who is
// signed in, the token its forms carry, where the coach is.
type dashPage struct {
	Title   string
	Coach   coaches.Coach
	CSRF    string
	Section string // the navigation item to mark as current
	Notice  string // a confirmation of what just happened
	Error   string // what went wrong with the whole form
}

// page returns the frame of a dashboard page in section.
func (d *dashboard) page(c echo.Context, title, section string) dashPage {
	return dashPage{Title: title, Coach: coachOf(c), CSRF: csrfTokenOf(c), Section: section}
}

// dashForm is a submitted form with a message per field that failed
// validation, for re-rendering.
type dashForm struct {
	Values map[string][]string
	Errors map[string]string
}

// Value returns the submitted value of a field.
func (f dashForm) Value(name string) string {
	if v := f.Values[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Checked reports whether a field was submitted with this value.
func (f dashForm) Checked(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Err returns the message for a field, or "".
func (f dashForm) Err(name string) string { return f.Errors[name] }

// formProblem is a validation failure the coach can fix: the status to
// answer with, the messages by field and the message for the whole form.
type formProblem struct {
	Status  int
	Fields  map[string]string
	Message string
}

// formError tells a validation failure the coach can fix (re-render the
// form with messages; ok is true) from any other error (the error page).
// The fields' names are renamed with rename.
func formError(err error, rename map[string]string) (problem formProblem, ok bool) {
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code == fault.NotFound || httperr.StatusOf(fe.Code) >= 500 {
		return formProblem{}, false
	}
	fields := map[string]string{}
	for field, message := range fe.Fields {
		if to, ok := rename[field]; ok {
			field = to
		}
		fields[field] = message
	}
	message := fe.Message
	if fe.Code == fault.Invalid {
		message = "Some fields need attention; see the messages below."
	}
	return formProblem{Status: httperr.StatusOf(fe.Code), Fields: fields, Message: message}, true
}

// redirectTo answers a dashboard form with 303 See Other, so reloading the
// page that follows does not send the form again.
func redirectTo(c echo.Context, path string) error {
	return c.Redirect(http.StatusSeeOther, path)
}
