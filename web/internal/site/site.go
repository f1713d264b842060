// Package site is what the three audiences of Roster's web edge (public,
// api, dashboard) share about the running server: its configuration, the
// services handlers call, the views, the public page cache and the booking
// rate limit. One Site is built by web/server and handed to each.
package site

import (
	"log/slog"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/privacy"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/web/internal/limit"
	"github.com/roster-app/roster/web/internal/pagecache"
	"github.com/roster-app/roster/web/internal/view"
)

// Config is what the web layer needs to know about its deployment.
type Config struct {
	// BaseURL is the public URL used in links, emails and redirects.
	BaseURL string
	// BookingsPerMinute is how many bookings and waitlist sign-ups one
	// client address may make a minute (bursts of up to ten); 0 is no limit.
	BookingsPerMinute int
	// ShowDevMailbox serves /dev/mailbox (when Deps.Mailbox is set). It is
	// for a server on the developer's own machine: the kept emails hold
	// manage links.
	ShowDevMailbox bool
	// TrustProxy takes the client address from X-Forwarded-For / X-Real-IP,
	// for a server behind a reverse proxy; otherwise headers are ignored.
	TrustProxy bool
}

// Deps are the services the handlers call.
type Deps struct {
	DB      *sqldb.DB
	Coaches *coaches.Service
	Events  *events.Service
	Booking *booking.Service
	// Outbox lists and retries stored emails; Notifier writes them and
	// renders booking invites.
	Outbox   *notify.Outbox
	Notifier *notify.BookingNotifier
	// Privacy exports and erases people's data; nil builds one on DB and
	// Booking.
	Privacy *privacy.Service
	// Mailbox is set when SMTP_URL is unset: /dev/mailbox shows its mail.
	Mailbox *notify.DevMailbox
	// Exactly one of Stripe and Offline is set when payments are on.
	Stripe  *payments.Stripe
	Offline *payments.Offline
	Log     *slog.Logger
	Now     func() time.Time
}

// Site is the shared state of one server.
type Site struct {
	Config
	Deps
	Views *view.Views
	// Pages caches rendered public event pages and their JSON; any
	// request that changes something empties it.
	Pages *pagecache.Cache
	// BookingLimit throttles booking and waitlist requests per client
	// address, across the public pages and the API.
	BookingLimit *limit.Limiter
}

// Render writes a page inside the layout.
func (s *Site) Render(c echo.Context, status int, name string, data any) error {
	return s.Views.Render(c, status, name, data)
}

// RenderBytes renders a page inside the layout.
func (s *Site) RenderBytes(name string, data any) ([]byte, error) {
	return s.Views.RenderBytes(name, data)
}
