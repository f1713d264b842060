package public

import (
	"net"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/notify"
)

type mailboxData struct {
	Title    string
	Messages []notify.DevMessage
	Message  *notify.DevMessage
}

// devMailbox lists the emails kept while SMTP_URL is unset, newest first.
func (s *handlers) devMailbox(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.Render(c, http.StatusOK, "mailbox.html", mailboxData{Title: "Dev mailbox", Messages: s.Mailbox.Messages()})
}

// devMailboxMessage shows one kept email: its text, its invite, and its
// HTML part (served on its own, sandboxed).
func (s *handlers) devMailboxMessage(c echo.Context) error {
	m, ok := s.Mailbox.Message(c.Param("id"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.Render(c, http.StatusOK, "mailbox.html", mailboxData{Title: m.Subject, Message: &m})
}

func (s *handlers) devMailboxHTML(c echo.Context) error {
	m, ok := s.Mailbox.Message(c.Param("id"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	// The email's own HTML, with its inline styles, in a sandbox: no
	// script, no forms, nothing same-origin.
	c.Response().Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	return c.HTML(http.StatusOK, m.HTML)
}

// loopbackOnly answers 404 unless the request comes straight from this
// machine: its connection's peer is a loopback address and no proxy
// header says it was forwarded for someone else. The client address
// headers are not trusted here even with --trust-proxy: a reverse proxy
// on this machine connects from loopback on behalf of anyone.
func loopbackOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		ip := net.ParseIP(host)
		forwarded := r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("X-Real-IP") != "" || r.Header.Get("Forwarded") != ""
		if err != nil || ip == nil || !ip.IsLoopback() || forwarded {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		return next(c)
	}
}
