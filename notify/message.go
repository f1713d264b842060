package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
)

// Kind names what a message is about; it picks the message's templates.
type Kind string

// The kinds of message Roster sends: one per booking.NoticeKind, plus
// reminders and a coach's message to the attendees of a date.
const (
	KindConfirmation      = Kind(booking.NoticeConfirmed)
	KindCancellation      = Kind(booking.NoticeCancelled)
	KindMoved             = Kind(booking.NoticeMoved)
	KindWaitlistOffer     = Kind(booking.NoticeWaitlistOffer)
	KindLatePaymentRefund = Kind(booking.NoticeLatePaymentRefund)
	KindHoldExpired       = Kind(booking.NoticeHoldExpired)
	KindCoachNewBooking   = Kind(booking.NoticeCoachNewBooking)
	KindCoachCancellation = Kind(booking.NoticeCoachCancellation)
	KindCoachMoved        = Kind(booking.NoticeCoachMoved)
	KindChanged           = Kind(booking.NoticeChanged)
	KindSessionCancelled  = Kind(booking.NoticeSessionCancelled)
	KindWaitlistClosed    = Kind(booking.NoticeWaitlistClosed)
	KindWaitlistJoined    = Kind(booking.NoticeWaitlistJoined)
	KindPaymentFailed     = Kind(booking.NoticePaymentFailed)
	KindRefundReceipt     = Kind(booking.NoticeRefunded)
	KindRefundFailed      = Kind(booking.NoticeRefundFailed)
	KindBookingLink       = Kind(booking.NoticeBookingLink)
	KindHostAdded         = Kind("host_added")
	KindReminder          = Kind("reminder")
	KindCoachMessage      = Kind("coach_message")
	KindPackageConfirmed  = Kind(booking.NoticePackageConfirmed)
	KindPackageExpiring   = Kind(booking.NoticePackageExpiring)
	KindPackageRefunded   = Kind(booking.NoticePackageRefunded)
	// Account emails to coaches: a password reset link, an invitation.
	KindPasswordReset   = Kind("password_reset")
	KindCoachInvitation = Kind("coach_invitation")
)

// allKinds lists every kind, in the order above.
var allKinds = []Kind{
	KindConfirmation, KindCancellation, KindMoved, KindWaitlistOffer, KindLatePaymentRefund,
	KindHoldExpired, KindCoachNewBooking, KindCoachCancellation, KindCoachMoved, KindChanged, KindSessionCancelled,
	KindWaitlistClosed, KindWaitlistJoined, KindPaymentFailed, KindRefundReceipt, KindRefundFailed,
	KindReminder, KindCoachMessage, KindPackageConfirmed, KindPackageExpiring, KindPackageRefunded,
	KindBookingLink, KindHostAdded, KindPasswordReset, KindCoachInvitation,
}

// Calendar methods an invite attached to a message may carry (RFC 5546).
const (
	MethodRequest = "REQUEST"
	MethodCancel  = "CANCEL"
	MethodPublish = "PUBLISH"
)

// Limits on what a message may hold.
const (
	MaxSubjectLen   = 250
	MaxNameLen      = 200
	MaxDedupeKeyLen = 300
	MaxBodyLen      = 200_000
)

// Message is one email to store in the outbox.
type Message struct {
	// DedupeKey names the cause of the message, e.g.
	// "booking:CCL-7KQ2M9:confirmation"; the outbox stores one message
	// per key, however often it is enqueued.
	DedupeKey  string
	Kind       Kind
	BookingRef string // empty if the message is about no booking
	To         string // a single bare address: "ada@example.com"
	ToName     string // display name; may be empty
	ReplyTo    string // a bare address; may be empty
	// SenderName is the person the message is from, for a message a coach
	// writes: From then reads "James Downer via Roster" (still the site's
	// address). Empty: the message is from the site.
	SenderName string
	Subject    string
	Text       string // the text/plain body
	HTML       string // the text/html body; may be empty
	ICS        []byte // an iCalendar file to attach; may be empty
	ICSMethod  string // MethodRequest, MethodCancel or MethodPublish when ICS is set
	// Attachment is a file sent with the message (a receipt's PDF),
	// named AttachmentName; may be empty.
	Attachment     []byte
	AttachmentName string
	// CreatedAt is the caller's clock reading when the message was made;
	// it is the message's Date header.
	CreatedAt time.Time
	// SendAfter is the earliest time to send; zero means CreatedAt.
	SendAfter time.Time
}

// Validate returns a fault.Invalid error naming every field that cannot go
// into an email: an address that is not a single bare address, a name or
// subject holding a line break or another control character (the way to
// inject headers), an empty body, an invite without its method.
func (m Message) Validate() error {
	var f fault.Fields
	f.Check(m.DedupeKey != "" && len(m.DedupeKey) <= MaxDedupeKeyLen && !hasControl(m.DedupeKey),
		"dedupe_key", fmt.Sprintf("is required, one line of at most %d bytes", MaxDedupeKeyLen))
	f.Check(m.Kind != "" && !hasControl(string(m.Kind)), "kind", "is required")
	f.Check(!hasControl(m.BookingRef), "booking_ref", "must be one line")
	if problem := addressProblem(m.To); problem != "" {
		f.Add("to", problem)
	}
	f.Check(!hasControl(m.ToName), "to_name", "must be one line without control characters")
	f.Check(utf8.ValidString(m.ToName) && utf8.RuneCountInString(m.ToName) <= MaxNameLen, "to_name",
		fmt.Sprintf("must be valid text of at most %d characters", MaxNameLen))
	if m.ReplyTo != "" {
		if problem := addressProblem(m.ReplyTo); problem != "" {
			f.Add("reply_to", problem)
		}
	}
	f.Check(!hasControl(m.SenderName) && utf8.ValidString(m.SenderName) && utf8.RuneCountInString(m.SenderName) <= MaxNameLen,
		"sender_name", fmt.Sprintf("must be one line of at most %d characters", MaxNameLen))
	f.Check(strings.TrimSpace(m.Subject) != "", "subject", "is required")
	f.Check(!hasControl(m.Subject), "subject", "must be one line without control characters")
	f.Check(utf8.ValidString(m.Subject) && utf8.RuneCountInString(m.Subject) <= MaxSubjectLen, "subject",
		fmt.Sprintf("must be valid text of at most %d characters", MaxSubjectLen))
	f.Check(strings.TrimSpace(m.Text) != "", "text", "is required")
	for name, body := range map[string]string{"text": m.Text, "html": m.HTML, "ics": string(m.ICS)} {
		f.Check(utf8.ValidString(body) && !strings.ContainsRune(body, 0) && len(body) <= MaxBodyLen,
			name, fmt.Sprintf("must be valid text of at most %d bytes", MaxBodyLen))
	}
	switch {
	case len(m.ICS) == 0 && m.ICSMethod != "":
		f.Add("ics_method", "is set without an invite")
	case len(m.ICS) > 0 && m.ICSMethod != MethodRequest && m.ICSMethod != MethodCancel && m.ICSMethod != MethodPublish:
		f.Add("ics_method", "must be REQUEST, CANCEL or PUBLISH")
	}
	f.Check(len(m.Attachment) <= MaxBodyLen*4, "attachment", "is too large")
	f.Check((len(m.Attachment) == 0) == (m.AttachmentName == ""), "attachment_name", "names the attachment, and only when there is one")
	f.Check(!hasControl(m.AttachmentName) && !strings.ContainsAny(m.AttachmentName, `/\"`) && len(m.AttachmentName) <= 100,
		"attachment_name", "must be a plain file name")
	f.Check(!m.CreatedAt.IsZero(), "created_at", "is required")
	return f.Err()
}

// addressProblem rejects anything but one bare addr-spec without control
// characters: no display name, no list, no CR/LF.
func addressProblem(addr string) string {
	if addr == "" {
		return "is required"
	}
	if hasControl(addr) {
		return "must be one address without line breaks or control characters"
	}
	parsed, err := netmail.ParseAddress(addr)
	if err != nil || parsed.Name != "" || parsed.Address != addr || len(addr) > 254 {
		return "must be a single plain address such as ada@example.com"
	}
	return ""
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// Enqueue stores m in the outbox through ext, which is normally the
// transaction of the change that causes the message, so the message is
// stored if and only if the change commits. It reports whether the message
// is new: false means a message with the same DedupeKey is already stored,
// and m was dropped. It returns a fault.Invalid error if m does not pass
// Validate.
func Enqueue(ctx context.Context, ext sqlx.ExtContext, m Message) (bool, error) {
	n, err := EnqueueAll(ctx, ext, m)
	return n == 1, err
}

// EnqueueAll is Enqueue for several messages in one statement (one round
// trip): it returns how many of them are new. It stores none if one does
// not pass Validate.
func EnqueueAll(ctx context.Context, ext sqlx.ExtContext, msgs ...Message) (int, error) {
	if len(msgs) == 0 {
		return 0, nil
	}
	var (
		values strings.Builder
		args   []any
	)
	for i, m := range msgs {
		if err := m.Validate(); err != nil {
			return 0, fmt.Errorf("enqueue %s: %w", m.DedupeKey, err)
		}
		token, err := messageToken()
		if err != nil {
			return 0, err
		}
		sendAfter := m.SendAfter
		if sendAfter.IsZero() {
			sendAfter = m.CreatedAt
		}
		if i > 0 {
			values.WriteString(", ")
		}
		values.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, '', ?, ?, ?)")
		args = append(args, m.DedupeKey, string(m.Kind), nullable(m.BookingRef), m.To, m.ToName, m.ReplyTo, m.SenderName, m.Subject,
			m.Text, m.HTML, nullable(string(m.ICS)), m.ICSMethod, token, Pending, sendAfter.UTC(), m.CreatedAt.UTC(),
			m.AttachmentName, attachment(m.Attachment))
	}
	res, err := ext.ExecContext(ctx, ext.Rebind(`
		INSERT INTO outbox (dedupe_key, kind, booking_ref, to_addr, to_name, reply_to, sender_name, subject, text_body,
			html_body, ics, ics_method, message_token, status, attempts, send_after, last_error, created_at,
			attachment_name, attachment)
		VALUES `+values.String()+`
		ON CONFLICT (dedupe_key) DO NOTHING`), args...)
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", msgs[0].DedupeKey, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", msgs[0].DedupeKey, err)
	}
	return int(n), nil
}

// messageToken makes the random part of a message's Message-ID, so that ids
// stay unique when a database is reset and its row ids start again.
func messageToken() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("message token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// attachment is an attachment's bytes for the database: NULL for none.
func attachment(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
