// Package site is what the three audiences of Roster's web edge (public,
// api, dashboard) share about the running server: its configuration, the
// services handlers call, the views, the public page cache and the booking
// rate limit. One Site is built by web/server and handed to each.
package site

import (
	"log/slog"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

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
	// MetricsAddr is set when /metrics is served on a listener of its own
	// (cmd/roster --metrics-addr); the main listener then has none.
	MetricsAddr string
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
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
	// Registry is where the server registers its HTTP metrics, shared with
	// the product metrics and the separate metrics listener; nil gives the
	// server a registry of its own.
	Registry *prometheus.Registry
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

// NoStore marks the responses of the routes it guards as never to be
// stored by a browser or proxy: pages and answers that carry a manage
// token, a claim token or a checkout link, in their URL or their body.
func NoStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// maxLoggedBytes caps every client-chosen string written to the logs (a
// path, a ref from the URL), so one request cannot write megabytes of log.
const maxLoggedBytes = 1024

// ClipForLog cuts a client-chosen string to maxLoggedBytes for a log
// line, marking the cut.
func ClipForLog(s string) string {
	if len(s) <= maxLoggedBytes {
		return s
	}
	return strings.ToValidUTF8(s[:maxLoggedBytes], "") + "…(clipped)"
}
