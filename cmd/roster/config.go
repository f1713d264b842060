package main

import (
	"flag"
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
