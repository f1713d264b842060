package main

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/sqldb"
)

// minMetricsTokenLen is the shortest bearer token /metrics accepts: a
// shorter one could be guessed.
const minMetricsTokenLen = 16

// ConfigError lists every problem found in a configuration, each naming
// the flag and the environment variable that set it, so an operator fixes
// them all in one go instead of one per restart.
type ConfigError struct {
	Problems []string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("configuration: %d problem(s):\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// problems collects what is wrong, each attributed to a setting.
type problems []string

// add records msg against the setting whose flag is name.
func (p *problems) add(flagName, format string, args ...any) {
	env := flagName
	for _, s := range settings {
		if s.flag == flagName {
			env = s.env
		}
	}
	*p = append(*p, fmt.Sprintf("--%s ($%s): %s", flagName, env, fmt.Sprintf(format, args...)))
}

// Validate checks every setting without touching the network or the
// database, and returns a *ConfigError listing all the problems, or nil.
func (c Config) Validate() error {
	var p problems
	c.validateAddrs(&p)
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.add("base-url", "%q is not an http(s) URL with a host", c.BaseURL)
	}
	c.validateDatabaseURL(&p)
	c.validatePayments(&p)
	if c.SMTPURL != "" {
		// url.Parse's own error would quote the URL, password and all.
		if _, err := url.Parse(c.SMTPURL); err != nil {
			p.add("smtp-url", "not a URL")
		} else if _, err := notify.NewSMTPSender(c.SMTPURL, nil); err != nil {
			p.add("smtp-url", "%s", strings.TrimPrefix(strings.TrimPrefix(err.Error(), "SMTP_URL"), " "))
		}
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		p.add("mail-from", "%q is not an email address: %v", c.MailFrom, err)
	}
	if n, err := strconv.Atoi(c.BookingsPerMinute); err != nil || n < 0 {
		p.add("bookings-per-minute", "%q: want a whole number ≥ 0", c.BookingsPerMinute)
	}
	if _, err := c.holdsPerAddress(); err != nil {
		p.add("holds-per-address", "%q: want a whole number ≥ 0", c.HoldsPerAddress)
	}
	if _, err := strconv.ParseBool(c.TrustProxy); err != nil {
		p.add("trust-proxy", "%q: want true or false", c.TrustProxy)
	}
	if _, err := strconv.ParseBool(c.GroupCommit); err != nil {
		p.add("group-commit", "%q: want true or false", c.GroupCommit)
	}
	if d, err := time.ParseDuration(c.SlotCache); err != nil || d < 0 || d > time.Minute {
		p.add("slot-cache", "%q: want a duration from 0s to 1m, such as 1s", c.SlotCache)
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < minMetricsTokenLen {
		p.add("metrics-token", "too short: want at least %d characters", minMetricsTokenLen)
	}
	if len(p) == 0 {
		return nil
	}
	return &ConfigError{Problems: p}
}

func (c Config) validateAddrs(p *problems) {
	if err := checkListenAddr(c.Addr); err != nil {
		p.add("addr", "%q: %v", c.Addr, err)
	}
	if c.MetricsAddr == "" {
		return
	}
	if err := checkListenAddr(c.MetricsAddr); err != nil {
		p.add("metrics-addr", "%q: %v", c.MetricsAddr, err)
	} else if c.MetricsAddr == c.Addr && !strings.HasSuffix(c.Addr, ":0") {
		p.add("metrics-addr", "%q is also the main listen address; pick another port", c.MetricsAddr)
	}
}

// checkListenAddr accepts what net.Listen("tcp", addr) would: host:port with
// a numeric port (0 = any) and a host that is empty, an IP or a name.
func checkListenAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("want host:port, e.g. :8080 or 127.0.0.1:8080")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	if strings.ContainsAny(host, " /") {
		return fmt.Errorf("host %q is not a host name or IP address", host)
	}
	return nil
}

func (c Config) validateDatabaseURL(p *problems) {
	switch {
	case strings.TrimSpace(c.DatabaseURL) == "":
		p.add("database-url", "empty: want postgres://… or a SQLite file path")
	case sqldb.IsPostgresURL(c.DatabaseURL):
		if u, err := url.Parse(c.DatabaseURL); err != nil {
			p.add("database-url", "not a URL: %v", err)
		} else if u.Host == "" {
			p.add("database-url", "%s names no host", u.Redacted())
		}
	}
}

func (c Config) validatePayments(p *problems) {
	if c.StripeSecretKey != "" {
		if !strings.HasPrefix(c.StripeSecretKey, "sk_") && !strings.HasPrefix(c.StripeSecretKey, "rk_") {
			p.add("stripe-secret-key", "does not look like a Stripe secret key (sk_… or rk_…)")
		}
		if c.StripeWebhookSecret == "" {
			p.add("stripe-webhook-secret", "unset while a Stripe secret key is set: without it no payment can be confirmed")
		}
	}
	if c.StripeAPIBase != "" {
		if u, err := url.Parse(c.StripeAPIBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.add("stripe-api-base", "%q is not an http(s) URL", c.StripeAPIBase)
		}
	}
	offline, err := strconv.ParseBool(c.OfflinePayments)
	if err != nil {
		p.add("offline-payments", "%q: want true or false", c.OfflinePayments)
		return
	}
	// A base URL without a host is reported on its own; whether it is
	// public cannot be told.
	if u, err := url.Parse(c.BaseURL); c.StripeSecretKey == "" && err == nil && u.Hostname() != "" {
		if err := payments.OfflineAllowed(c.BaseURL, offline); err != nil {
			p.add("offline-payments", "%v", err)
		}
	}
}

// withDatabaseProblem adds a database that could not be opened to the
// configuration's problems, so both are reported in one message.
func withDatabaseProblem(configErr, dbErr error) error {
	if dbErr == nil {
		return configErr
	}
	var ce *ConfigError
	if !errors.As(configErr, &ce) {
		ce = &ConfigError{}
	}
	var p problems = ce.Problems
	p.add("database-url", "cannot open the database: %v", dbErr)
	return &ConfigError{Problems: p}
}
