package notify

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
)

var _ events.HostNotifier = (*BookingNotifier)(nil)

// HostAdded enqueues, in tx, an email telling a coach that another coach
// made them a host of an event or appointment type, keyed
// host:<what>:<slug>:<coach id>:<unix seconds now>, so adding the same
// coach again later tells them again. It returns an error if the message
// fails Message.Validate.
func (n *BookingNotifier) HostAdded(ctx context.Context, tx *sqlx.Tx, notice events.HostNotice) error {
	a := n.author
	v := a.sessionView(events.Event{Title: notice.Title, Slug: notice.Slug}, events.Session{})
	v.When, v.ShortWhen, v.EventURL = "", "", ""
	v.AddedBy = person{Name: oneLine(notice.AddedBy.Name, MaxNameLen), Email: notice.AddedBy.Email}
	v.HostOf, v.HostOfStatus, v.DashboardURL = notice.What, string(notice.Status), a.site.baseURL+"/dashboard"
	email := strings.ToLower(notice.Host.Email)
	key := fmt.Sprintf("host:%s:%s:%d:%d", strings.ReplaceAll(notice.What, " ", "_"), notice.Slug, notice.Host.CoachID, a.now().Unix())
	m, err := a.message(KindHostAdded, key, person{Name: notice.Host.Name, Email: email}, "", v, nil, "")
	if err != nil {
		return fmt.Errorf("notify host added %s: %w", email, err)
	}
	if _, err := Enqueue(ctx, tx, m); err != nil {
		return fmt.Errorf("notify host added %s: %w", email, err)
	}
	return nil
}
