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
func Routes(e *echo.Echo, shared *site.Site) {
	s := &handlers{Site: shared}
	limited := limit.ByIP(s.BookingLimit, s.Now)

	// Event pages, booking and the waitlist.
	e.GET("/", s.homePage)
	e.GET("/favicon.ico", s.favicon)
	e.GET("/events/:slug", s.eventPage)
	e.POST("/events/:slug/book", s.bookFromPage, limited, site.NoStore)
	e.GET("/events/:slug/calendar.ics", s.eventFeed)
	e.GET("/events/:slug/sessions/:id/calendar.ics", s.sessionCalendar)
	e.GET("/coaches/feed.ics", s.coachFeed)
	e.POST("/events/:slug/sessions/:id/waitlist", s.joinWaitlistFromPage, limited, site.NoStore)

	// 1:1 coaching: a type's slot picker and its booking form, a coach's page.
	e.GET("/coaching/:slug", s.coachingPage)
	e.POST("/coaching/:slug/book", s.bookAppointmentFromPage, limited, site.NoStore)
	e.GET("/coaches/:slug", s.coachPage)

	// A booking, opened with its manage token: never stored by a cache.
	e.GET("/bookings/:ref", s.bookingPage, site.NoStore)
	e.POST("/bookings/:ref/cancel", s.cancelFromPage, site.NoStore)
	e.POST("/bookings/:ref/move", s.moveFromPage, site.NoStore)
	e.POST("/bookings/:ref/reschedule", s.rescheduleFromPage, site.NoStore)
	e.GET("/bookings/:ref/export", s.exportFromPage, site.NoStore)
	e.POST("/bookings/:ref/erase", s.eraseFromPage, limited, site.NoStore)
	e.POST("/bookings/:ref/pay", s.payFromPage, site.NoStore)
	e.GET("/bookings/:ref/abandon", s.abandonCheckout, site.NoStore)
	e.GET("/bookings/:ref/invite.ics", s.inviteFile, site.NoStore)
	e.GET("/bookings/:ref/receipt", s.receiptPage, site.NoStore)
	e.GET("/bookings/:ref/receipts", s.receiptsPage, site.NoStore)
	e.GET("/bookings/:ref/receipts/:file", s.receiptPDF, site.NoStore)

	// Packages of 1:1 calls: buy one; a purchase, opened with its token
	// (which is also its credit code): never stored by a cache.
	e.GET("/packages/:slug", s.packagePage)
	e.POST("/packages/:slug/buy", s.buyPackageFromPage, limited, site.NoStore)
	e.GET("/packages/purchases/:ref", s.purchasePage, site.NoStore)
	e.POST("/packages/purchases/:ref/pay", s.payPurchaseFromPage, site.NoStore)

	// Payments: Stripe's webhook, and the offline TEST MODE checkout.
	e.POST("/webhooks/stripe", s.stripeWebhook)
	e.GET("/checkout/test/:id", s.testCheckoutPage, site.NoStore)
	e.POST("/checkout/test/:id/pay", s.testCheckoutPay, site.NoStore)
	e.POST("/checkout/test/:id/abandon", s.testCheckoutAbandon, site.NoStore)
	e.GET("/waitlist/:id/claim", s.claimOfferPage, site.NoStore)
	e.POST("/waitlist/:id/claim", s.claimOffer, site.NoStore)
	e.POST("/waitlist/:id/decline", s.declineOffer, site.NoStore)

	// While SMTP_URL is unset, the emails Roster would send: to requests
	// from this machine only, as they hold manage links.
	if s.Mailbox != nil && s.ShowDevMailbox {
		e.GET("/dev/mailbox", s.devMailbox, loopbackOnly)
		e.GET("/dev/mailbox/:id", s.devMailboxMessage, loopbackOnly)
		e.GET("/dev/mailbox/:id/html", s.devMailboxHTML, loopbackOnly)
	}
}
