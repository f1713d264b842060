package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/calendar"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// BookingNotifier writes the emails a booking change causes into the
// outbox, in the change's transaction. It implements booking.Notifier.
type BookingNotifier struct {
	author *author
}

var _ booking.Notifier = (*BookingNotifier)(nil)

// NewBookingNotifier returns a notifier that dates messages and invites
// with now. It parses every template, so it returns an error if one is
// broken or if cfg is invalid (see Config).
func NewBookingNotifier(cfg Config, now func() time.Time, logger *slog.Logger) (*BookingNotifier, error) {
	a, err := newAuthor(cfg, now, logger)
	if err != nil {
		return nil, err
	}
	return &BookingNotifier{author: a}, nil
}

// Notify enqueues, in tx, the messages n causes:
//
//   - confirmation, cancellation, moved, late_payment_refund, hold_expired:
//     one to the attendee, keyed booking:<ref>:<kind>, except moved, keyed
//     booking:<ref>:moved:<sequence> since a booking may move more than
//     once. Confirmation and moved carry an invite (METHOD:REQUEST, UID
//     booking-<ref>@<host>, SEQUENCE the booking's); cancellation carries
//     its cancellation (METHOD:CANCEL, the same UID, SEQUENCE one more than
//     the booking's, so it supersedes the last invite whether or not the
//     booking raised its sequence for the cancellation).
//   - changed (a coach changed what the invite shows): keyed
//     booking:<ref>:changed:<sequence>, with the updated invite
//     (METHOD:REQUEST, the booking's raised SEQUENCE) and what changed.
//   - session_cancelled (the coach cancelled the date or event): keyed
//     booking:<ref>:session_cancelled, with METHOD:CANCEL at the booking's
//     (already raised) SEQUENCE, the refund queued and the other dates.
//   - booking_link (someone tried to book the date again with the
//     booking's email): the manage link again, keyed
//     booking:<ref>:booking_link:<start of the 10-minute window, unix
//     seconds>, so at most one per window.
//   - payment_failed, refund_receipt, refund_failed: to the attendee;
//     the refund ones keyed booking:<ref>:<kind>:<refund id>.
//   - waitlist_offer: one to the person waiting, keyed
//     waitlist:<entry id>:offer:<offer expiry, unix seconds>;
//     waitlist_joined and waitlist_closed keyed waitlist:<entry id>:<kind>.
//   - coach_new_booking, coach_cancellation: one to each host who wants
//     booking emails, keyed booking:<ref>:<kind>:<host email>;
//     coach_moved likewise, keyed booking:<ref>:coach_moved:<sequence>:<host
//     email>, so each move is told.
//
// Cancellations, moves and changes withdraw the booking's stored
// reminders. A notice that was already enqueued (same key) adds nothing. It returns
// an error for an unknown kind, a waitlist offer without its entry or
// expiry, or a message that fails Message.Validate; the caller's
// transaction should then roll back.
func (n *BookingNotifier) Notify(ctx context.Context, tx *sqlx.Tx, notice booking.Notice) error {
	rendered, err := n.Render(notice)
	if err != nil {
		return err
	}
	return rendered.Store(ctx, tx)
}

var _ booking.NoticeRenderer = (*BookingNotifier)(nil)

// Render renders the messages notice causes (see Notify), without storing
// them, so that the rendering can happen before the transaction that
// stores them. It returns the errors Notify returns for the notice itself.
func (n *BookingNotifier) Render(notice booking.Notice) (booking.RenderedNotice, error) {
	msgs, err := n.messages(notice)
	if err != nil {
		return nil, fmt.Errorf("notify %s %s: %w", notice.Kind, notice.Booking.Ref, err)
	}
	if err := attachReceipt(notice, msgs); err != nil {
		return nil, fmt.Errorf("notify %s %s: %w", notice.Kind, notice.Booking.Ref, err)
	}
	for i := range msgs {
		msgs[i].ReplyTo = replyTo(notice, msgs[i])
	}
	return renderedNotice{kind: notice.Kind, ref: notice.Booking.Ref, msgs: msgs}, nil
}

// renderedNotice is a notice's messages, ready to store.
type renderedNotice struct {
	kind booking.NoticeKind
	ref  string
	msgs []Message
}

// Store writes the messages into the outbox through ext, the change's
// transaction, as Notify does (withdrawing stale reminders first), in one
// statement.
func (r renderedNotice) Store(ctx context.Context, ext sqlx.ExtContext) error {
	return r.StoreWith(ctx, ext)
}

// StoreWith stores r and others, rendered by this notifier too, as Store
// would one by one, with all their messages in one statement. It
// implements booking.RenderedNotices.
func (r renderedNotice) StoreWith(ctx context.Context, ext sqlx.ExtContext, others ...booking.RenderedNotice) error {
	all := []renderedNotice{r}
	for _, o := range others {
		other, ok := o.(renderedNotice)
		if !ok {
			return fmt.Errorf("notify %s %s: cannot store a notice rendered elsewhere with it", r.kind, r.ref)
		}
		all = append(all, other)
	}
	var msgs []Message
	for _, n := range all {
		switch n.kind {
		case booking.NoticeCancelled, booking.NoticeMoved, booking.NoticeChanged, booking.NoticeSessionCancelled:
			if err := withdrawReminders(ctx, ext, n.ref); err != nil {
				return fmt.Errorf("notify %s %s: %w", n.kind, n.ref, err)
			}
		}
		msgs = append(msgs, n.msgs...)
	}
	if _, err := EnqueueAll(ctx, ext, msgs...); err != nil {
		return fmt.Errorf("notify %s %s: %w", r.kind, r.ref, err)
	}
	return nil
}

// replyTo is where a reply to a notice's message goes: a coach told of a
// booking replies to the attendee; an attendee replies to the event's
// first host, who runs it. Without a host, replies go nowhere but From.
func replyTo(notice booking.Notice, m Message) string {
	switch notice.Kind {
	case booking.NoticeCoachNewBooking, booking.NoticeCoachCancellation:
		return strings.ToLower(notice.Booking.Email)
	}
	if len(notice.Event.Hosts) > 0 && !strings.EqualFold(m.To, notice.Event.Hosts[0].Email) {
		return strings.ToLower(notice.Event.Hosts[0].Email)
	}
	return m.ReplyTo
}

func (n *BookingNotifier) messages(notice booking.Notice) ([]Message, error) {
	a := n.author
	b, e, s := notice.Booking, notice.Event, notice.Session
	attendee := person{Name: b.Name, Email: b.Email}
	key := "booking:" + b.Ref + ":" + string(notice.Kind)
	v := a.bookingView(e, s, b, notice.ManageURL)
	if b.RefundedCents > 0 {
		v.Refund = formatMoney(b.RefundedCents, b.Currency)
	}
	one := func(m Message, err error) ([]Message, error) {
		if err != nil {
			return nil, err
		}
		return []Message{m}, nil
	}

	switch notice.Kind {
	case booking.NoticeConfirmed:
		ics := a.invite(a.entry(e, s, b, b.Sequence), MethodRequest)
		return one(a.message(KindConfirmation, key, attendee, b.Ref, v, ics, MethodRequest))

	case booking.NoticeMoved:
		if notice.Previous != nil {
			v.PreviousWhen = formatWhen(notice.Previous.StartsAt, notice.Previous.EndsAt, e.Zone())
		}
		ics := a.invite(a.entry(e, s, b, b.Sequence), MethodRequest)
		return one(a.message(KindMoved, fmt.Sprintf("%s:%d", key, b.Sequence), attendee, b.Ref, v, ics, MethodRequest))

	case booking.NoticeCancelled:
		ics := a.invite(a.entry(e, s, b, b.Sequence+1), MethodCancel)
		return one(a.message(KindCancellation, key, attendee, b.Ref, v, ics, MethodCancel))

	case booking.NoticeLatePaymentRefund:
		if v.Refund == "" {
			v.Refund = formatMoney(b.AmountCents, b.Currency)
		}
		v.Reason = refundReason(notice.Reason)
		return one(a.message(KindLatePaymentRefund, key, attendee, b.Ref, v, nil, ""))

	case booking.NoticeChanged:
		for _, c := range notice.Changes {
			v.Changes = append(v.Changes, viewChange{Label: changeLabel(c.Field), Before: c.Before, After: c.After})
		}
		ics := a.invite(a.entry(e, s, b, b.Sequence), MethodRequest)
		return one(a.message(KindChanged, fmt.Sprintf("%s:%d", key, b.Sequence), attendee, b.Ref, v, ics, MethodRequest))

	case booking.NoticeSessionCancelled:
		v.Refund = ""
		if notice.RefundCents > 0 {
			v.Refund = formatMoney(notice.RefundCents, firstNonEmpty(notice.RefundCurrency, b.Currency))
		}
		v.EventCancelled = e.Status == events.Cancelled
		v.OtherDates = a.dates(e, notice.OtherDates)
		// The booking's sequence already rose for the cancellation.
		ics := a.invite(a.entry(e, s, b, b.Sequence), MethodCancel)
		return one(a.message(KindSessionCancelled, key, attendee, b.Ref, v, ics, MethodCancel))

	case booking.NoticeWaitlistClosed, booking.NoticeWaitlistJoined:
		entry := notice.Offer
		if entry == nil {
			return nil, fmt.Errorf("%s notice without its waitlist entry", notice.Kind)
		}
		v := a.sessionView(e, s)
		v.Seats, v.Position = entry.Seats, notice.Position
		v.OtherDates = a.dates(e, notice.OtherDates)
		key := fmt.Sprintf("waitlist:%d:%s", entry.ID, notice.Kind)
		return one(a.message(Kind(notice.Kind), key, person{Name: entry.Name, Email: entry.Email}, "", v, nil, ""))

	case booking.NoticePaymentFailed:
		v.RetryURL = notice.RetryURL
		return one(a.message(KindPaymentFailed, key, attendee, b.Ref, v, nil, ""))

	case booking.NoticeRefunded, booking.NoticeRefundFailed:
		v.Refund = formatMoney(notice.RefundCents, firstNonEmpty(notice.RefundCurrency, b.Currency))
		v.RefundedOn = a.now().In(e.Zone()).Format("Monday 2 January 2006")
		return one(a.message(Kind(notice.Kind), fmt.Sprintf("%s:%d", key, notice.RefundID), attendee, b.Ref, v, nil, ""))

	case booking.NoticeHoldExpired:
		return one(a.message(KindHoldExpired, key, attendee, b.Ref, v, nil, ""))

	case booking.NoticeBookingLink:
		bucket := a.now().UTC().Truncate(booking.LinkResendInterval).Unix()
		return one(a.message(KindBookingLink, fmt.Sprintf("%s:%d", key, bucket), attendee, b.Ref, v, nil, ""))

	case booking.NoticeWaitlistOffer:
		offer := notice.Offer
		if offer == nil || offer.OfferExpiresAt == nil {
			return nil, fmt.Errorf("waitlist offer notice without its entry or expiry")
		}
		v := a.sessionView(e, s)
		v.Seats = offer.Seats
		v.ClaimURL = notice.ClaimURL
		v.OfferExpires = formatInstant(*offer.OfferExpiresAt, e.Zone())
		key := fmt.Sprintf("waitlist:%d:offer:%d", offer.ID, offer.OfferExpiresAt.Unix())
		return one(a.message(KindWaitlistOffer, key, person{Name: offer.Name, Email: offer.Email}, b.Ref, v, nil, ""))

	case booking.NoticeCoachNewBooking, booking.NoticeCoachCancellation, booking.NoticeCoachMoved:
		v = coachView(v, e, s)
		v.YourWhen = "" // the attendee's zone, not the coach's
		if notice.Kind == booking.NoticeCoachMoved {
			if notice.Previous != nil {
				v.PreviousWhen = formatWhen(notice.Previous.StartsAt, notice.Previous.EndsAt, e.Zone())
			}
			key = fmt.Sprintf("%s:%d", key, b.Sequence)
		}
		v.Attendee = person{Name: oneLine(b.Name, MaxNameLen), Email: b.Email}
		for _, qa := range notice.Answers {
			v.Answers = append(v.Answers, viewAnswer{Label: oneLine(qa.Label, 300), Answer: qa.Answer,
				Lines: strings.Split(strings.ReplaceAll(qa.Answer, "\r\n", "\n"), "\n")})
		}
		// The attendee's manage link is theirs alone.
		v.ManageURL, v.GoogleURL, v.OutlookURL = "", "", ""
		var msgs []Message
		for _, host := range e.Hosts {
			if !host.NotifyBookings {
				continue
			}
			email := strings.ToLower(host.Email)
			m, err := a.message(Kind(notice.Kind), key+":"+email, person{Name: host.Name, Email: email}, b.Ref, v, nil, "")
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, m)
		}
		return msgs, nil
	}
	return nil, fmt.Errorf("unknown notice kind %q", notice.Kind)
}

// dates formats the event's other dates for a message.
func (a *author) dates(e events.Event, list []events.Session) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, formatWhen(s.StartsAt, s.EndsAt, e.Zone()))
	}
	return out
}

// changeLabel names a changed field for people.
func changeLabel(field string) string {
	switch field {
	case "title":
		return "Title"
	case "location":
		return "Place"
	case "online_url":
		return "Join link"
	case "time":
		return "Time"
	}
	return field
}

// refundReason turns booking's reason for refunding a payment into words
// for the attendee; "" keeps the message's usual wording (the date filled
// up after the hold ran out).
func refundReason(reason string) string {
	switch reason {
	case "date full", "":
		return ""
	case "already booked again":
		return "you already have another booking for this date"
	case "booking cancelled":
		return "the booking had been cancelled"
	case "date cancelled":
		return "the coach cancelled this date"
	case "event cancelled":
		return "the coach cancelled this event"
	case "date already started":
		return "the date had already started"
	case "registration closed":
		return "registration for this date had closed"
	}
	return reason
}

// Limits of a coach's message.
const (
	MaxCoachSubjectLen = 150
	MaxCoachBodyLen    = 20000
)

// CoachMessage is a coach's message to the attendees of one date.
type CoachMessage struct {
	// ID identifies the message, e.g. a random token put in the form that
	// writes it, so that a form sent twice is stored once.
	ID         string
	Event      events.Event
	Session    events.Session
	From       events.Host // the coach writing; replies go to them
	Subject    string
	Body       string // plain text; blank lines separate paragraphs
	Recipients []Recipient
}

// Recipient is an attendee a coach's message goes to.
type Recipient struct {
	Name       string
	Email      string
	BookingRef string
	ManageURL  string // optional: a link to their booking
}

// CheckCoachMessage returns a fault.Invalid error naming the id, subject
// or body of a coach's message that is missing or too long, or nil.
func CheckCoachMessage(id, subject, body string) error {
	var f fault.Fields
	f.Check(id != "" && !hasControl(id) && len(id) <= 100, "id", "is required")
	f.Check(oneLine(subject, MaxSubjectLen) != "", "subject", "is required")
	f.Check(utf8.RuneCountInString(subject) <= MaxCoachSubjectLen, "subject", fmt.Sprintf("must be at most %d characters", MaxCoachSubjectLen))
	f.Check(strings.TrimSpace(body) != "", "body", "is required")
	f.Check(len(body) <= MaxCoachBodyLen && utf8.ValidString(body), "body", fmt.Sprintf("must be text of at most %d bytes", MaxCoachBodyLen))
	return f.Err()
}

// EnqueueCoachMessage enqueues, in tx, one copy of m per recipient, keyed
// coach_message:<id>:<recipient email>, with Reply-To set to the coach.
// It returns how many copies are new, and a fault.Invalid error naming
// the subject, body or id if one is missing or too long, or a recipient
// whose address cannot be mailed.
func (n *BookingNotifier) EnqueueCoachMessage(ctx context.Context, tx *sqlx.Tx, m CoachMessage) (int, error) {
	if err := CheckCoachMessage(m.ID, m.Subject, m.Body); err != nil {
		return 0, err
	}
	subject := oneLine(m.Subject, MaxSubjectLen)
	a := n.author
	v := a.sessionView(m.Event, m.Session)
	v.Sender = oneLine(m.From.Name, MaxNameLen)
	v.MessageSubject = subject
	v.Body = strings.TrimSpace(strings.ReplaceAll(m.Body, "\r\n", "\n"))
	v.Paragraphs = paragraphs(v.Body)
	v.Preheader = oneLine(v.Body, 150)
	added := 0
	for _, r := range m.Recipients {
		email := strings.ToLower(r.Email)
		rv := v
		rv.ManageURL, rv.Ref = r.ManageURL, r.BookingRef
		msg, err := a.message(KindCoachMessage, "coach_message:"+m.ID+":"+email,
			person{Name: r.Name, Email: email}, r.BookingRef, rv, nil, "")
		if err != nil {
			return added, err
		}
		msg.ReplyTo, msg.SenderName = strings.ToLower(m.From.Email), v.Sender
		isNew, err := Enqueue(ctx, tx, msg)
		if err != nil {
			return added, err
		}
		if isNew {
			added++
		}
	}
	return added, nil
}

// Invite returns the attendee's calendar file for b as it stands, with the
// UID and sequence its emails carry: the invite (METHOD:REQUEST) while the
// booking is live, its cancellation (METHOD:CANCEL) once it has ended. It
// holds no manage link.
func (n *BookingNotifier) Invite(e events.Event, s events.Session, b booking.Booking) ([]byte, error) {
	a := n.author
	if b.Status.Live() {
		return calendar.Request(a.entry(e, s, b, b.Sequence))
	}
	return calendar.Cancel(a.entry(e, s, b, b.Sequence+1))
}

// withdrawReminders deletes the booking's reminders that are stored but not
// yet being sent: after a cancellation or a move they would be stale. A
// reminder a worker has already claimed may still go out; that is the one
// window left.
func withdrawReminders(ctx context.Context, ext sqlx.ExtContext, ref string) error {
	_, err := ext.ExecContext(ctx, ext.Rebind(`DELETE FROM outbox WHERE booking_ref = ? AND kind = ? AND status = ?`), ref, KindReminder, Pending)
	if err != nil {
		return fmt.Errorf("withdraw reminders: %w", err)
	}
	return nil
}
