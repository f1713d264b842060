// Package web is Roster's HTTP edge: the route table, handlers, middleware,
// templates and static files. It holds no SQL; it binds requests, calls one
// domain service method and renders, and it is the one place where domain
// errors become HTTP statuses.
package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb"
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
	// Mailbox is set when SMTP_URL is unset: /dev/mailbox shows its mail.
	Mailbox *notify.DevMailbox
	// Exactly one of Stripe and Offline is set when payments are on.
	Stripe  *payments.Stripe
	Offline *payments.Offline
	Log     *slog.Logger
	Now     func() time.Time
}

// Server serves Roster's pages and API.
type Server struct {
	cfg     Config
	db      *sqldb.DB
	coaches *coaches.Service
	events  *events.Service
	booking *booking.Service
	deps    Deps
	log     *slog.Logger
	now     func() time.Time
	echo    *echo.Echo
	views   *views
	metrics *metrics
	// bookingLimit throttles booking and waitlist requests per client.
	bookingLimit *limiter
	// pages caches rendered public event pages and their JSON.
	pages *pageCache
}

// maxBodyBytes caps every request body: 1 MiB. It is the one statement of
// the limit; the body-limit middleware, JSON binding and the 413 message
// all read it.
const maxBodyBytes = 1 << 20

// New builds the server, parsing every template up front so that a broken
// template fails the start, not a visitor's request.
func New(cfg Config, deps Deps) (*Server, error) {
	v, err := loadViews(deps.Offline != nil)
	if err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	s := &Server{
		cfg: cfg, db: deps.DB, coaches: deps.Coaches, events: deps.Events, booking: deps.Booking, deps: deps, log: deps.Log, now: deps.Now,
		echo: echo.New(), views: v, metrics: newMetrics(deps.DB),
	}
	s.echo.HideBanner, s.echo.HidePort = true, true
	s.echo.IPExtractor = echo.ExtractIPDirect()
	if cfg.TrustProxy {
		s.echo.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	s.bookingLimit = newLimiter(cfg.BookingsPerMinute, 10)
	s.pages = newPageCache(time.Second, s.now)
	s.echo.HTTPErrorHandler = s.handleError
	s.routes()
	return s, nil
}

// ServeHTTP makes the server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }
