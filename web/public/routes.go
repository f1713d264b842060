// Package public serves attendees: the event pages and booking forms, the
// booking pages opened with a manage token, calendar files, waitlist
// claims, the Stripe webhook and the offline TEST MODE checkout, and the
// dev mailbox. Nothing here needs a login; what a manage or claim token
// opens is checked by the booking service.
package public

import (
	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/web/internal/limit"
	"github.com/roster-app/roster/web/internal/site"
)

// handlers are the public pages, on the shared site.
type handlers struct {
	*site.Site
}

// Routes lists every public route and the middleware guarding it.
func Routes(e *echo.Echo, site *site.Site) {
	s := &handlers{Site: site}
	limited := limit.ByIP(s.BookingLimit, s.Now)

	// Event pages, booking and the waitlist.
	e.GET("/", s.homePage)
	e.GET("/favicon.ico", s.favicon)
	e.GET("/events/:slug", s.eventPage)
	e.POST("/events/:slug/book", s.bookFromPage, limited)
	e.GET("/events/:slug/calendar.ics", s.eventFeed)
	e.GET("/events/:slug/sessions/:id/calendar.ics", s.sessionCalendar)
	e.GET("/coaches/feed.ics", s.coachFeed)
	e.POST("/events/:slug/sessions/:id/waitlist", s.joinWaitlistFromPage, limited)

	// A booking, opened with its manage token.
	e.GET("/bookings/:ref", s.bookingPage)
	e.POST("/bookings/:ref/cancel", s.cancelFromPage)
	e.POST("/bookings/:ref/move", s.moveFromPage)
	e.POST("/bookings/:ref/pay", s.payFromPage)
	e.GET("/bookings/:ref/abandon", s.abandonCheckout)
	e.GET("/bookings/:ref/invite.ics", s.inviteFile)
	e.GET("/bookings/:ref/receipt", s.receiptPage)

	// Payments: Stripe's webhook, and the offline TEST MODE checkout.
	e.POST("/webhooks/stripe", s.stripeWebhook)
	e.GET("/checkout/test/:id", s.testCheckoutPage)
	e.POST("/checkout/test/:id/pay", s.testCheckoutPay)
	e.POST("/checkout/test/:id/abandon", s.testCheckoutAbandon)
	e.GET("/waitlist/:id/claim", s.claimOfferPage)
	e.POST("/waitlist/:id/claim", s.claimOffer)
	e.POST("/waitlist/:id/decline", s.declineOffer)

	// While SMTP_URL is unset, the emails Roster would send.
	if s.Mailbox != nil && s.ShowDevMailbox {
		e.GET("/dev/mailbox", s.devMailbox)
		e.GET("/dev/mailbox/:id", s.devMailboxMessage)
		e.GET("/dev/mailbox/:id/html", s.devMailboxHTML)
	}
}
