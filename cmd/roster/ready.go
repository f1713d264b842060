package main

import (
	"fmt"
	"io"
	"strings"
)

// readyNote is what serve tells a person at the terminal once it accepts
// connections: the page to open, where the mail goes, how payments behave
// and, for the demo, how to sign in as its coach.
type readyNote struct {
	demo     bool
	password string // the demo coach's new password; "" when the demo was loaded before
}

func (n readyNote) print(w io.Writer, a *app, showMailbox bool) {
	base := strings.TrimRight(a.cfg.BaseURL, "/")
	var b strings.Builder
	fmt.Fprintf(&b, "\nRoster is ready. Open %s/\n", base)
	switch {
	case a.mailbox != nil && showMailbox:
		fmt.Fprintf(&b, "  Mail:     not sent (SMTP_URL is unset); read it at %s/dev/mailbox\n", base)
	case a.mailbox != nil:
		b.WriteString("  Mail:     not sent (SMTP_URL is unset); kept in memory and logged\n")
	default:
		fmt.Fprintf(&b, "  Mail:     sent through %s\n", a.mailName())
	}
	if a.offline != nil {
		b.WriteString("  Payments: TEST MODE: the checkout is simulated and no card is charged\n")
	}
	if n.demo {
		if n.password != "" {
			fmt.Fprintf(&b, "  Coach:    sign in at %s/dashboard as james@example.com with the password %s\n", base, n.password)
			b.WriteString("            (shown once; set another with: roster coach password --email james@example.com)\n")
		} else {
			fmt.Fprintf(&b, "  Coach:    sign in at %s/dashboard as james@example.com; to set its password run\n", base)
			b.WriteString("            roster coach password --email james@example.com\n")
		}
	}
	b.WriteString("\n")
	_, _ = io.WriteString(w, b.String())
}
