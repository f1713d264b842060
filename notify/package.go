package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
)

// NotifyPackage enqueues, in tx, the one message a package notice causes,
// to the purchase's client:
//
//   - package_confirmed, keyed package:<ref>:confirmed, with the credit code
//     and the package page;
//   - package_expiring, keyed package:<ref>:expiring:<days>:<expiry, unix
//     seconds>, so an extended package is reminded again for its new date;
//   - package_refunded, keyed package:<ref>:refunded.
//
// The expiry is shown in UTC, the zone it is kept in: a purchase has no
// zone of its own.
// It returns an error for an unknown kind or a message that fails
// Message.Validate; the caller's transaction should then roll back.
func (n *BookingNotifier) NotifyPackage(ctx context.Context, tx *sqlx.Tx, notice booking.PackageNotice) error {
	a := n.author
	p := notice.Purchase
	siteName := a.site.from.Name
	if siteName == "" {
		siteName = a.site.host
	}
	v := view{SiteName: siteName, SiteURL: a.site.baseURL}
	v.Event, v.Ref, v.ManageURL, v.CreditCode = notice.Package.Title, p.Ref, notice.PageURL, notice.CreditCode
	v.Location = notice.Type.Title
	v.Credits = p.CreditsBought
	if p.ExpiresAt != nil {
		v.Expires = formatInstant(*p.ExpiresAt, time.UTC)
	}
	key := "package:" + p.Ref + ":"
	var kind Kind
	switch notice.Kind {
	case booking.NoticePackageConfirmed:
		kind, key = KindPackageConfirmed, key+"confirmed"
	case booking.NoticePackageExpiring:
		kind, v.Credits, v.Lead = KindPackageExpiring, p.CreditsLeft, plural(notice.DaysLeft, "day")
		expiry := int64(0)
		if p.ExpiresAt != nil {
			expiry = p.ExpiresAt.Unix()
		}
		key += fmt.Sprintf("expiring:%d:%d", notice.DaysLeft, expiry)
	case booking.NoticePackageRefunded:
		kind, key = KindPackageRefunded, key+"refunded"
		if notice.RefundCents > 0 {
			v.Refund = formatMoney(notice.RefundCents, p.Currency)
		}
	default:
		return fmt.Errorf("notify package %s: unknown kind %q", p.Ref, notice.Kind)
	}
	m, err := a.message(kind, key, person{Name: p.Name, Email: p.Email}, p.Ref, v, nil, "")
	if err == nil {
		err = m.Validate()
	}
	if err == nil {
		_, err = Enqueue(ctx, tx, m)
	}
	if err != nil {
		return fmt.Errorf("notify %s %s: %w", notice.Kind, p.Ref, err)
	}
	return nil
}
