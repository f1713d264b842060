package booking_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/payments"
)

// NotifyPackage makes notices a booking.PackageNotifier too.
func (n *notices) NotifyPackage(_ context.Context, _ *sqlx.Tx, notice booking.PackageNotice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.packages = append(n.packages, notice)
	return nil
}

func (n *notices) packageKinds(ref string) []booking.NoticeKind {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []booking.NoticeKind
	for _, x := range n.packages {
		if x.Purchase.Ref == ref {
			out = append(out, x.Kind)
		}
	}
	return out
}

// packageFixture is the coaching fixture taking payments offline, with a
// paid Career chat (£90, refund window 48 hours) hosted by James and
// Parveen, and a package of four of them for £300 valid 180 days.
type packageFixture struct {
	*coachingFixture
	offline *payments.Offline
	pkg     booking.Package
}

func newPackageFixture(t testing.TB) *packageFixture {
	t.Helper()
	fx := &packageFixture{coachingFixture: newCoachingFixture(t)}
	fx.offline = payments.NewOfflineWithClock("http://roster.test", fx.clock.Now)
	fx.svc = booking.NewService(fx.db, fx.notices, booking.Config{BaseURL: "http://roster.test", Payments: fx.offline}, fx.clock.Now)
	fx.createType(t, chatInput("career-chat", 9000, "any", "parveen@example.com"))
	fx.pkg = fx.createPackage(t, "four-chats", 4, 30000)
	return fx
}

func (fx *packageFixture) createPackage(t testing.TB, slug string, credits int, price int64) booking.Package {
	t.Helper()
	p, err := fx.svc.CreatePackage(context.Background(), fx.coach.ID, booking.PackageInput{Slug: slug, Title: "Four chats",
		AppointmentType: "career-chat", Credits: credits, PriceCents: price, Currency: "GBP", ValidDays: 180})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// buy starts a purchase of slug and opens its checkout, returning the
// purchase and the checkout id.
func (fx *packageFixture) buy(t testing.TB, slug, email string) (booking.PurchaseResult, string) {
	t.Helper()
	ctx := context.Background()
	res, err := fx.svc.BuyPackage(ctx, booking.PurchaseRequest{PackageSlug: slug, Name: "Ada Lovelace", Email: email})
	if err != nil {
		t.Fatal(err)
	}
	if res.Purchase.Status != booking.PurchasePending {
		return res, ""
	}
	co, err := fx.svc.StartPackageCheckout(ctx, res.Purchase.Ref, res.CreditCode)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(co.URL)
	return res, strings.TrimPrefix(u.Path, "/checkout/test/")
}

// paidPackage buys the four-chat package and pays for it.
func (fx *packageFixture) paidPackage(t testing.TB, email string) booking.PurchaseResult {
	t.Helper()
	res, cs := fx.buy(t, "four-chats", email)
	outcome, err := fx.svc.ApplyPayment(context.Background(), fx.offline.CompleteEvent(cs, res.Purchase.Ref, 30000, "GBP", fx.clock.Now()))
	if err != nil || outcome != "package confirmed" {
		t.Fatalf("pay for the package: %q %v", outcome, err)
	}
	return res
}

func (fx *packageFixture) bookWithCredit(start time.Time, email, code string) (booking.AppointmentResult, error) {
	return fx.svc.BookAppointment(context.Background(), booking.AppointmentRequest{TypeSlug: "career-chat", Start: start,
		Name: "Ada Lovelace", Email: email, Timezone: "Europe/London", CreditCode: code})
}

func (fx *packageFixture) purchase(t testing.TB, res booking.PurchaseResult) booking.PurchaseDetails {
	t.Helper()
	d, err := fx.svc.PackagePurchase(context.Background(), res.Purchase.Ref, booking.Actor{Token: res.CreditCode})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// wantCredits checks a purchase's counters: used, left and voided.
func (fx *packageFixture) wantCredits(t testing.TB, res booking.PurchaseResult, used, left, voided int) booking.PurchaseDetails {
	t.Helper()
	d := fx.purchase(t, res)
	if d.CreditsUsed != used || d.CreditsLeft != left || d.CreditsVoided != voided {
		t.Errorf("credits used %d, left %d, voided %d; want %d, %d, %d", d.CreditsUsed, d.CreditsLeft, d.CreditsVoided, used, left, voided)
	}
	return d
}

// nextSlot is the first slot of the Career chat in the week after the
// fixture's clock.
func (fx *packageFixture) nextSlot(t testing.TB) time.Time {
	t.Helper()
	from := availability.DateOf(fx.clock.Now().AddDate(0, 0, 1))
	list, err := fx.svc.Slots(context.Background(), "career-chat", from, from.AddDays(7), "UTC")
	if err != nil || len(list.Slots) == 0 {
		t.Fatalf("no slot in the week after %s: %v", fx.clock.Now(), err)
	}
	return list.Slots[0].Start
}
