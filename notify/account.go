package notify

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/coaches"
)

// Account emails carry a coach's one-time link to set a password. The
// link's token is in the body only; the outbox keeps it until the message
// is sent, like a booking's manage link.

// Where account links lead, on the dashboard.
const (
	ResetPasswordPath = "/dashboard/reset-password"
	InvitationPath    = "/dashboard/invitation"
)

// AccountLinkEmail enqueues, in tx, the email that carries link: a
// password reset or an invitation from a co-host (from "<inviter> via
// Roster", replies to the inviter). Keyed by the link, so it is stored
// once. It implements coaches.AccountMailer; it returns an error for a
// message that fails Message.Validate, and the caller's transaction
// should then roll back.
func (n *BookingNotifier) AccountLinkEmail(ctx context.Context, tx *sqlx.Tx, link coaches.AccountLink) error {
	a := n.author
	siteName := a.site.from.Name
	if siteName == "" {
		siteName = a.site.host
	}
	v := view{SiteName: siteName, SiteURL: a.site.baseURL, Expires: "the next hour"}
	to := person{Name: link.Coach.Name, Email: strings.ToLower(link.Coach.Email)}
	kind, path := KindPasswordReset, ResetPasswordPath
	if link.Purpose == coaches.PurposeInvite {
		kind, path = KindCoachInvitation, InvitationPath
		v.Expires = "the next 7 days"
		if link.InvitedBy != nil {
			v.Sender = oneLine(link.InvitedBy.Name, MaxNameLen)
		}
	}
	v.LinkURL = a.site.baseURL + path + "?t=" + url.QueryEscape(link.Token)
	// The key names the link by its token's tail, never the whole secret.
	key := fmt.Sprintf("coach_account:%s:%d:%s", link.Purpose, link.Coach.ID, link.Token[len(link.Token)-8:])
	m, err := a.message(kind, key, to, "", v, nil, "")
	if err != nil {
		return fmt.Errorf("account email: %w", err)
	}
	if link.InvitedBy != nil {
		m.SenderName, m.ReplyTo = v.Sender, strings.ToLower(link.InvitedBy.Email)
	}
	if _, err := Enqueue(ctx, tx, m); err != nil {
		return fmt.Errorf("account email: %w", err)
	}
	return nil
}
