package public

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/view"
)

// coachPageData is a coach's public page: their upcoming workshops and the
// 1:1 calls they offer.
type coachPageData struct {
	Title     string
	Name      string
	Workshops []eventView
	Types     []coachTypeView
}

type coachTypeView struct {
	events.AppointmentType
	Price string
}

// coachPage serves /coaches/:slug. A coach with nothing published still
// has a page; an unknown slug is 404.
func (s *handlers) coachPage(c echo.Context) error {
	ctx := c.Request().Context()
	coach, err := s.Coaches.BySlug(ctx, c.Param("slug"))
	if err != nil {
		return err
	}
	hosted, err := s.Events.CoachEvents(ctx, coach.ID)
	if err != nil {
		return err
	}
	types, err := s.Events.CoachAppointmentTypes(ctx, coach.ID)
	if err != nil {
		return err
	}
	now := s.Now()
	data := coachPageData{Title: coach.Name, Name: coach.Name}
	for _, e := range hosted {
		if e.Status != events.Published {
			continue
		}
		if v := newEventView(e, now); v.NextDate != nil {
			data.Workshops = append(data.Workshops, v)
		}
	}
	for _, t := range types {
		if t.Status == events.Published {
			data.Types = append(data.Types, coachTypeView{AppointmentType: t, Price: view.FormatMoney(t.PriceCents, t.Currency)})
		}
	}
	return s.Render(c, http.StatusOK, "coach.html", data)
}
