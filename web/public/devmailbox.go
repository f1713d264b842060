package public

import (
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
