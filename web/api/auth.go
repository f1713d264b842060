package api

import (
	"crypto/subtle"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/coaches"
)

// coachKey is where requireCoachToken puts the token's coach.
const coachKey = "coach"

// requireCoachToken admits requests with a valid coach API token in
// "Authorization: Bearer <token>" and makes the coach available to handlers.
func (s *handlers) requireCoachToken(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		header := c.Request().Header.Get("Authorization")
		const prefix = "Bearer "
		if len(header) <= len(prefix) || subtle.ConstantTimeCompare([]byte(header[:len(prefix)]), []byte(prefix)) != 1 {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="roster"`)
			return coaches.ErrUnauthorized
		}
		coach, err := s.Coaches.Authenticate(c.Request().Context(), strings.TrimSpace(header[len(prefix):]), coaches.APIToken)
		if err != nil {
			c.Response().Header().Set("WWW-Authenticate", `Bearer realm="roster"`)
			return err
		}
		c.Set(coachKey, coach)
		return next(c)
	}
}

// coachOf returns the coach that requireCoachToken admitted.
func coachOf(c echo.Context) coaches.Coach {
	coach, _ := c.Get(coachKey).(coaches.Coach)
	return coach
}
