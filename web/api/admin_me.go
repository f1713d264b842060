package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/web/internal/bind"
)

type coachJSON struct {
	Email          string `json:"email"`
	Name           string `json:"name"`
	NotifyBookings bool   `json:"notify_bookings"`
}

// feedJSON is a coach's new private calendar feed: the webcal:// link
// calendar apps subscribe to, and the same feed over http(s).
type feedJSON struct {
	URL      string `json:"url"`
	HTTPSURL string `json:"https_url"`
}

type coachSettingsRequest struct {
	NotifyBookings *bool `json:"notify_bookings"`
}

func (s *handlers) adminMe(c echo.Context) error {
	coach := coachOf(c)
	return c.JSON(http.StatusOK, coachJSON{Email: coach.Email, Name: coach.Name, NotifyBookings: coach.NotifyBookings})
}

// adminSettings changes the coach's own settings: whether they are
// emailed about each booking and cancellation.
func (s *handlers) adminSettings(c echo.Context) error {
	var req coachSettingsRequest
	if err := bind.JSON(c, &req); err != nil {
		return err
	}
	coach := coachOf(c)
	if req.NotifyBookings != nil {
		if err := s.Coaches.SetBookingNotices(c.Request().Context(), coach.ID, *req.NotifyBookings); err != nil {
			return err
		}
		coach.NotifyBookings = *req.NotifyBookings
	}
	return c.JSON(http.StatusOK, coachJSON{Email: coach.Email, Name: coach.Name, NotifyBookings: coach.NotifyBookings})
}

// adminRotateFeed revokes the coach's feed links and returns a new one.
func (s *handlers) adminRotateFeed(c echo.Context) error {
	ctx := c.Request().Context()
	coach := coachOf(c)
	if err := s.Coaches.RevokeTokens(ctx, coach.ID, coaches.FeedToken); err != nil {
		return err
	}
	token, err := s.Coaches.CreateToken(ctx, coach.ID, coaches.FeedToken, "feed")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, feedJSON{URL: s.FeedURL(token), HTTPSURL: s.BaseURL + "/coaches/feed.ics?token=" + token})
}
