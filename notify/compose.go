package notify

import (
	"bytes"
	"fmt"
	netmail "net/mail"

	mail "github.com/wneessen/go-mail"
)

// Headers Roster sets besides the standard ones.
const (
	// HeaderAutoSubmitted marks every message as sent by a machine (RFC
	// 3834), so that auto-responders do not answer it.
	HeaderAutoSubmitted mail.Header = "Auto-Submitted"
	// HeaderKind carries the message's Kind, for the dev mailbox and for
	// anyone reading a message's source.
	HeaderKind mail.Header = "X-Roster-Kind"
)

// InviteFilename is the name of the calendar file attached to a message
// that carries an invite or a cancellation.
const InviteFilename = "invite.ics"

// compose builds the email for an outbox row: From, To (with the name),
// Reply-To, Subject, a Message-ID on the site's own domain that stays the
// same on every attempt, the Date the message was made, Auto-Submitted, and
// a multipart/alternative body of text, HTML and, when the row has an
// invite, a text/calendar part with its method, which calendar clients
// show as an invitation. The invite is also attached as invite.ics for
// clients that only look at attachments.
func (s site) compose(r row) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.fromFor(r.SenderName))
	// The address setters that take a net/mail.Address quote and encode
	// the display name themselves, whatever characters it holds.
	msg.ToMailAddress(&netmail.Address{Name: r.ToName, Address: r.ToAddr})
	if r.ReplyTo != "" {
		msg.ReplyToMailAddress(&netmail.Address{Address: r.ReplyTo})
	}
	msg.Subject(r.Subject)
	msg.SetMessageIDWithValue(s.messageID(r))
	msg.SetDateWithValue(r.CreatedAt)
	msg.SetGenHeader(HeaderAutoSubmitted, "auto-generated")
	msg.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	msg.SetGenHeader(HeaderKind, r.Kind)

	msg.SetBodyString(mail.TypeTextPlain, r.TextBody)
	if r.HTMLBody != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, r.HTMLBody)
	}
	if r.ICS != nil && *r.ICS != "" {
		// Base64 keeps the file's CRLF line endings and folding intact.
		msg.AddAlternativeString(mail.ContentType("text/calendar; method="+r.ICSMethod), *r.ICS,
			mail.WithPartEncoding(mail.EncodingB64))
		err := msg.AttachReader(InviteFilename, bytes.NewReader([]byte(*r.ICS)),
			mail.WithFileContentType("application/ics"))
		if err != nil {
			return nil, fmt.Errorf("compose message %d: attach invite: %w", r.ID, err)
		}
	}
	return msg, nil
}

// fromFor is the From of a message: the site's address, named "<sender>
// via <site>" when a person sent it, so the reader sees who wrote while
// the address stays the site's own (which SPF and DMARC vouch for).
func (s site) fromFor(sender string) *netmail.Address {
	if sender == "" {
		return &s.from
	}
	siteName := s.from.Name
	if siteName == "" {
		siteName = "Roster"
	}
	return &netmail.Address{Name: sender + " via " + siteName, Address: s.from.Address}
}

// messageID is "outbox-<id>.<token>@<host>": the row id makes it easy to
// find the row from a received message, the random token keeps it unique
// across databases, and the host puts it on the site's own domain.
func (s site) messageID(r row) string {
	return fmt.Sprintf("outbox-%d.%s@%s", r.ID, r.MessageToken, s.host)
}
