package web

import (
	"fmt"

	"github.com/labstack/echo/v4/middleware"
	"github.com/roster-app/roster/events"
)

// routes lists every route Roster serves and the middleware guarding it.
func (s *Server) routes() {
	e := s.echo
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: 301}))
	e.Use(s.measure, s.logRequests, s.recoverPanics, s.securityHeaders, middleware.BodyLimit(fmt.Sprintf("%dM", maxBodyBytes>>20)), s.invalidatePages)

	// Operations.
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.serveMetrics)
	e.GET("/static/:sum/:name", s.serveStatic)

	// Public pages.
	e.GET("/", s.homePage)
	e.GET("/events/:slug", s.eventPage)
	limited := s.limitByIP(s.bookingLimit)
	e.POST("/events/:slug/book", s.bookFromPage, limited)
	e.GET("/events/:slug/calendar.ics", s.eventFeed)
	e.GET("/events/:slug/sessions/:id/calendar.ics", s.sessionCalendar)
	e.GET("/coaches/feed.ics", s.coachFeed)
	e.POST("/events/:slug/sessions/:id/waitlist", s.joinWaitlistFromPage, limited)
	e.GET("/bookings/:ref", s.bookingPage)
	e.POST("/bookings/:ref/cancel", s.cancelFromPage)
	e.POST("/bookings/:ref/move", s.moveFromPage)
	e.POST("/bookings/:ref/pay", s.payFromPage)
	e.GET("/bookings/:ref/abandon", s.abandonCheckout)
	e.GET("/bookings/:ref/invite.ics", s.inviteFile)

	// Payments: Stripe's webhook, and the offline TEST MODE checkout.
	e.POST("/webhooks/stripe", s.stripeWebhook)
	e.GET("/checkout/test/:id", s.testCheckoutPage)
	e.POST("/checkout/test/:id/pay", s.testCheckoutPay)
	e.POST("/checkout/test/:id/abandon", s.testCheckoutAbandon)
	e.GET("/waitlist/:id/claim", s.claimOfferPage)
	e.POST("/waitlist/:id/claim", s.claimOffer)

	// While SMTP_URL is unset, the emails Roster would send.
	if s.deps.Mailbox != nil && s.cfg.ShowDevMailbox {
		e.GET("/dev/mailbox", s.devMailbox)
		e.GET("/dev/mailbox/:id", s.devMailboxMessage)
		e.GET("/dev/mailbox/:id/html", s.devMailboxHTML)
	}

	// The coach dashboard: its routes and their guards are listed in
	// dashboard_routes.go.
	s.dashboardRoutes(e)

	// Public JSON API.
	api := e.Group("/api/v1")
	api.GET("/events", s.apiListEvents)
	api.GET("/events/:slug", s.apiGetEvent)
	api.POST("/bookings", s.apiCreateBooking, limited)
	api.GET("/bookings/:ref", s.apiGetBooking)
	api.POST("/bookings/:ref/cancel", s.apiCancelBooking)
	api.POST("/bookings/:ref/move", s.apiMoveBooking)
	api.POST("/sessions/:id/waitlist", s.apiJoinWaitlist, limited)

	// Coach JSON API: every route needs a coach API token, and each handler
	// acts only on events that coach hosts.
	admin := api.Group("/admin", s.requireCoachToken)
	admin.GET("/events", s.apiAdminListEvents)
	admin.POST("/events", s.apiAdminCreateEvent)
	admin.GET("/events/:slug", s.apiAdminGetEvent)
	admin.PATCH("/events/:slug", s.apiAdminUpdateEvent)
	admin.POST("/events/:slug/publish", s.apiAdminSetStatus(events.Published))
	admin.POST("/events/:slug/unpublish", s.apiAdminSetStatus(events.Draft))
	admin.POST("/events/:slug/cancel", s.apiAdminSetStatus(events.Cancelled))
	admin.POST("/events/:slug/sessions", s.apiAdminAddSession)
	admin.PATCH("/sessions/:id", s.apiAdminUpdateSession)
	admin.POST("/sessions/:id/cancel", s.apiAdminCancelSession)
	admin.GET("/me", s.apiAdminMe)
	admin.PATCH("/me", s.apiAdminSettings)
	admin.POST("/feed", s.apiAdminRotateFeed)
	admin.GET("/events/:slug/questions", s.apiAdminGetQuestions)
	admin.PUT("/events/:slug/questions", s.apiAdminSetQuestions)
	admin.GET("/sessions/:id/bookings", s.apiAdminSessionBookings)
	admin.GET("/sessions/:id/waitlist", s.apiAdminSessionWaitlist)
	admin.POST("/sessions/:id/message", s.apiAdminMessage)
	admin.POST("/bookings/:ref/cancel", s.apiAdminCancelBooking)
	admin.POST("/bookings/:ref/move", s.apiAdminMoveBooking)
	admin.POST("/bookings/:ref/refund", s.apiAdminRefund)
	admin.GET("/outbox", s.apiAdminOutbox)
}
