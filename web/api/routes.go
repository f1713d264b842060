// Package api serves the versioned JSON API under /api/v1: the public
// part (events, bookings opened with a manage token, waitlist sign-ups)
// and the coach part under /api/v1/admin, which needs a coach API token
// ("Authorization: Bearer <token>"). Errors are JSON in the shape of
// docs/design.md.
package api

import (
	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/limit"
	"github.com/roster-app/roster/web/internal/site"
)

// handlers are the API's handlers, on the shared site.
type handlers struct {
	*site.Site
	slotBodies *slotBodies
}

// Routes lists every /api/v1 route and the middleware guarding it.
func Routes(e *echo.Echo, shared *site.Site) {
	s := &handlers{Site: shared, slotBodies: &slotBodies{bodies: map[string]slotBody{}}}
	limited := limit.ByIP(s.BookingLimit, s.Now)

	// Public JSON API.
	api := e.Group("/api/v1")
	api.GET("/events", s.listEvents)
	api.GET("/events/:slug", s.getEvent)
	// Answers that carry a manage link, or need the manage token: never
	// stored by a cache.
	api.POST("/bookings", s.createBooking, limited, site.NoStore)
	api.GET("/bookings/:ref", s.getBooking, site.NoStore)
	api.POST("/bookings/:ref/cancel", s.cancelBooking, site.NoStore)
	api.POST("/bookings/:ref/move", s.moveBooking, site.NoStore)
	api.POST("/bookings/:ref/reschedule", s.rescheduleBooking, site.NoStore)
	api.GET("/bookings/:ref/export", s.exportBooking, site.NoStore)
	api.POST("/bookings/:ref/erase", s.eraseBooking, limited, site.NoStore)
	api.POST("/sessions/:id/waitlist", s.joinWaitlist, limited, site.NoStore)
	api.GET("/coaching/:slug", s.getCoaching)
	api.GET("/coaching/:slug/slots", s.listSlots)
	api.POST("/coaching/:slug/bookings", s.bookAppointment, limited, site.NoStore)
	// A package purchase's answers carry its credit code.
	api.GET("/packages/:slug", s.getPackage)
	api.POST("/packages/:slug/purchase", s.buyPackage, limited, site.NoStore)
	api.GET("/packages/purchases/:ref", s.getPurchase, site.NoStore)

	// Coach JSON API: every route needs a coach API token, and each handler
	// acts only on events that coach hosts.
	admin := api.Group("/admin", s.requireCoachToken, site.NoStore)
	admin.GET("/events", s.adminListEvents)
	admin.POST("/events", s.adminCreateEvent)
	admin.GET("/events/:slug", s.adminGetEvent)
	admin.PATCH("/events/:slug", s.adminUpdateEvent)
	admin.POST("/events/:slug/publish", s.adminSetStatus(events.Published))
	admin.POST("/events/:slug/unpublish", s.adminSetStatus(events.Draft))
	admin.POST("/events/:slug/cancel", s.adminCancelEvent)
	admin.POST("/events/:slug/sessions", s.adminAddSession)
	admin.PATCH("/sessions/:id", s.adminUpdateSession)
	admin.POST("/sessions/:id/cancel", s.adminCancelSession)
	admin.GET("/me", s.adminMe)
	admin.PATCH("/me", s.adminSettings)
	admin.POST("/feed", s.adminRotateFeed)
	admin.GET("/events/:slug/questions", s.adminGetQuestions)
	admin.PUT("/events/:slug/questions", s.adminSetQuestions)
	admin.GET("/sessions/:id/bookings", s.adminSessionBookings)
	admin.GET("/sessions/:id/waitlist", s.adminSessionWaitlist)
	admin.POST("/sessions/:id/message", s.adminMessage)
	admin.POST("/bookings/:ref/cancel", s.adminCancelBooking)
	admin.POST("/bookings/:ref/move", s.adminMoveBooking)
	admin.POST("/bookings/:ref/reschedule", s.adminRescheduleBooking)
	admin.POST("/bookings/:ref/refund", s.adminRefund)
	admin.GET("/outbox", s.adminOutbox)
	admin.GET("/packages", s.adminListPackages)
	admin.POST("/packages", s.adminCreatePackage)
	admin.POST("/packages/:slug/grants", s.adminGrantCredits)
	admin.GET("/package-purchases", s.adminListPurchases)
	admin.GET("/package-purchases/:ref", s.adminGetPurchase)
	admin.POST("/package-purchases/:ref/extend", s.adminExtendPurchase)
	admin.POST("/package-purchases/:ref/refund", s.adminRefundPurchase)
	admin.GET("/package-balances", s.adminPackageBalances)
	admin.GET("/people", s.adminPeople)
	admin.POST("/people/erase", s.adminErasePerson)
	admin.GET("/privacy", s.adminGetPrivacy)
	admin.PUT("/privacy", s.adminSetPrivacy)
	admin.GET("/erasure-requests", s.adminErasureRequests)
	admin.POST("/erasure-requests/:id/confirm", s.adminConfirmErasure)
	admin.GET("/availability", s.adminGetAvailability)
	admin.PUT("/availability", s.adminPutAvailability)
	admin.GET("/appointment-types", s.adminListAppointmentTypes)
	admin.POST("/appointment-types", s.adminCreateAppointmentType)
	admin.GET("/appointment-types/:slug", s.adminGetAppointmentType)
	admin.PATCH("/appointment-types/:slug", s.adminUpdateAppointmentType)
	admin.GET("/appointment-types/:slug/questions", s.adminGetTypeQuestions)
	admin.PUT("/appointment-types/:slug/questions", s.adminSetTypeQuestions)
}
