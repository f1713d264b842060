package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/metrics"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb"
)

// app is the database and the services wired together.
type app struct {
	cfg       Config
	db        *sqldb.DB
	coaches   *coaches.Service
	events    *events.Service
	booking   *booking.Service
	outbox    *notify.Outbox
	sender    notify.Sender
	mailbox   *notify.DevMailbox // set when SMTP_URL is unset
	deliverer *notify.Deliverer
	reminders *notify.Reminders
	notifier  *notify.BookingNotifier
	stripe    *payments.Stripe  // set when STRIPE_SECRET_KEY is
	offline   *payments.Offline // set when it is not
	product   *metrics.Product  // the product metrics, made once by open
	log       *slog.Logger
	now       func() time.Time
}

// flags returns a flag set with the configuration flags registered.
func (m *Main) flags(name string, cfg *Config) *flag.FlagSet {
	fs := flag.NewFlagSet("roster "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	registerConfig(fs, cfg, m.Getenv)
	return fs
}

// open connects to the database, applies migrations and builds the services.
func (m *Main) open(ctx context.Context, cfg Config) (*app, error) {
	configErr := cfg.Validate()
	db, err := sqldb.Open(ctx, cfg.DatabaseURL)
	if err != nil || configErr != nil {
		if db != nil {
			db.Close()
		}
		return nil, withDatabaseProblem(configErr, err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	a := &app{cfg: cfg, db: db, log: m.logger(), now: m.Now, coaches: coaches.NewService(db, m.Now), events: events.NewService(db, m.Now), outbox: notify.NewOutbox(db, m.Now)}
	if err := a.wireNotify(); err != nil {
		db.Close()
		return nil, err
	}
	a.product = a.newProductMetrics()
	return a, nil
}

// wireNotify builds the email side: the notifier booking writes through,
// the sender (SMTP, or the dev mailbox when SMTP_URL is unset), the
// delivery worker and the reminder scheduler.
func (a *app) wireNotify() error {
	mailCfg := notify.Config{BaseURL: a.cfg.BaseURL, From: a.cfg.MailFrom}
	notifier, err := notify.NewBookingNotifier(mailCfg, a.now, a.log)
	if err != nil {
		return err
	}
	a.notifier = notifier
	provider, err := a.payments()
	if err != nil {
		return err
	}
	allowPrivate, err := strconv.ParseBool(a.cfg.AllowPrivateFeeds)
	if err != nil {
		return fmt.Errorf("--allow-private-feeds %q: want true or false", a.cfg.AllowPrivateFeeds)
	}
	holdsPerAddress, err := a.cfg.holdsPerAddress()
	if err != nil {
		return err
	}
	slotCache, err := time.ParseDuration(a.cfg.SlotCache)
	if err != nil || slotCache < 0 || slotCache > time.Minute {
		return fmt.Errorf("--slot-cache %q: want a duration from 0s to 1m, such as 1s", a.cfg.SlotCache)
	}
	a.events.SetHostNotifier(notifier)
	a.booking = booking.NewService(a.db, notifier, booking.Config{BaseURL: a.cfg.BaseURL, Payments: provider,
		HostNotifier: notifier, AllowPrivateFeeds: allowPrivate, MaxOpenPerAddress: holdsPerAddress, SlotCacheTTL: slotCache,
		GroupCommit: booking.GroupCommitConfig{Off: isFalse(a.cfg.GroupCommit)}}, a.now)
	if a.cfg.SMTPURL == "" {
		a.mailbox = notify.NewDevMailbox(200, a.log, a.now)
		a.sender = a.mailbox
		if !isLocalURL(a.cfg.BaseURL) {
			a.log.Warn("SMTP_URL is unset on a public base URL: emails are kept in memory, not sent, and /dev/mailbox is off")
		}
	} else if a.sender, err = notify.NewSMTPSender(a.cfg.SMTPURL, nil); err != nil {
		return fmt.Errorf("SMTP_URL: %w", err)
	}
	if a.deliverer, err = notify.NewDeliverer(a.db, a.sender, mailCfg, a.now, a.log); err != nil {
		return err
	}
	a.reminders, err = notify.NewReminders(a.db, reminderSource{a.booking}, mailCfg, a.now, a.log)
	return err
}

// payments picks Stripe when a secret key is set, else the offline test
// provider, which refuses a public https URL unless explicitly enabled.
func (a *app) payments() (payments.Provider, error) {
	if a.cfg.StripeSecretKey != "" {
		var err error
		a.stripe, err = payments.NewStripe(payments.StripeConfig{
			SecretKey: a.cfg.StripeSecretKey, WebhookSecret: a.cfg.StripeWebhookSecret,
			APIBase: a.cfg.StripeAPIBase, Logger: a.log, Now: a.now,
		})
		return a.stripe, err
	}
	enabled, err := strconv.ParseBool(a.cfg.OfflinePayments)
	if err != nil {
		return nil, fmt.Errorf("--offline-payments %q: want true or false", a.cfg.OfflinePayments)
	}
	if err := payments.OfflineAllowed(a.cfg.BaseURL, enabled); err != nil {
		return nil, err
	}
	a.offline = payments.NewOfflineWithClock(a.cfg.BaseURL, a.now)
	return a.offline, nil
}

// reminderSource adapts booking's schedule to what notify asks for.
type reminderSource struct{ booking *booking.Service }

func (r reminderSource) DueReminders(ctx context.Context, now time.Time, lookback time.Duration) ([]notify.DueReminder, error) {
	due, err := r.booking.DueReminders(ctx, now, lookback)
	if err != nil {
		return nil, err
	}
	out := make([]notify.DueReminder, len(due))
	for i, d := range due {
		out[i] = notify.DueReminder{Booking: d.Booking, Event: d.Event, Session: d.Session, OffsetMinutes: d.OffsetMinutes, ManageURL: d.ManageURL}
	}
	return out, nil
}

func (r reminderSource) StillDue(ctx context.Context, tx *sqlx.Tx, d notify.DueReminder) (bool, error) {
	return r.booking.ReminderStillDue(ctx, tx, d.Booking.ID, d.Session.ID, d.Session.StartsAt)
}

func (a *app) Close() error {
	if err := a.db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// mailName says where email goes, for the start-up log line.
func (a *app) mailName() string {
	if a.mailbox != nil {
		return "dev mailbox (SMTP_URL unset): see /dev/mailbox"
	}
	return fmt.Sprint(a.sender)
}

// isFalse reports whether a boolean setting says false; unset is not.
func isFalse(setting string) bool {
	v, err := strconv.ParseBool(setting)
	return err == nil && !v
}
