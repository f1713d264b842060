// Package dashboard serves the coach dashboard under /dashboard: HTML
// pages and forms behind a login cookie, every form guarded by a CSRF
// token derived from the login.
package dashboard

import (
	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/site"
)

// Routes lists every /dashboard route and its middleware. Signing
// in is open to anyone, throttled; everything else needs a signed-in coach
// (requireSignIn: else 303 to the sign-in page) and, for forms, the
// login's CSRF token (checkCSRF: else 403). Each handler passes the
// coach's id to the services, which answer 404 for anything the coach
// does not host.
func Routes(e *echo.Echo, site *site.Site) {
	d := newDashboard(site)

	e.GET("/dashboard/login", d.loginPage)
	e.POST("/dashboard/login", d.login, d.sameOrigin, d.throttleSignIn)

	// Setting a password from an emailed link: open to anyone, the link's
	// token is the credential; asking for a reset link is throttled.
	e.GET("/dashboard/forgot-password", d.forgotPasswordPage)
	e.POST("/dashboard/forgot-password", d.forgotPassword, d.sameOrigin)
	e.GET("/dashboard/reset-password", d.linkPasswordPage(coaches.PurposeReset))
	e.POST("/dashboard/reset-password", d.setPasswordWithLink(coaches.PurposeReset), d.sameOrigin)
	e.GET("/dashboard/invitation", d.linkPasswordPage(coaches.PurposeInvite))
	e.POST("/dashboard/invitation", d.setPasswordWithLink(coaches.PurposeInvite), d.sameOrigin)

	g := e.Group("/dashboard", d.requireSignIn, d.checkCSRF)
	g.POST("/logout", d.logout)
	g.GET("", d.overview)

	// Events and their dates.
	g.GET("/events/new", d.newEventPage)
	g.POST("/events", d.createEvent)
	g.GET("/events/:slug", d.eventPage)
	g.GET("/events/:slug/preview", d.eventPreview)
	g.POST("/events/:slug", d.saveEvent)
	g.POST("/events/:slug/publish", d.setEventStatus(events.Published, "published"))
	g.POST("/events/:slug/unpublish", d.setEventStatus(events.Draft, "unpublished"))
	g.POST("/events/:slug/cancel", d.cancelEvent)
	g.GET("/events/:slug/refunds", d.eventRefundProgress)
	g.POST("/events/:slug/refunds/retry", d.retryEventRefunds)
	g.POST("/events/:slug/dates", d.addDate)
	g.GET("/events/:slug/questions", d.questionsPage)
	g.POST("/events/:slug/questions", d.saveQuestions)

	// A date: attendees, waitlist, export, messages, changes.
	g.GET("/sessions/:id", d.sessionPage)
	g.POST("/sessions/:id", d.saveDate)
	g.POST("/sessions/:id/cancel", d.cancelDate)
	g.GET("/sessions/:id/refunds", d.refundProgress)
	g.POST("/sessions/:id/refunds/retry", d.retryRefunds)
	g.GET("/sessions/:id/attendees.csv", d.attendeesCSV)
	g.GET("/sessions/:id/message", d.messagePage)
	g.POST("/sessions/:id/message", d.sendMessage)

	// One booking.
	g.GET("/bookings/:ref", d.bookingPage)
	g.POST("/bookings/:ref/check-in", d.checkIn)
	g.POST("/bookings/:ref/cancel", d.cancelBooking)
	g.POST("/bookings/:ref/refund", d.refundBooking)
	g.POST("/bookings/:ref/move", d.moveBooking)

	// 1:1 coaching: hours, appointment types, booked appointments.
	g.GET("/availability", d.availabilityPage)
	g.POST("/availability", d.saveAvailability)
	g.GET("/appointment-types", d.appointmentTypesPage)
	g.GET("/appointment-types/new", d.newAppointmentTypePage)
	g.POST("/appointment-types", d.createAppointmentType)
	g.GET("/appointment-types/:slug", d.appointmentTypePage)
	g.POST("/appointment-types/:slug", d.saveAppointmentType)
	g.GET("/appointment-types/:slug/questions", d.appointmentTypeQuestionsPage)
	g.POST("/appointment-types/:slug/questions", d.saveAppointmentTypeQuestions)
	g.GET("/appointments", d.appointmentsPage)
	g.POST("/bookings/:ref/reschedule", d.rescheduleAppointment)
	// Packages of 1:1 calls: list and sales with balances, one package
	// and its grant form, one purchase with extend and refund.
	g.GET("/packages", d.packagesPage)
	g.GET("/packages/new", d.newPackagePage)
	g.POST("/packages", d.createPackage)
	g.GET("/packages/sales.csv", d.packageSalesCSV)
	g.GET("/packages/:slug", d.packagePage)
	g.POST("/packages/:slug/grant", d.grantCredits)
	g.GET("/package-purchases/:ref", d.purchasePage)
	g.POST("/package-purchases/:ref/extend", d.extendPurchase)
	g.POST("/package-purchases/:ref/refund", d.refundPurchase)

	// Mail and payments.
	g.GET("/outbox", d.outboxPage)
	g.GET("/people", d.peoplePage)
	g.POST("/people/export", d.exportPerson)
	g.POST("/people/erase", d.erasePerson)
	g.POST("/erasure-requests/:id/confirm", d.confirmErasure)
	g.POST("/outbox/:id/retry", d.retryEmail)
	g.GET("/webhooks", d.webhooksPage)

	// The coach's own settings.
	g.GET("/settings", d.settingsPage)
	g.POST("/settings/feed", d.rotateFeed)
	g.POST("/settings/receipt", d.saveReceiptAddress)
	g.GET("/settings/privacy", d.privacySettingsPage)
	g.POST("/settings/privacy", d.savePrivacySettings)
	g.POST("/settings/tokens", d.createToken)
	g.POST("/settings/tokens/:id/revoke", d.revokeToken)
	g.POST("/settings/sign-out-everywhere", d.logoutEverywhere)
	g.POST("/settings/password", d.changePassword)
	g.POST("/settings/invite", d.inviteCoHost)
}
