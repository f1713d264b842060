package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/view"
)

// typeFieldNames map the appointment type's API fields to its form's,
// where a person writes the value differently (pounds, "1d, 1h").
var typeFieldNames = map[string]string{"price_cents": "price", "reminder_offsets_minutes": "reminders"}

// typeNumberFields are the form's whole-number fields, all in minutes or
// days as their names say.
var typeNumberFields = []string{"duration_minutes", "buffer_before_minutes", "buffer_after_minutes", "min_notice_minutes",
	"horizon_days", "slot_interval_minutes", "max_per_day", "refund_cutoff_hours"}

type appointmentTypesData struct {
	dashPage
	Types []typeRow
}

type typeRow struct {
	events.AppointmentType
	Price string
}

// appointmentTypesPage lists the 1:1 calls the coach hosts.
func (d *dashboard) appointmentTypesPage(c echo.Context) error {
	list, err := d.Events.CoachAppointmentTypes(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	data := appointmentTypesData{dashPage: d.page(c, "1:1 calls", "appointment-types")}
	data.Notice = coachingNotice(c)
	for _, t := range list {
		data.Types = append(data.Types, typeRow{AppointmentType: t, Price: view.FormatMoney(t.PriceCents, t.Currency)})
	}
	return d.Render(c, http.StatusOK, "dashboard_appointment_types.html", data)
}

type appointmentTypeData struct {
	dashPage
	New        bool
	Slug       string // the type edited; "" for a new one
	Form       dashForm
	Fields     map[string]typeField
	Currencies []string
}

// typeField is one plain input of the form, with its label and state.
type typeField struct {
	Name, Label, Type, Hint, Value, Error string
}

// typeFields label the form's plain inputs: name, label, input type, hint.
var typeFields = [][4]string{
	{"title", "Title", "text", ""},
	{"slug", "Web address (optional)", "text", "The call's page will be at /coaching/web-address; made from the title if empty."},
	{"duration_minutes", "Length (minutes)", "number", ""},
	{"location", "Location", "text", ""},
	{"online_url", "Online meeting link (optional)", "url", "Only the client and hosts see it, once booked."},
	{"price", "Price (0 for free)", "text", ""},
	{"refund_cutoff_hours", "Refunds and rescheduling until (hours before)", "number", ""},
	{"hosts", "Co-hosts' emails (optional)", "text", "You always host. Co-hosts must have a Roster login."},
	{"buffer_before_minutes", "Free time before (minutes)", "number", ""},
	{"buffer_after_minutes", "Free time after (minutes)", "number", ""},
	{"min_notice_minutes", "Minimum notice (minutes)", "number", ""},
	{"horizon_days", "Bookable up to (days ahead)", "number", ""},
	{"slot_interval_minutes", "Start times every (minutes; empty for the length)", "number", ""},
	{"max_per_day", "At most per day per host (0 for no limit)", "number", ""},
	{"reminders", "Reminders before (such as 1d, 1h)", "text", ""},
}

func (d *dashboard) renderAppointmentType(c echo.Context, status int, slug string, form dashForm, problem string) error {
	title := "New 1:1 call"
	if slug != "" {
		title = "Edit 1:1 call"
	}
	data := appointmentTypeData{dashPage: d.page(c, title, "appointment-types"), New: slug == "", Slug: slug, Form: form,
		Fields: map[string]typeField{}, Currencies: commonCurrencies}
	for _, f := range typeFields {
		data.Fields[f[0]] = typeField{Name: f[0], Label: f[1], Type: f[2], Hint: f[3], Value: form.Value(f[0]), Error: form.Err(f[0])}
	}
	data.Error = problem
	data.Notice = coachingNotice(c)
	return d.Render(c, status, "dashboard_appointment_type.html", data)
}

func (d *dashboard) newAppointmentTypePage(c echo.Context) error {
	values := url.Values{"currency": {"GBP"}, "price": {"0"}, "duration_minutes": {"45"}, "location": {"Online"},
		"assignment": {"any"}, "horizon_days": {strconv.Itoa(events.DefaultHorizonDays)}, "min_notice_minutes": {"240"},
		"buffer_before_minutes": {"0"}, "buffer_after_minutes": {"0"}, "slot_interval_minutes": {""}, "max_per_day": {"0"},
		"reminders": {"1d, 1h"}, "refund_cutoff_hours": {strconv.Itoa(events.DefaultRefundCutoffHours)}, "status": {"draft"}}
	return d.renderAppointmentType(c, http.StatusOK, "", dashForm{Values: values}, "")
}

func (d *dashboard) appointmentTypePage(c echo.Context) error {
	t, err := d.Events.HostedAppointmentType(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	return d.renderAppointmentType(c, http.StatusOK, t.Slug, dashForm{Values: typeFormValues(t, coachOf(c).ID)}, "")
}

func (d *dashboard) createAppointmentType(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	var f fault.Fields
	in := typeFromForm(form, &f)
	if err := f.Err(); err != nil {
		return d.typeFormError(c, "", form, err)
	}
	t, err := d.Events.CreateAppointmentType(c.Request().Context(), coachOf(c).ID, in)
	if err != nil {
		return d.typeFormError(c, "", form, err)
	}
	return redirectTo(c, "/dashboard/appointment-types/"+t.Slug+"?done=type-saved")
}

func (d *dashboard) saveAppointmentType(c echo.Context) error {
	ctx := c.Request().Context()
	// Check the coach hosts it first, so another coach gets 404 whatever
	// the form holds.
	current, err := d.Events.HostedAppointmentType(ctx, coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	var f fault.Fields
	in := typeFromForm(form, &f)
	in.Slug = current.Slug
	if err := f.Err(); err != nil {
		return d.typeFormError(c, current.Slug, form, err)
	}
	if _, err := d.Events.UpdateAppointmentType(ctx, coachOf(c).ID, current.Slug, in); err != nil {
		return d.typeFormError(c, current.Slug, form, err)
	}
	return redirectTo(c, "/dashboard/appointment-types/"+current.Slug+"?done=type-saved")
}

func (d *dashboard) typeFormError(c echo.Context, slug string, form url.Values, err error) error {
	problem, ok := formError(err, typeFieldNames)
	if !ok {
		return err
	}
	return d.renderAppointmentType(c, problem.Status, slug, dashForm{Values: form, Errors: problem.Fields}, problem.Message)
}

// typeFromForm reads the appointment type form, recording a message in f
// for each value that does not parse (the service checks the rest). The
// signed-in coach always hosts; "hosts" lists co-hosts.
func typeFromForm(form url.Values, f *fault.Fields) events.AppointmentTypeInput {
	in := events.AppointmentTypeInput{
		Slug: form.Get("slug"), Title: form.Get("title"), Description: strings.ReplaceAll(form.Get("description"), "\r\n", "\n"),
		Currency: strings.ToUpper(strings.TrimSpace(form.Get("currency"))), Location: form.Get("location"),
		OnlineURL: form.Get("online_url"), HostEmails: splitList(form.Get("hosts")), Assignment: form.Get("assignment"),
		Status: events.Draft,
	}
	if form.Get("status") == string(events.Published) {
		in.Status = events.Published
	}
	in.PriceCents = parsePrice(f, "price", form.Get("price"), in.Currency)
	in.ReminderOffsetsMinutes = parseDurations(f, "reminders", form.Get("reminders"))
	numbers := map[string]*int{
		"duration_minutes": &in.DurationMinutes, "buffer_before_minutes": &in.BufferBeforeMinutes,
		"buffer_after_minutes": &in.BufferAfterMinutes, "min_notice_minutes": &in.MinNoticeMinutes,
		"horizon_days": &in.HorizonDays, "slot_interval_minutes": &in.SlotIntervalMinutes, "max_per_day": &in.MaxPerDay,
	}
	for _, name := range typeNumberFields {
		v := strings.TrimSpace(form.Get(name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Add(name, "must be a whole number")
			continue
		}
		if name == "refund_cutoff_hours" {
			in.RefundCutoffHours = &n
		} else {
			*numbers[name] = n
		}
	}
	return in
}

// typeFormValues fills the form from a type; the signed-in coach is left
// out of the co-hosts.
func typeFormValues(t events.AppointmentType, coachID int64) url.Values {
	var cohosts []string
	for _, h := range t.Hosts {
		if h.CoachID != coachID {
			cohosts = append(cohosts, h.Email)
		}
	}
	v := url.Values{"slug": {t.Slug}, "title": {t.Title}, "description": {t.Description}, "currency": {t.Currency},
		"price": {formatPrice(t.PriceCents, t.Currency)}, "location": {t.Location}, "online_url": {t.OnlineURL},
		"hosts": {strings.Join(cohosts, ", ")}, "assignment": {t.Assignment}, "reminders": {formatDurations(t.ReminderOffsetsMinutes)},
		"status": {string(t.Status)}}
	for name, n := range map[string]int{"duration_minutes": t.DurationMinutes, "buffer_before_minutes": t.BufferBeforeMinutes,
		"buffer_after_minutes": t.BufferAfterMinutes, "min_notice_minutes": t.MinNoticeMinutes, "horizon_days": t.HorizonDays,
		"slot_interval_minutes": t.SlotIntervalMinutes, "max_per_day": t.MaxPerDay, "refund_cutoff_hours": t.RefundCutoffHours} {
		v.Set(name, strconv.Itoa(n))
	}
	return v
}

// coachingNotice confirms what a coaching form just did, or any other
// notice of the dashboard.
func coachingNotice(c echo.Context) string {
	switch c.QueryParam("done") {
	case "type-saved":
		return "Saved. Published calls are open for booking at their page."
	case "availability-saved":
		return "Availability saved. Your slots follow it at once; calls already booked stay."
	case "rescheduled":
		return "Appointment moved. The client has been emailed a new calendar invite."
	}
	return noticeOf(c)
}
