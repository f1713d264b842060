package main

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/roster-app/roster/web/server"
)

// Config is every setting of the binary; each is a flag with an environment
// variable beside it, and the flag wins.
type Config struct {
	Addr                string
	BaseURL             string
	DatabaseURL         string
	StripeSecretKey     string
	StripeWebhookSecret string
	StripeAPIBase       string
	SMTPURL             string
	MailFrom            string
	BookingsPerMinute   string
	HoldsPerAddress     string
	TrustProxy          string
	OfflinePayments     string
	AllowPrivateFeeds   string
	SlotCache           string // a duration: how long a slot listing is kept
	MetricsAddr         string // "" = /metrics on the main listener
	MetricsToken        string // "" = /metrics needs no bearer token
	GroupCommit         string
}

// setting describes one configuration value.
type setting struct {
	flag, env, def, usage string
	dst                   func(*Config) *string
}

var settings = []setting{
	{"addr", "ROSTER_ADDR", ":8080", "listen address", func(c *Config) *string { return &c.Addr }},
	{"base-url", "ROSTER_BASE_URL", "http://localhost:8080", "public URL used in emails, links and Stripe redirects", func(c *Config) *string { return &c.BaseURL }},
	{"database-url", "DATABASE_URL", "roster.db", "postgres://… or a SQLite path or file: URL", func(c *Config) *string { return &c.DatabaseURL }},
	{"stripe-secret-key", "STRIPE_SECRET_KEY", "", "Stripe secret key; unset = offline test payments", func(c *Config) *string { return &c.StripeSecretKey }},
	{"stripe-webhook-secret", "STRIPE_WEBHOOK_SECRET", "", "Stripe webhook signing secret", func(c *Config) *string { return &c.StripeWebhookSecret }},
	{"stripe-api-base", "STRIPE_API_BASE", "", "Stripe API URL override (stripe-mock in tests)", func(c *Config) *string { return &c.StripeAPIBase }},
	{"smtp-url", "SMTP_URL", "", "smtp://user:pass@host:port (smtps:// for TLS); unset = dev mailbox", func(c *Config) *string { return &c.SMTPURL }},
	{"mail-from", "MAIL_FROM", "Roster <no-reply@localhost>", "sender address", func(c *Config) *string { return &c.MailFrom }},
	{"bookings-per-minute", "ROSTER_BOOKINGS_PER_MINUTE", "30", "bookings and waitlist sign-ups per client address per minute; 0 = no limit", func(c *Config) *string { return &c.BookingsPerMinute }},
	{"holds-per-address", "ROSTER_HOLDS_PER_ADDRESS", "5", "unpaid holds and waitlist places one client address may have at once; 0 = no limit (load tests from one machine)", func(c *Config) *string { return &c.HoldsPerAddress }},
	{"trust-proxy", "ROSTER_TRUST_PROXY", "false", "take client addresses from X-Forwarded-For (behind a reverse proxy)", func(c *Config) *string { return &c.TrustProxy }},
	{"offline-payments", "ROSTER_OFFLINE_PAYMENTS", "false", "allow offline test payments on a public https URL", func(c *Config) *string { return &c.OfflinePayments }},
	{"allow-private-feeds", "ROSTER_ALLOW_PRIVATE_FEEDS", "false", "accept coaches' busy feeds on loopback and private addresses", func(c *Config) *string { return &c.AllowPrivateFeeds }},
	{"slot-cache", "ROSTER_SLOT_CACHE", "1s", "keep each slot listing this long unless this process changes a coach's schedule; 0 = none", func(c *Config) *string { return &c.SlotCache }},
	{"metrics-addr", "ROSTER_METRICS_ADDR", "", "serve /metrics on this address only (e.g. 127.0.0.1:9090); unset = on the main listener", func(c *Config) *string { return &c.MetricsAddr }},
	{"group-commit", "ROSTER_GROUP_COMMIT", "true", "commit concurrent bookings of one date together (one transaction, a savepoint each); false = one transaction per booking", func(c *Config) *string { return &c.GroupCommit }},
	{"metrics-token", "ROSTER_METRICS_TOKEN", "", "bearer token /metrics requires; unset = none", func(c *Config) *string { return &c.MetricsToken }},
}

// registerConfig adds every setting to fs, with its environment variable
// (looked up through getenv) as the default.
func registerConfig(fs *flag.FlagSet, cfg *Config, getenv func(string) string) {
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		fs.StringVar(s.dst(cfg), s.flag, def, s.usage+" ($"+s.env+")")
	}
}

// web returns the web layer's settings, or an error naming a bad value.
func (c Config) web() (server.Config, error) {
	perMinute, err := strconv.Atoi(c.BookingsPerMinute)
	if err != nil || perMinute < 0 {
		return server.Config{}, fmt.Errorf("--bookings-per-minute %q: want a whole number ≥ 0", c.BookingsPerMinute)
	}
	trust, err := strconv.ParseBool(c.TrustProxy)
	if err != nil {
		return server.Config{}, fmt.Errorf("--trust-proxy %q: want true or false", c.TrustProxy)
	}
	return server.Config{BaseURL: c.BaseURL, BookingsPerMinute: perMinute, TrustProxy: trust,
		ShowDevMailbox: isLocalURL(c.BaseURL), MetricsAddr: c.MetricsAddr, MetricsToken: c.MetricsToken}, nil
}

// holdsPerAddress is the booking service's MaxOpenPerAddress for the
// --holds-per-address setting: 0 (no limit) is booking's -1.
func (c Config) holdsPerAddress() (int, error) {
	n, err := strconv.Atoi(c.HoldsPerAddress)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("--holds-per-address %q: want a whole number ≥ 0", c.HoldsPerAddress)
	}
	if n == 0 {
		return -1, nil
	}
	return n, nil
}

// isLocalURL reports whether a base URL names this machine (localhost or a
// loopback address), where the dev mailbox may be shown.
func isLocalURL(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
