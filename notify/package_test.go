package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestPackageNotices(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	c := newClock(time.Date(2027, 11, 1, 9, 0, 0, 0, time.UTC))
	n, err := notify.NewBookingNotifier(notify.Config{BaseURL: "http://roster.example", From: "Roster <no-reply@roster.example>"}, c.Now, discard())
	if err != nil {
		t.Fatal(err)
	}
	expires := time.Date(2028, 4, 29, 9, 0, 0, 0, time.UTC)
	p := booking.Purchase{Ref: "PACK-7KQ2M9", Name: "Ada Lovelace", Email: "ada@example.com", CreditsBought: 4, CreditsLeft: 3,
		Currency: "GBP", ExpiresAt: &expires}
	base := booking.PackageNotice{Purchase: p, Package: booking.Package{Title: "Four chats"}, Type: events.AppointmentType{Title: "Career chat"},
		CreditCode: "code-123", PageURL: "http://roster.example/packages/purchases/PACK-7KQ2M9?t=code-123"}
	cases := []struct {
		kind booking.NoticeKind
		days int
		want []string
	}{
		{booking.NoticePackageConfirmed, 0, []string{"code-123", "4 calls", "Career chat", base.PageURL, "29 April 2028"}},
		{booking.NoticePackageExpiring, 14, []string{"3 credits expire in 14 days", base.PageURL}},
		{booking.NoticePackageRefunded, 0, []string{"£225.00", "PACK-7KQ2M9"}},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			notice := base
			notice.Kind, notice.DaysLeft, notice.RefundCents = tc.kind, tc.days, 22500
			err := db.InTx(ctx, func(tx *sqlx.Tx) error { return n.NotifyPackage(ctx, tx, notice) })
			if err != nil {
				t.Fatal(err)
			}
			entries, err := notify.NewOutbox(db, c.Now).List(ctx, notify.Filter{BookingRef: p.Ref, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var found *notify.Entry
			for i := range entries {
				if entries[i].Kind == notify.Kind(tc.kind) {
					found = &entries[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s message in the outbox", tc.kind)
			}
			var text string
			if err := db.GetContext(ctx, &text, db.Rebind(`SELECT text_body FROM outbox WHERE id = ?`), found.ID); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(found.Subject+"\n"+text, w) {
					t.Errorf("message lacks %q:\n%s\n%s", w, found.Subject, text)
				}
			}
		})
	}
}
