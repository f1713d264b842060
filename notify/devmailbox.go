package notify

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"mime"
	"slices"
	"sync"
	"time"

	mail "github.com/wneessen/go-mail"
)

// DefaultDevMailboxSize is how many messages a DevMailbox keeps by default.
const DefaultDevMailboxSize = 100

// DevMailbox is the Sender used when no SMTP server is configured: it keeps
// the last messages in memory, for a /dev/mailbox page, and logs each one
// (kind, recipient and subject, never the body, which can carry a manage
// token). It is safe for concurrent use.
type DevMailbox struct {
	size int
	log  *slog.Logger
	now  func() time.Time

	mu       sync.Mutex
	messages []DevMessage // oldest first
}

// DevMessage is a message kept by a DevMailbox.
type DevMessage struct {
	ReceivedAt time.Time
	MessageID  string // without the angle brackets
	Kind       Kind
	From       string
	To         string // "Name <address>" as in the header
	Subject    string // decoded
	Text       string
	HTML       string
	ICS        string // the invite, if the message has one
	Raw        []byte // the whole message as it would go over SMTP
}

// NewDevMailbox returns a mailbox keeping the last size messages (size <= 0
// means DefaultDevMailboxSize), logging to logger, dating messages with now.
func NewDevMailbox(size int, logger *slog.Logger, now func() time.Time) *DevMailbox {
	if size <= 0 {
		size = DefaultDevMailboxSize
	}
	return &DevMailbox{size: size, log: orDiscard(logger), now: now}
}

// Send keeps msgs, dropping the oldest kept ones beyond the mailbox's size.
// It fails only if a message cannot be written out.
func (d *DevMailbox) Send(_ context.Context, msgs []*mail.Msg) error {
	kept := make([]DevMessage, 0, len(msgs))
	for _, msg := range msgs {
		m, err := devMessage(msg, d.now())
		if err != nil {
			return err
		}
		kept = append(kept, m)
		d.log.Info("email kept in the dev mailbox (SMTP_URL is not set)",
			"kind", m.Kind, "to", m.To, "subject", m.Subject, "message_id", m.MessageID)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.messages = append(d.messages, kept...)
	if extra := len(d.messages) - d.size; extra > 0 {
		d.messages = slices.Delete(d.messages, 0, extra)
	}
	return nil
}

// Messages returns the kept messages, newest first.
func (d *DevMailbox) Messages() []DevMessage {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := slices.Clone(d.messages)
	slices.Reverse(out)
	return out
}

// Message returns the kept message with the given Message-ID, if any.
func (d *DevMailbox) Message(messageID string) (DevMessage, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, m := range d.messages {
		if m.MessageID == messageID {
			return m, true
		}
	}
	return DevMessage{}, false
}

func devMessage(msg *mail.Msg, now time.Time) (DevMessage, error) {
	var raw bytes.Buffer
	if _, err := msg.WriteTo(&raw); err != nil {
		return DevMessage{}, fmt.Errorf("dev mailbox: write message: %w", err)
	}
	m := DevMessage{
		ReceivedAt: now,
		MessageID:  trimAngles(first(msg.GetGenHeader(mail.HeaderMessageID))),
		Kind:       Kind(first(msg.GetGenHeader(HeaderKind))),
		From:       first(msg.GetFromString()),
		To:         first(msg.GetToString()),
		Subject:    decodeHeader(first(msg.GetGenHeader(mail.HeaderSubject))),
		Raw:        raw.Bytes(),
	}
	for _, part := range msg.GetParts() {
		content, err := part.GetContent()
		if err != nil {
			return DevMessage{}, fmt.Errorf("dev mailbox: read part: %w", err)
		}
		mediaType, _, _ := mime.ParseMediaType(string(part.GetContentType()))
		switch mediaType {
		case "text/plain":
			m.Text = string(content)
		case "text/html":
			m.HTML = string(content)
		case "text/calendar":
			m.ICS = string(content)
		}
	}
	return m, nil
}

func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

func trimAngles(s string) string {
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		return s[1 : len(s)-1]
	}
	return s
}

func decodeHeader(s string) string {
	decoded, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		return s
	}
	return decoded
}
