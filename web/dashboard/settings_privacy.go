package dashboard

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
)

type privacySettingsData struct {
	dashPage
	Form dashForm
	// Limits of the day fields, for their hints and input bounds.
	MaxEraseAfterDays, MinRetentionDays, MaxRetentionDays int
}

// privacySettingsPage shows the coach's privacy settings as a form: the
// notice linked from booking forms, the consent and marketing boxes, and
// how long (in days) erasure requests wait and attendees' data is kept.
func (d *dashboard) privacySettingsPage(c echo.Context) error {
	p, err := d.Coaches.Privacy(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	data := d.page(c, "Privacy settings", "settings")
	if c.QueryParam("done") == "privacy-saved" {
		data.Notice = "Privacy settings saved. Booking forms show them from now on."
	}
	return d.renderPrivacySettings(c, http.StatusOK, data, dashForm{Values: privacyFormValues(p)})
}

func (d *dashboard) renderPrivacySettings(c echo.Context, status int, page dashPage, form dashForm) error {
	return d.Render(c, status, "dashboard_privacy.html", privacySettingsData{dashPage: page, Form: form,
		MaxEraseAfterDays: coaches.MaxEraseAfterDays, MinRetentionDays: coaches.MinRetentionDays, MaxRetentionDays: coaches.MaxRetentionDays})
}

// savePrivacySettings replaces the coach's privacy settings with the
// form's; bad fields re-render beside their inputs.
func (d *dashboard) savePrivacySettings(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	var f fault.Fields
	p := privacyFromForm(form, &f)
	if len(f) > 0 {
		err = withPrivacyChecks(f, p)
	} else {
		_, err = d.Coaches.SetPrivacy(c.Request().Context(), coachOf(c).ID, p)
	}
	if err != nil {
		problem, ok := formError(err, nil)
		if !ok {
			return err
		}
		page := d.page(c, "Privacy settings", "settings")
		page.Error = problem.Message
		return d.renderPrivacySettings(c, problem.Status, page, dashForm{Values: form, Errors: problem.Fields})
	}
	return redirectTo(c, "/dashboard/settings/privacy?done=privacy-saved")
}

// privacyFromForm reads the privacy form, recording a message in f for a
// day count that is not a whole number (the service checks the rest).
func privacyFromForm(form url.Values, f *fault.Fields) coaches.Privacy {
	days := func(field string) int {
		n, err := strconv.Atoi(strings.TrimSpace(form.Get(field)))
		f.Check(err == nil, field, "must be a whole number of days")
		return n
	}
	return coaches.Privacy{
		NoticeURL: form.Get("notice_url"), Terms: strings.ReplaceAll(form.Get("terms"), "\r\n", "\n"),
		RequireConsent: form.Get("require_consent") == "yes", MarketingText: strings.ReplaceAll(form.Get("marketing_text"), "\r\n", "\n"),
		EraseAfterDays: days("erase_after_days"), RetentionDays: days("retention_days"),
	}
}

// withPrivacyChecks adds the settings' own checks to the fields that did
// not parse, so that every bad field is named at once.
func withPrivacyChecks(parsed fault.Fields, p coaches.Privacy) error {
	p.NoticeURL, p.Terms, p.MarketingText = strings.TrimSpace(p.NoticeURL), strings.TrimSpace(p.Terms), strings.TrimSpace(p.MarketingText)
	var fe *fault.Error
	if err := p.Validate(); errors.As(err, &fe) {
		for field, message := range fe.Fields {
			parsed.Add(field, message)
		}
	}
	return parsed.Err()
}

// privacyFormValues fills the form from saved settings.
func privacyFormValues(p coaches.Privacy) url.Values {
	v := url.Values{
		"notice_url": {p.NoticeURL}, "terms": {p.Terms}, "marketing_text": {p.MarketingText},
		"erase_after_days": {strconv.Itoa(p.EraseAfterDays)}, "retention_days": {strconv.Itoa(p.RetentionDays)},
	}
	if p.RequireConsent {
		v.Set("require_consent", "yes")
	}
	return v
}
