package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// defaultConfig is the configuration with every setting at its default.
func defaultConfig(t *testing.T) Config {
	t.Helper()
	var cfg Config
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	registerConfig(fs, &cfg, func(string) string { return "" })
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   []string // one substring per expected problem, in order
	}{
		{"the defaults are valid", func(*Config) {}, nil},
		{"Stripe with its webhook secret is valid", func(c *Config) {
			c.StripeSecretKey, c.StripeWebhookSecret = "sk_test_abc", "whsec_abc"
		}, nil},
		{"a separate metrics listener and a long token are valid", func(c *Config) {
			c.MetricsAddr, c.MetricsToken = "127.0.0.1:9090", "0123456789abcdef"
		}, nil},
		{"a bad listen address names --addr and $ROSTER_ADDR", func(c *Config) { c.Addr = "8080" },
			[]string{"--addr ($ROSTER_ADDR): \"8080\": want host:port"}},
		{"a port out of range", func(c *Config) { c.Addr = ":99999" },
			[]string{"--addr ($ROSTER_ADDR): \":99999\": port \"99999\" is not a number"}},
		{"a base URL without a scheme", func(c *Config) { c.BaseURL = "roster.example.com" },
			[]string{"--base-url ($ROSTER_BASE_URL)"}},
		{"an empty database URL", func(c *Config) { c.DatabaseURL = " " },
			[]string{"--database-url ($DATABASE_URL): empty"}},
		{"a Postgres URL without a host", func(c *Config) { c.DatabaseURL = "postgres:///roster" },
			[]string{"--database-url ($DATABASE_URL): postgres:///roster names no host"}},
		{"a Stripe key without a webhook secret", func(c *Config) { c.StripeSecretKey = "sk_live_abc" },
			[]string{"--stripe-webhook-secret ($STRIPE_WEBHOOK_SECRET): unset while a Stripe secret key is set"}},
		{"a publishable key where the secret key goes", func(c *Config) {
			c.StripeSecretKey, c.StripeWebhookSecret = "pk_live_abc", "whsec_abc"
		}, []string{"--stripe-secret-key ($STRIPE_SECRET_KEY): does not look like a Stripe secret key"}},
		{"a Stripe API base that is not a URL", func(c *Config) { c.StripeAPIBase = "localhost:12111" },
			[]string{"--stripe-api-base ($STRIPE_API_BASE)"}},
		{"an SMTP URL with the wrong scheme", func(c *Config) { c.SMTPURL = "http://mail.example.com" },
			[]string{"--smtp-url ($SMTP_URL): http://mail.example.com: scheme must be smtp or smtps"}},
		{"an SMTP URL with a bad port, password redacted", func(c *Config) { c.SMTPURL = "smtp://u:secret@mail.example.com:99999" },
			[]string{"--smtp-url ($SMTP_URL): smtp://u:xxxxx@mail.example.com:99999: bad port"}},
		{"an SMTP URL that does not parse, password unquoted", func(c *Config) { c.SMTPURL = "smtp://u:secret@mail example.com:%zz" },
			[]string{"--smtp-url ($SMTP_URL): not a URL"}},
		{"a sender that is not an address", func(c *Config) { c.MailFrom = "Roster" },
			[]string{"--mail-from ($MAIL_FROM)"}},
		{"a negative booking limit", func(c *Config) { c.BookingsPerMinute = "-1" },
			[]string{"--bookings-per-minute ($ROSTER_BOOKINGS_PER_MINUTE)"}},
		{"a trust-proxy that is not a boolean", func(c *Config) { c.TrustProxy = "sometimes" },
			[]string{"--trust-proxy ($ROSTER_TRUST_PROXY)"}},
		{"a slot cache that is not a duration, or too long", func(c *Config) { c.SlotCache = "1h" },
			[]string{"--slot-cache ($ROSTER_SLOT_CACHE)"}},
		{"offline payments on a public https site", func(c *Config) { c.BaseURL = "https://roster.example.com" },
			[]string{"--offline-payments ($ROSTER_OFFLINE_PAYMENTS): offline payments: https://roster.example.com looks like a public site"}},
		{"the metrics listener on the main address", func(c *Config) { c.Addr, c.MetricsAddr = ":8080", ":8080" },
			[]string{"--metrics-addr ($ROSTER_METRICS_ADDR): \":8080\" is also the main listen address"}},
		{"a short metrics token", func(c *Config) { c.MetricsToken = "secret" },
			[]string{"--metrics-token ($ROSTER_METRICS_TOKEN): too short"}},
		{"every problem is reported at once", func(c *Config) {
			c.Addr, c.SMTPURL, c.StripeSecretKey, c.MetricsAddr = "nope", "smtp://", "sk_test_abc", "127.0.0.1:x"
		}, []string{"--addr", "--metrics-addr", "--stripe-webhook-secret", "--smtp-url ($SMTP_URL): smtp:: no host"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := defaultConfig(t)
			tt.change(&cfg)
			err := cfg.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("Validate() = %v, want a *ConfigError", err)
			}
			if len(ce.Problems) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(ce.Problems), len(tt.want), err)
			}
			for i, want := range tt.want {
				if !strings.Contains(ce.Problems[i], want) {
					t.Errorf("problem %d = %q, want it to contain %q", i, ce.Problems[i], want)
				}
			}
			if strings.Contains(err.Error(), "secret@") {
				t.Errorf("the error shows a password: %v", err)
			}
		})
	}
}

// A server with a bad setting and an unreachable database reports both, by
// name, and never starts listening.
func TestServeReportsEveryConfigProblemBeforeStarting(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL":      filepath.Join(t.TempDir(), "missing-dir", "sub", "roster.db"),
		"SMTP_URL":          "smtp://:25",
		"STRIPE_SECRET_KEY": "sk_test_abc",
	}
	m, _, _ := newMain(env)
	m.Ready = func(addr string) { t.Errorf("serve listened on %s despite bad configuration", addr) }
	err := m.Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"})
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("serve returned %v, want a *ConfigError", err)
	}
	for _, want := range []string{"$SMTP_URL", "$STRIPE_WEBHOOK_SECRET", "$DATABASE_URL): cannot open the database"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %q:\n%v", want, err)
		}
	}
}
