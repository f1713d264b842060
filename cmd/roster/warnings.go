package main

import (
	"net"
	"strconv"
)

// relaxedDefaults lists, one sentence each, the settings in force that
// trade safety for convenience, for a loud warning at start: each is fine
// on a developer's machine and a mistake on a public server.
func (a *app) relaxedDefaults() []string {
	var out []string
	if a.offline != nil {
		out = append(out, "TEST MODE payments (STRIPE_SECRET_KEY unset): paid bookings are confirmed without any payment")
		if explicit, _ := strconv.ParseBool(a.cfg.OfflinePayments); explicit && !isLocalURL(a.cfg.BaseURL) {
			out = append(out, "--offline-payments is on for the public base URL "+a.cfg.BaseURL+": anyone can book paid events for free")
		}
	}
	if a.mailbox != nil {
		out = append(out, "SMTP_URL unset: emails are not sent; they are kept in memory and shown at /dev/mailbox to requests from this machine only")
	}
	if host, _, err := net.SplitHostPort(a.cfg.Addr); err == nil && (host == "" || net.ParseIP(host).IsUnspecified()) {
		out = append(out, "listening on every network interface ("+a.cfg.Addr+"); set --addr 127.0.0.1:8080 to keep the server on this machine")
	}
	if a.cfg.MetricsAddr == "" && a.cfg.MetricsToken == "" {
		out = append(out, "/metrics is open to anyone who reaches the main listener; set --metrics-token or --metrics-addr")
	}
	return out
}

// warnRelaxedDefaults logs each relaxed default at warning level.
func (a *app) warnRelaxedDefaults() {
	for _, w := range a.relaxedDefaults() {
		a.log.Warn("WARNING: relaxed default in force: " + w)
	}
}
