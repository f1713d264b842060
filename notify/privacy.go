package notify

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// SentBodyDays is how long a sent message keeps its body: bodies hold
// manage links, and once delivered the copy in the attendee's mailbox is
// the one that matters.
const SentBodyDays = 30

// erasedAddr replaces an erased person's address in the outbox.
const erasedAddr = "erased@erased.invalid"

// Person names the messages about one person: those about their bookings
// (by ref), their waitlist entries (by id) and those sent to their address.
type Person struct {
	Email       string
	Refs        []string
	WaitlistIDs []int64
}

// where returns the WHERE clause matching the person's messages.
func (p Person) where() (string, []any, error) {
	var conds []string
	var args []any
	if email := strings.ToLower(strings.TrimSpace(p.Email)); email != "" {
		conds, args = append(conds, "to_addr = ?", "reply_to = ?"), append(args, email, email)
	}
	if len(p.Refs) > 0 {
		in, inArgs, err := sqlx.In(`booking_ref IN (?)`, p.Refs)
		if err != nil {
			return "", nil, err
		}
		conds, args = append(conds, in), append(args, inArgs...)
	}
	for _, id := range p.WaitlistIDs {
		conds, args = append(conds, "dedupe_key LIKE ?"), append(args, fmt.Sprintf("waitlist:%d:%%", id))
	}
	if len(conds) == 0 {
		return "1 = 0", nil, nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args, nil
}

// PersonMessage is a message about a person as their export shows it. Its
// text has manage and claim tokens masked: the export may be read by a
// coach, who must not be able to act as the attendee. Times are UTC.
type PersonMessage struct {
	Kind      string     `db:"kind" json:"kind"`
	To        string     `db:"to_addr" json:"to"`
	Subject   string     `db:"subject" json:"subject"`
	Text      string     `db:"text_body" json:"text"`
	Status    Status     `db:"status" json:"status"`
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	SentAt    *time.Time `db:"sent_at" json:"sent_at,omitempty"`
}

// tokenParam matches a manage or claim token in a link, plain or
// URL-encoded inside another link (calendar links carry the manage link).
var tokenParam = regexp.MustCompile(`(?i)((?:[?&]|%3F|%26)(?:t|token)(?:=|%3D))[^&\s"'<>%]+`)

// MessagesAbout returns, on ext, the stored messages about p, oldest first.
func MessagesAbout(ctx context.Context, ext sqlx.ExtContext, p Person) ([]PersonMessage, error) {
	where, args, err := p.where()
	if err != nil {
		return nil, err
	}
	out := []PersonMessage{}
	if err := sqlx.SelectContext(ctx, ext, &out, ext.Rebind(`SELECT kind, to_addr, subject, text_body, status, created_at, sent_at
		FROM outbox WHERE `+where+` ORDER BY id`), args...); err != nil {
		return nil, fmt.Errorf("messages about a person: %w", err)
	}
	for i := range out {
		out[i].Text = tokenParam.ReplaceAllString(out[i].Text, "${1}[hidden]")
	}
	return out, nil
}

// ForgetPerson erases p from the outbox on ext: messages not yet sent are
// deleted (their recipient is gone), the others keep only what they were
// and when (kind, status, times), with the address replaced where it was
// the person's (any recipient but a coach). Returns how many rows it changed.
func ForgetPerson(ctx context.Context, ext sqlx.ExtContext, p Person) (int64, error) {
	where, args, err := p.where()
	if err != nil {
		return 0, err
	}
	res, err := ext.ExecContext(ctx, ext.Rebind(`DELETE FROM outbox WHERE status IN ('pending', 'failed') AND `+where), args...)
	if err != nil {
		return 0, fmt.Errorf("delete unsent messages of a person: %w", err)
	}
	deleted, _ := res.RowsAffected()
	// Every recipient of a message about the person's bookings is the
	// person, except the coaches told about them (coaches' own addresses
	// are theirs to keep).
	res, err = ext.ExecContext(ctx, ext.Rebind(`UPDATE outbox SET
			to_addr = CASE WHEN to_addr IN (SELECT email FROM coaches) THEN to_addr ELSE ? END,
			to_name = CASE WHEN to_addr IN (SELECT email FROM coaches) THEN to_name ELSE '' END,
			reply_to = CASE WHEN reply_to IN (SELECT email FROM coaches) THEN reply_to ELSE '' END,
			subject = '(erased)', text_body = '', html_body = '', ics = NULL, last_error = ''
		WHERE `+where), append([]any{erasedAddr}, args...)...)
	if err != nil {
		return 0, fmt.Errorf("anonymise messages of a person: %w", err)
	}
	changed, _ := res.RowsAffected()
	return deleted + changed, nil
}

// EmptySentBodies empties, on ext, the bodies and invites of messages sent
// before cutoff (UTC), and returns how many it emptied.
func EmptySentBodies(ctx context.Context, ext sqlx.ExtContext, cutoff time.Time) (int64, error) {
	res, err := ext.ExecContext(ctx, ext.Rebind(`UPDATE outbox SET text_body = '', html_body = '', ics = NULL
		WHERE status = 'sent' AND sent_at < ? AND (text_body <> '' OR html_body <> '' OR ics IS NOT NULL)`), cutoff.UTC())
	if err != nil {
		return 0, fmt.Errorf("empty sent bodies: %w", err)
	}
	return res.RowsAffected()
}
