package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/web/internal/bind"
)

// exportBooking answers GET /api/v1/bookings/:ref/export?t=TOKEN with
// everything held about the booking's person.
func (s *handlers) exportBooking(c echo.Context) error {
	out, err := s.Privacy.ExportBooking(c.Request().Context(), c.Param("ref"), c.QueryParam("t"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, out)
}

// eraseBooking answers POST /api/v1/bookings/:ref/erase?t=TOKEN: the
// request is recorded and carried out later (202).
func (s *handlers) eraseBooking(c echo.Context) error {
	req, err := s.Privacy.RequestErasure(c.Request().Context(), c.Param("ref"), c.QueryParam("t"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, map[string]time.Time{"erase_after": req.EraseAfter})
}

// adminPeople answers GET /api/v1/admin/people?email=E with everything
// held about E on the calling coach's events and appointments.
func (s *handlers) adminPeople(c echo.Context) error {
	out, err := s.Privacy.ExportPerson(c.Request().Context(), coachOf(c).ID, c.QueryParam("email"))
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, out)
}

type eraseRequest struct {
	Email *string `json:"email"`
}

// adminErasePerson answers POST /api/v1/admin/people/erase {"email": E}:
// E is erased from the coach's events and appointments now.
func (s *handlers) adminErasePerson(c echo.Context) error {
	var req eraseRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	out, err := s.Privacy.ErasePerson(c.Request().Context(), coachOf(c).ID, bind.Str(req.Email))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// privacyJSON is a coach's privacy settings in the JSON API.
type privacyJSON struct {
	NoticeURL      string `json:"notice_url"`
	Terms          string `json:"terms"`
	RequireConsent bool   `json:"require_consent"`
	MarketingText  string `json:"marketing_text"`
	TextVersion    int    `json:"text_version"`
	EraseAfterDays int    `json:"erase_after_days"`
	RetentionDays  int    `json:"retention_days"`
}

func newPrivacyJSON(p coaches.Privacy) privacyJSON {
	return privacyJSON{NoticeURL: p.NoticeURL, Terms: p.Terms, RequireConsent: p.RequireConsent, MarketingText: p.MarketingText,
		TextVersion: p.TextVersion, EraseAfterDays: p.EraseAfterDays, RetentionDays: p.RetentionDays}
}

// adminGetPrivacy answers GET /api/v1/admin/privacy.
func (s *handlers) adminGetPrivacy(c echo.Context) error {
	p, err := s.Coaches.Privacy(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newPrivacyJSON(p))
}

// adminSetPrivacy answers PUT /api/v1/admin/privacy with the whole
// settings (text_version is set by the server).
func (s *handlers) adminSetPrivacy(c echo.Context) error {
	var req privacyJSON
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	p, err := s.Coaches.SetPrivacy(c.Request().Context(), coachOf(c).ID, coaches.Privacy{NoticeURL: req.NoticeURL, Terms: req.Terms,
		RequireConsent: req.RequireConsent, MarketingText: req.MarketingText, EraseAfterDays: req.EraseAfterDays, RetentionDays: req.RetentionDays})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newPrivacyJSON(p))
}

// adminErasureRequests answers GET /api/v1/admin/erasure-requests: the
// pending requests the coach may confirm.
func (s *handlers) adminErasureRequests(c echo.Context) error {
	out, err := s.Privacy.PendingErasures(c.Request().Context(), coachOf(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// adminConfirmErasure answers POST /api/v1/admin/erasure-requests/:id/confirm.
func (s *handlers) adminConfirmErasure(c echo.Context) error {
	id, err := bind.IDParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.Privacy.ConfirmErasure(c.Request().Context(), coachOf(c).ID, id); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "done"})
}
