package public

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/web/internal/bind"
	"github.com/roster-app/roster/web/internal/httperr"
	"github.com/roster-app/roster/web/internal/view"
)

// pickerDays is how many days the slot picker shows at once: a week.
const pickerDays = 7

// coachingPageData is the slot picker of an appointment type: a week of
// days with their free times in the visitor's zone, and once a time is
// picked, the form that books it.
type coachingPageData struct {
	Title     string
	Type      events.AppointmentType
	Price     string
	HostNames string
	CoachZone string // the first host's zone, stated beside the times
	Zone      string // the zone the times are shown in
	Zones     []string
	From      string // first day shown, YYYY-MM-DD
	Earlier   string // first day of the week before, "" if that is past
	Later     string
	Days      []pickerDay
	Picked    *pickerTime // the chosen time, for the form
	// Retry shows the form without a picked time, with the week's free
	// times to choose from, when the time picked was taken while the
	// visitor filled the form in: what they typed stays.
	Retry     bool
	Form      bookForm
	Credit    string             // a package's credit code, carried through the picker's links to the form
	Packages  []packageView      // the type's packages on sale
	Questions []booking.Question // the type's registration questions
	// Privacy is the first host's notice and consent texts.
	Privacy coaches.Privacy
}

type pickerDay struct {
	Label string // "Monday 30 November"
	Times []pickerTime
}

type pickerTime struct {
	Start string // RFC 3339 instant, the value posted
	Label string // "09:00" in the visitor's zone
	Long  string // "Monday 30 November 2026, 09:00–09:45 GMT"
	Local string // the same in the coach's zone when it differs
}

// coachingQuery is what the picker's URL holds: ?tz=&from=&start=.
type coachingQuery struct {
	Zone  string
	Loc   *time.Location
	From  availability.Date
	Start time.Time
}

// readCoachingQuery reads the picker's URL; a bad or missing value falls
// back to its default (the coach's zone, today, no time picked) rather
// than failing the page.
func (s *handlers) readCoachingQuery(c echo.Context, coachZone string) coachingQuery {
	q := coachingQuery{Zone: coachZone}
	if tz := c.QueryParam("tz"); tz != "" {
		if _, err := time.LoadLocation(tz); err == nil && tz != "Local" {
			q.Zone = tz
		}
	}
	q.Loc, _ = time.LoadLocation(q.Zone)
	today := availability.DateOf(s.Now().In(q.Loc))
	q.From = today
	if from, err := availability.ParseDate(c.QueryParam("from")); err == nil && !from.Before(today) {
		q.From = from
	}
	if start, err := time.Parse(time.RFC3339, c.QueryParam("start")); err == nil {
		q.Start = start
	}
	return q
}

func (s *handlers) coachingPage(c echo.Context) error {
	t, err := s.Events.PublicAppointmentType(c.Request().Context(), c.Param("slug"))
	if err != nil {
		return err
	}
	coachZone, err := s.coachZone(c, t)
	if err != nil {
		return err
	}
	q := s.readCoachingQuery(c, coachZone)
	form := bookForm{Values: url.Values{}}
	if code := c.QueryParam("credit"); code != "" { // from a package's "Book a call"
		form.Values.Set("credit_code", code)
	}
	return s.renderCoachingPage(c, http.StatusOK, t, coachZone, q, form, false)
}

// coachZone is the first host's zone, in which slots are listed by default.
func (s *handlers) coachZone(c echo.Context, t events.AppointmentType) (string, error) {
	if len(t.Hosts) == 0 {
		return "UTC", nil
	}
	a, err := s.Booking.GetAvailability(c.Request().Context(), t.Hosts[0].CoachID)
	return a.Rules.Zone, err
}

// renderCoachingPage renders the picker; retry asks for the form with a
// choice of times when the picked one was taken (see coachingPageData).
func (s *handlers) renderCoachingPage(c echo.Context, status int, t events.AppointmentType, coachZone string, q coachingQuery, form bookForm, retry bool) error {
	list, err := s.Booking.Slots(c.Request().Context(), t.Slug, q.From, q.From.AddDays(pickerDays-1), q.Zone)
	if err != nil {
		return err
	}
	names := make([]string, len(t.Hosts))
	for i, h := range t.Hosts {
		names[i] = h.Name
	}
	data := coachingPageData{
		Title: t.Title, Type: t, Price: view.FormatMoney(t.PriceCents, t.Currency), HostNames: joinNames(names),
		CoachZone: coachZone, Zone: q.Zone, Zones: zoneChoices(q.Zone, coachZone),
		From: q.From.String(), Later: q.From.AddDays(pickerDays).String(), Form: form, Credit: form.Value("credit_code"),
	}
	if data.Packages, err = s.typePackages(c, t); err != nil {
		return err
	}
	today := availability.DateOf(s.Now().In(q.Loc))
	if today.Before(q.From) {
		earlier := q.From.AddDays(-pickerDays)
		if earlier.Before(today) {
			earlier = today
		}
		data.Earlier = earlier.String()
	}
	coachLoc, _ := time.LoadLocation(coachZone)
	byDay := map[availability.Date]int{}
	for i := range pickerDays {
		d := q.From.AddDays(i)
		byDay[d] = i
		data.Days = append(data.Days, pickerDay{Label: time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, q.Loc).Format("Monday 2 January")})
	}
	for _, slot := range list.Slots {
		i, ok := byDay[availability.DateOf(slot.Start)]
		if !ok {
			continue
		}
		pt := newPickerTime(slot, coachLoc)
		data.Days[i].Times = append(data.Days[i].Times, pt)
		if slot.Start.Equal(q.Start) {
			data.Picked = &pt
		}
	}
	data.Retry = retry && data.Picked == nil && len(list.Slots) > 0
	if data.Picked != nil || data.Retry {
		if err := s.addFormTexts(c, t, &data); err != nil {
			return err
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.Render(c, status, "coaching.html", data)
}

// addFormTexts adds what the booking form asks besides name and email:
// the type's questions and the first host's consent texts.
func (s *handlers) addFormTexts(c echo.Context, t events.AppointmentType, data *coachingPageData) error {
	ctx := c.Request().Context()
	var err error
	if data.Questions, err = s.Booking.AppointmentTypeQuestions(ctx, t.Slug); err != nil {
		return err
	}
	if len(t.Hosts) > 0 {
		if data.Privacy, err = s.Coaches.Privacy(ctx, t.Hosts[0].CoachID); err != nil {
			return err
		}
	}
	return nil
}

func newPickerTime(slot booking.Slot, coachLoc *time.Location) pickerTime {
	pt := pickerTime{Start: slot.Start.Format(time.RFC3339), Label: slot.Start.Format("15:04"),
		Long: slot.Start.Format("Monday 2 January 2006, 15:04") + "–" + slot.End.Format("15:04 MST")}
	if coachLoc != nil && coachLoc.String() != slot.Start.Location().String() {
		start, end := slot.Start.In(coachLoc), slot.End.In(coachLoc)
		pt.Local = start.Format("Mon 2 Jan, 15:04") + "–" + end.Format("15:04 MST")
	}
	return pt
}

// commonZones are offered in the picker's zone menu, the fallback for a
// browser that runs no script; any IANA zone works in ?tz=.
var commonZones = []string{
	"Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Chicago",
	"America/New_York", "America/Halifax", "America/Sao_Paulo", "UTC", "Europe/London", "Europe/Dublin",
	"Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Athens", "Africa/Lagos",
	"Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Hong_Kong",
	"Asia/Tokyo", "Australia/Perth", "Australia/Sydney", "Pacific/Auckland",
}

func zoneChoices(zones ...string) []string {
	out := slices.Clone(commonZones)
	for _, z := range zones {
		if !slices.Contains(out, z) {
			out = append(out, z)
		}
	}
	return out
}

// bookAppointmentFromPage books the picked time: a free appointment lands
// on its booking page, a paid one on its checkout. A time taken meanwhile
// or bad input re-renders the picker with the message.
func (s *handlers) bookAppointmentFromPage(c echo.Context) error {
	ctx := c.Request().Context()
	t, err := s.Events.PublicAppointmentType(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	req := booking.AppointmentRequest{TypeSlug: t.Slug, Name: form.Get("name"), Email: form.Get("email"), Timezone: form.Get("tz"),
		CreditCode: strings.TrimSpace(form.Get("credit_code")), Answers: booking.Answers{}, ClientAddr: c.RealIP(),
		Consent: booking.Consent{Terms: form.Get("consent_terms") == "yes", Marketing: form.Get("consent_marketing") == "yes"}}
	for key, values := range form {
		if id, ok := strings.CutPrefix(key, "answers."); ok && len(values) > 0 {
			req.Answers[id] = values[0]
		}
	}
	start, parseErr := time.Parse(time.RFC3339, form.Get("start"))
	if parseErr == nil {
		req.Start = start
	}
	res, err := s.Booking.BookAppointment(ctx, req)
	if err == nil && res.Booking.Status == booking.PendingPayment {
		var to string
		if to, err = s.StartCheckout(ctx, res.Result); err == nil {
			return c.Redirect(http.StatusSeeOther, to)
		}
	}
	if err != nil {
		return s.appointmentFormError(c, t, form, err)
	}
	return c.Redirect(http.StatusSeeOther, s.afterBooking(res.Result))
}

// appointmentFormError re-renders the picker for errors the visitor can
// act on, keeping what they typed; a taken time leaves no time picked.
func (s *handlers) appointmentFormError(c echo.Context, t events.AppointmentType, form url.Values, err error) error {
	var fe *fault.Error
	if !errors.As(err, &fe) || (httperr.StatusOf(fe.Code) >= 500 && fe.Code != fault.PaymentProviderDown) {
		return err
	}
	coachZone, zerr := s.coachZone(c, t)
	if zerr != nil {
		return zerr
	}
	q := coachingQuery{Zone: coachZone}
	if _, lerr := time.LoadLocation(form.Get("tz")); lerr == nil && form.Get("tz") != "" && form.Get("tz") != "Local" {
		q.Zone = form.Get("tz")
	}
	q.Loc, _ = time.LoadLocation(q.Zone)
	q.From = availability.DateOf(s.Now().In(q.Loc))
	message := fe.Message
	taken := errors.Is(err, booking.ErrSlotUnavailable)
	if taken {
		message = "Sorry, that time was just taken. Please pick another: what you typed is kept below."
	}
	if start, perr := time.Parse(time.RFC3339, form.Get("start")); perr == nil {
		if !taken {
			q.Start = start
		}
		// The week of the time they picked, where the alternatives are.
		if d := availability.DateOf(start.In(q.Loc)); q.From.Before(d) {
			q.From = d
		}
	}
	return s.renderCoachingPage(c, httperr.StatusOf(fe.Code), t, coachZone, q, bookForm{Values: form, Errors: fe.Fields, Error: message}, taken)
}
