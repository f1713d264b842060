package booking_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
)

func TestPackages(t *testing.T) {
	ctx := context.Background()
	t.Run("buy, pay, and book with a credit that skips payment", func(t *testing.T) {
		fx := newPackageFixture(t)
		res := fx.paidPackage(t, "ada@example.com")
		if got := fx.notices.packageKinds(res.Purchase.Ref); len(got) != 1 || got[0] != booking.NoticePackageConfirmed {
			t.Errorf("package notices %v, want the confirmation with the code", got)
		}
		appt, err := fx.bookWithCredit(at(10, 30), "ada@example.com", res.CreditCode)
		if err != nil {
			t.Fatal(err)
		}
		if b := appt.Booking; b.Status != booking.Confirmed || b.AmountCents != 0 {
			t.Errorf("booked with a credit: status %s, amount %d; want confirmed, 0", b.Status, b.AmountCents)
		}
		d := fx.wantCredits(t, res, 1, 3, 0)
		if len(d.Uses) != 1 || d.Uses[0].BookingRef != appt.Booking.Ref || !d.Uses[0].StartsAt.Equal(at(10, 30)) {
			t.Errorf("uses %+v", d.Uses)
		}
		if d.ExpiresAt == nil || !d.ExpiresAt.Equal(fx.clock.Now().AddDate(0, 0, 180)) {
			t.Errorf("expires at %v, want 180 days after payment", d.ExpiresAt)
		}
		fx.mustCheck(t)
	})
	t.Run("an unpaid package's code is refused as not paid yet", func(t *testing.T) {
		fx := newPackageFixture(t)
		res, _ := fx.buy(t, "four-chats", "ada@example.com")
		_, err := fx.bookWithCredit(at(10, 30), "ada@example.com", res.CreditCode)
		if !errors.Is(err, booking.ErrPackageUnpaid) {
			t.Fatalf("got %v, want package_unpaid", err)
		}
		if starts := fx.slotStarts(t, "career-chat"); !containsTime(starts, at(10, 30)) {
			t.Error("a refused credit booking kept the slot")
		}
	})
	t.Run("a gift package confirms at once", func(t *testing.T) {
		fx := newPackageFixture(t)
		fx.createPackage(t, "gift-chats", 2, 0)
		res, _ := fx.buy(t, "gift-chats", "ada@example.com")
		if res.Purchase.Status != booking.PurchaseActive {
			t.Fatalf("status %s, want active", res.Purchase.Status)
		}
		if _, err := fx.bookWithCredit(at(10, 30), "ada@example.com", res.CreditCode); err != nil {
			t.Fatal(err)
		}
		fx.wantCredits(t, res, 1, 1, 0)
	})
	t.Run("a credit of another type's package is refused", func(t *testing.T) {
		fx := newPackageFixture(t)
		fx.createType(t, chatInput("deep-dive", 0, "any"))
		res := fx.paidPackage(t, "ada@example.com")
		_, err := fx.svc.BookAppointment(ctx, booking.AppointmentRequest{TypeSlug: "deep-dive", Start: at(10, 30),
			Name: "Ada", Email: "ada@example.com", CreditCode: res.CreditCode})
		if fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("got %v, want a validation error", err)
		}
		fx.wantCredits(t, res, 0, 4, 0)
	})
	t.Run("cancelling inside the refund window gives the credit back", func(t *testing.T) {
		fx := newPackageFixture(t)
		res := fx.paidPackage(t, "ada@example.com")
		appt, err := fx.bookWithCredit(at(10, 30), "ada@example.com", res.CreditCode)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.Cancel(ctx, appt.Booking.Ref, booking.Actor{Token: appt.Token}); err != nil {
			t.Fatal(err)
		}
		d := fx.wantCredits(t, res, 0, 4, 0)
		if len(d.Uses) != 1 || d.Uses[0].ReturnedAt == nil {
			t.Errorf("uses %+v, want the one returned", d.Uses)
		}
		fx.mustCheck(t)
	})
	t.Run("cancelling after the refund window keeps the credit spent", func(t *testing.T) {
		fx := newPackageFixture(t)
		res := fx.paidPackage(t, "ada@example.com")
		appt, err := fx.bookWithCredit(at(10, 30), "ada@example.com", res.CreditCode)
		if err != nil {
			t.Fatal(err)
		}
		fx.clock.Advance(at(10, 30).Sub(fx.clock.Now()) - 47*time.Hour)
		if _, err := fx.svc.Cancel(ctx, appt.Booking.Ref, booking.Actor{Token: appt.Token}); err != nil {
			t.Fatal(err)
		}
		fx.wantCredits(t, res, 1, 3, 0)
		fx.mustCheck(t)
	})
	t.Run("a coach cancelling with a full refund gives the credit back even late", func(t *testing.T) {
		fx := newPackageFixture(t)
		res := fx.paidPackage(t, "ada@example.com")
		appt, err := fx.bookWithCredit(at(10, 30), "ada@example.com", res.CreditCode)
		if err != nil {
			t.Fatal(err)
		}
		fx.clock.Advance(at(10, 30).Sub(fx.clock.Now()) - time.Hour)
		if _, err := fx.svc.CancelWithRefund(ctx, appt.Booking.Ref, booking.Actor{CoachID: fx.coach.ID}, booking.RefundFull); err != nil {
			t.Fatal(err)
		}
		fx.wantCredits(t, res, 0, 4, 0)
	})
	t.Run("rescheduling spends nothing", func(t *testing.T) {
		fx := newPackageFixture(t)
		res := fx.paidPackage(t, "ada@example.com")
		appt, err := fx.bookWithCredit(at(10, 30), "ada@example.com", res.CreditCode)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.Reschedule(ctx, appt.Booking.Ref, booking.Actor{Token: appt.Token}, at(13, 30)); err != nil {
			t.Fatal(err)
		}
		d := fx.wantCredits(t, res, 1, 3, 0)
		if len(d.Uses) != 1 || !d.Uses[0].StartsAt.Equal(at(13, 30)) {
			t.Errorf("uses %+v, want the one call at its new time", d.Uses)
		}
		fx.mustCheck(t)
	})
}

func TestPackageExpiryAndRefund(t *testing.T) {
	ctx := context.Background()
	t.Run("unused credits expire; the client is reminded 14 and 2 days before", func(t *testing.T) {
		fx := newPackageFixture(t)
		res := fx.paidPackage(t, "ada@example.com")
		if _, err := fx.bookWithCredit(at(10, 30), "ada@example.com", res.CreditCode); err != nil {
			t.Fatal(err)
		}
		expires := *fx.purchase(t, res).ExpiresAt
		sweep := func(at time.Time) int {
			t.Helper()
			fx.clock.Advance(at.Sub(fx.clock.Now()))
			n, err := fx.svc.ExpirePackages(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		expiring := func() int {
			n := 0
			for _, k := range fx.notices.packageKinds(res.Purchase.Ref) {
				if k == booking.NoticePackageExpiring {
					n++
				}
			}
			return n
		}
		sweep(expires.AddDate(0, 0, -15))
		if got := expiring(); got != 0 {
			t.Errorf("%d reminders 15 days before, want none", got)
		}
		sweep(expires.AddDate(0, 0, -14))
		sweep(expires.AddDate(0, 0, -13))
		if got := expiring(); got != 1 {
			t.Errorf("%d reminders after the 14-day mark, want 1", got)
		}
		sweep(expires.AddDate(0, 0, -2))
		sweep(expires.Add(-time.Hour))
		if got := expiring(); got != 2 {
			t.Errorf("%d reminders after the 2-day mark, want 2", got)
		}
		if n := sweep(expires); n != 1 {
			t.Fatalf("%d expired, want 1", n)
		}
		d := fx.wantCredits(t, res, 1, 0, 3)
		if d.Status != booking.PurchaseExpired {
			t.Errorf("status %s, want expired", d.Status)
		}
		if _, err := fx.bookWithCredit(fx.nextSlot(t), "ada@example.com", res.CreditCode); !errors.Is(err, booking.ErrNoCreditsLeft) {
			t.Errorf("booking with an expired package: %v, want no_credits_left", err)
		}
		fx.mustCheck(t)
	})
	t.Run("the coach extends an expired package and its credits come back", func(t *testing.T) {
		fx := newPackageFixture(t)
		res := fx.paidPackage(t, "ada@example.com")
		fx.clock.Advance(181 * 24 * time.Hour)
		if _, err := fx.svc.ExpirePackages(ctx); err != nil {
			t.Fatal(err)
		}
		p, err := fx.svc.ExtendPackage(ctx, fx.coach.ID, res.Purchase.Ref, 30)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != booking.PurchaseActive || !p.ExpiresAt.Equal(fx.clock.Now().AddDate(0, 0, 30)) {
			t.Errorf("extended: %s until %v", p.Status, p.ExpiresAt)
		}
		fx.wantCredits(t, res, 0, 4, 0)
		if _, err := fx.svc.ExtendPackage(ctx, fx.parveen.ID+100, res.Purchase.Ref, 30); !errors.Is(err, booking.ErrPurchaseNotFound) {
			t.Errorf("a stranger extended: %v", err)
		}
		fx.mustCheck(t)
	})
	t.Run("the coach refunds the unused part pro rata; credits left go to zero", func(t *testing.T) {
		fx := newPackageFixture(t)
		res := fx.paidPackage(t, "ada@example.com")
		if _, err := fx.bookWithCredit(at(10, 30), "ada@example.com", res.CreditCode); err != nil {
			t.Fatal(err)
		}
		p, err := fx.svc.RefundPackage(ctx, fx.coach.ID, res.Purchase.Ref, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != booking.PurchaseRefunded {
			t.Errorf("status %s, want refunded", p.Status)
		}
		fx.wantCredits(t, res, 1, 0, 3)
		if n, err := fx.svc.ProcessPackageRefunds(ctx); err != nil || n != 1 {
			t.Fatalf("refunds made %d, %v; want 1", n, err)
		}
		if got := fx.purchase(t, res).RefundedCents; got != 22500 {
			t.Errorf("refunded %d, want 3/4 of 30000", got)
		}
		if _, err := fx.bookWithCredit(at(13, 30), "ada@example.com", res.CreditCode); !errors.Is(err, booking.ErrNoCreditsLeft) {
			t.Errorf("booking with a refunded package: %v, want no_credits_left", err)
		}
		if _, err := fx.svc.RefundPackage(ctx, fx.coach.ID, res.Purchase.Ref, nil); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("a second refund: %v, want conflict", err)
		}
		fx.mustCheck(t)
	})
	t.Run("an edited refund amount may not exceed what was paid", func(t *testing.T) {
		fx := newPackageFixture(t)
		res := fx.paidPackage(t, "ada@example.com")
		too := int64(30001)
		if _, err := fx.svc.RefundPackage(ctx, fx.coach.ID, res.Purchase.Ref, &too); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("refund more than paid: %v", err)
		}
		fx.wantCredits(t, res, 0, 4, 0)
		all := int64(30000)
		if _, err := fx.svc.RefundPackage(ctx, fx.coach.ID, res.Purchase.Ref, &all); err != nil {
			t.Fatal(err)
		}
		fx.wantCredits(t, res, 0, 0, 4)
	})
	t.Run("a coach grants credits by hand with a note", func(t *testing.T) {
		fx := newPackageFixture(t)
		res, err := fx.svc.GrantCredits(ctx, fx.coach.ID, booking.GrantRequest{PackageSlug: "four-chats", Name: "Grace Hopper",
			Email: "grace@example.com", Credits: 2, Note: "make-up for the cancelled lab"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Purchase.Status != booking.PurchaseActive || res.Purchase.Source != booking.SourceGrant || res.Purchase.AmountCents != 0 {
			t.Errorf("grant %+v", res.Purchase)
		}
		if _, err := fx.bookWithCredit(at(10, 30), "grace@example.com", res.CreditCode); err != nil {
			t.Fatal(err)
		}
		fx.wantCredits(t, res, 1, 1, 0)
		outsider, err := fx.coaches.Add(ctx, "outsider@example.com", "Out Sider", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fx.svc.GrantCredits(ctx, outsider.ID, booking.GrantRequest{PackageSlug: "four-chats", Name: "G",
			Email: "g@example.com"}); !errors.Is(err, booking.ErrPackageNotFound) {
			t.Errorf("a coach not hosting the type granted credits: %v", err)
		}
		balances, outstanding, err := fx.svc.ClientBalances(ctx, fx.coach.ID)
		if err != nil {
			t.Fatal(err)
		}
		if outstanding != 1 || len(balances) != 1 || balances[0].Email != "grace@example.com" || balances[0].CreditsLeft != 1 {
			t.Errorf("balances %+v, outstanding %d", balances, outstanding)
		}
	})
}

func TestPackagePayments(t *testing.T) {
	ctx := context.Background()
	t.Run("a payment after the checkout expired is honoured", func(t *testing.T) {
		fx := newPackageFixture(t)
		res, cs := fx.buy(t, "four-chats", "ada@example.com")
		if _, err := fx.svc.ApplyPayment(ctx, fx.offline.ExpireEvent(cs, res.Purchase.Ref, fx.clock.Now())); err != nil {
			t.Fatal(err)
		}
		if d := fx.purchase(t, res); d.Status != booking.PurchaseAbandoned {
			t.Fatalf("status %s after the checkout expired, want abandoned", d.Status)
		}
		fx.clock.Advance(2 * time.Hour)
		if err := fx.svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		paid := fx.offline.CompleteEvent(cs, res.Purchase.Ref, 30000, "GBP", fx.clock.Now())
		outcome, err := fx.svc.ApplyPayment(ctx, paid)
		if err != nil {
			t.Fatal(err)
		}
		if d := fx.purchase(t, res); d.Status != booking.PurchaseActive || d.CreditsLeft != 4 {
			t.Fatalf("late payment (%s): status %s, %d left", outcome, d.Status, d.CreditsLeft)
		}
		if again, err := fx.svc.ApplyPayment(ctx, paid); err != nil || again != "duplicate: already applied" {
			t.Errorf("the same event again: %q %v", again, err)
		}
		fx.mustCheck(t)
	})
	t.Run("the sweeper ends an unpaid checkout and a late payment still activates it", func(t *testing.T) {
		fx := newPackageFixture(t)
		res, cs := fx.buy(t, "four-chats", "ada@example.com")
		fx.clock.Advance(25 * time.Hour) // past any checkout's expiry
		if err := fx.svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if d := fx.purchase(t, res); d.Status != booking.PurchaseAbandoned {
			t.Fatalf("status %s after the sweep, want abandoned", d.Status)
		}
		if _, err := fx.svc.ApplyPayment(ctx, fx.offline.CompleteEvent(cs, res.Purchase.Ref, 30000, "GBP", fx.clock.Now())); err != nil {
			t.Fatal(err)
		}
		fx.wantCredits(t, res, 0, 4, 0)
		if d := fx.purchase(t, res); d.Status != booking.PurchaseActive {
			t.Errorf("status %s, want active", d.Status)
		}
	})
	t.Run("a payment of the wrong amount is refunded, never honoured", func(t *testing.T) {
		fx := newPackageFixture(t)
		res, cs := fx.buy(t, "four-chats", "ada@example.com")
		if _, err := fx.svc.ApplyPayment(ctx, fx.offline.CompleteEvent(cs, res.Purchase.Ref, 100, "GBP", fx.clock.Now())); err != nil {
			t.Fatal(err)
		}
		if d := fx.purchase(t, res); d.Status != booking.PurchasePending {
			t.Errorf("status %s, want still pending", d.Status)
		}
		if n, err := fx.svc.ProcessPackageRefunds(ctx); err != nil || n != 1 {
			t.Fatalf("refunds %d %v", n, err)
		}
		if d := fx.purchase(t, res); d.RefundedCents != 0 {
			t.Errorf("refunding a wrong payment counted %d as refunding the package", d.RefundedCents)
		}
	})
}
