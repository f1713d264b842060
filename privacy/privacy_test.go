package privacy_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
)

func TestExport(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	adaPast, _ := fx.people(t)
	t.Run("a coach's export holds every row of the person and nobody else's", func(t *testing.T) {
		got, err := fx.privacy.ExportPerson(ctx, fx.coach.ID, " ADA@example.com ")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Bookings) != 3 || len(got.Waitlist) != 1 {
			t.Fatalf("bookings %d, waitlist %d; want 3 and 1", len(got.Bookings), len(got.Waitlist))
		}
		if len(got.Messages) == 0 {
			t.Error("no messages in the export")
		}
		raw, _ := json.Marshal(got)
		for _, other := range []string{"bob@example.com", "Bob Baker"} {
			if strings.Contains(string(raw), other) {
				t.Errorf("export of Ada holds %q", other)
			}
		}
		if strings.Contains(string(raw), adaPast.Token) {
			t.Error("export holds a manage token")
		}
		if len(got.Purchases) != 1 || got.Purchases[0].Ref != fx.adaPackage.Purchase.Ref || got.Purchases[0].CreditsLeft != 2 {
			t.Errorf("package purchases %+v; want Ada's gift of two chats", got.Purchases)
		}
		if strings.Contains(string(raw), fx.adaPackage.CreditCode) {
			t.Error("export holds a credit code")
		}
		if !strings.Contains(string(raw), `"kind":"package_confirmed"`) {
			t.Error("export lacks the package's confirmation email")
		}
		b := got.Bookings[0]
		if len(b.Consents) != 2 || b.Consents[0].Text != fx.privSets.Terms || b.Consents[0].TextVersion != fx.privSets.TextVersion ||
			!b.Consents[0].Granted || b.Consents[1].Kind != "marketing" || b.Consents[1].Granted {
			t.Errorf("consents %+v", b.Consents)
		}
		if len(b.History) == 0 || b.AmountCents != 4900 {
			t.Errorf("booking %+v", b)
		}
	})
	t.Run("the attendee's export from their manage link is the same person", func(t *testing.T) {
		got, err := fx.privacy.ExportBooking(ctx, adaPast.Booking.Ref, adaPast.Token)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "ada@example.com" || len(got.Bookings) != 3 || got.Scope != "all" {
			t.Errorf("export %s: %d bookings, scope %s", got.Email, len(got.Bookings), got.Scope)
		}
	})
	t.Run("a wrong token exports nothing", func(t *testing.T) {
		if _, err := fx.privacy.ExportBooking(ctx, adaPast.Booking.Ref, "wrong"); !errors.Is(err, booking.ErrNotFound) {
			t.Errorf("err %v, want not found", err)
		}
	})
	t.Run("every export is on the record, without the data", func(t *testing.T) {
		log, err := fx.privacy.Log(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != 2 || log[0].Action != "export" {
			t.Errorf("log %+v", log)
		}
		raw, _ := json.Marshal(log)
		if strings.Contains(strings.ToLower(string(raw)), "ada") {
			t.Errorf("the record holds personal data: %s", raw)
		}
	})
}

func TestConsent(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	t.Run("a booking without the required consent is refused", func(t *testing.T) {
		_, err := fx.booking.Reserve(ctx, booking.Request{SessionID: fx.taster.Sessions[0].ID, Name: "Ada", Email: "ada@example.com", Seats: 1})
		if !errors.Is(err, booking.ErrConsentRequired) {
			t.Errorf("err %v, want consent required", err)
		}
	})
	t.Run("a new text gets a new version, recorded with the consent", func(t *testing.T) {
		p := fx.privSets
		p.Terms = "I agree to the new terms."
		saved, err := fx.coaches.SetPrivacy(ctx, fx.coach.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		if saved.TextVersion != fx.privSets.TextVersion+1 {
			t.Fatalf("version %d after a change from %d", saved.TextVersion, fx.privSets.TextVersion)
		}
		fx.consent.Marketing = true
		res := fx.book(t, fx.taster.Sessions[0].ID, "Ada", "ada@example.com")
		got, err := fx.booking.Consents(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Text != p.Terms || got[0].TextVersion != saved.TextVersion || !got[1].Granted {
			t.Errorf("consents %+v", got)
		}
	})
}

func TestErasure(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	adaPast, adaFuture := fx.people(t)
	if found := traces(t, fx.db, "ada@example.com", "Ada Lovelace"); len(found) == 0 {
		t.Fatal("the scan finds no trace of Ada before erasure: it cannot find one after")
	}
	fx.clock.Set(fx.sept22.Add(24 * time.Hour)) // her first Lab date is over, the second to come
	req, err := fx.privacy.RequestErasure(ctx, adaPast.Booking.Ref, adaPast.Token)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("the request waits for the coach's grace period", func(t *testing.T) {
		if want := fx.clock.Now().Add(3 * 24 * time.Hour); !req.EraseAfter.Equal(want) {
			t.Errorf("erase after %s, want %s", req.EraseAfter, want)
		}
		if n, err := fx.privacy.EraseDue(ctx); err != nil || n != 0 {
			t.Errorf("erased %d early (err %v)", n, err)
		}
	})
	fx.clock.Set(req.EraseAfter)
	if n, err := fx.privacy.EraseDue(ctx); err != nil || n != 1 {
		t.Fatalf("erased %d, err %v; want 1", n, err)
	}
	t.Run("no trace of the email or the name is left in any table", func(t *testing.T) {
		for _, f := range traces(t, fx.db, "ada@example.com", "Ada Lovelace") {
			t.Error(f)
		}
	})
	t.Run("someone else's data stays", func(t *testing.T) {
		if found := traces(t, fx.db, "bob@example.com", "Bob Baker"); len(found) == 0 {
			t.Error("Bob was erased too")
		}
	})
	t.Run("the money records stay and future bookings are cancelled by policy", func(t *testing.T) {
		var past, future struct {
			Status        string `db:"status"`
			AmountCents   int64  `db:"amount_cents"`
			PaymentIntent string `db:"payment_intent"`
		}
		q := fx.db.Rebind(`SELECT status, amount_cents, payment_intent FROM bookings WHERE ref = ?`)
		if err := fx.db.Get(&past, q, adaPast.Booking.Ref); err != nil {
			t.Fatal(err)
		}
		if err := fx.db.Get(&future, q, adaFuture.Booking.Ref); err != nil {
			t.Fatal(err)
		}
		if past.Status != "confirmed" || past.AmountCents != 4900 || past.PaymentIntent == "" {
			t.Errorf("past booking %+v", past)
		}
		if future.Status != "cancelled" || future.AmountCents != 4900 {
			t.Errorf("future booking %+v", future)
		}
		var refunded int64
		if err := fx.db.Get(&refunded, fx.db.Rebind(`SELECT COALESCE(SUM(r.amount_cents), 0) FROM refunds r JOIN bookings b ON b.id = r.booking_id WHERE b.ref = ?`), adaFuture.Booking.Ref); err != nil {
			t.Fatal(err)
		}
		if refunded != 4900 {
			t.Errorf("refund queued %d, want 4900", refunded)
		}
	})
	t.Run("the invariants hold", fx.mustCheck)
	t.Run("the manage link no longer works", func(t *testing.T) {
		if _, err := fx.booking.Get(ctx, adaPast.Booking.Ref, booking.Actor{Token: adaPast.Token}); !errors.Is(err, booking.ErrNotFound) {
			t.Errorf("err %v", err)
		}
	})
	t.Run("a coach's erasure of someone else is immediate", func(t *testing.T) {
		got, err := fx.privacy.ErasePerson(ctx, fx.coach.ID, "bob@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Refs) != 2 {
			t.Errorf("erased %v", got.Refs)
		}
		for _, f := range traces(t, fx.db, "bob@example.com", "Bob Baker") {
			t.Error(f)
		}
		fx.mustCheck(t)
	})
}

func TestRetention(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	fx.people(t)
	t.Run("sent bodies are emptied after 30 days; nobody is anonymised before their retention ends", func(t *testing.T) {
		fx.clock.Set(fx.sept22.AddDate(0, 0, 29))
		got, err := fx.privacy.Retain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Bookings != 0 || got.Waitlist != 0 || got.Bodies == 0 {
			t.Errorf("retained %+v", got)
		}
		var bodies int
		if err := fx.db.Get(&bodies, `SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND (text_body <> '' OR html_body <> '')`); err != nil || bodies != 0 {
			t.Errorf("%d sent messages keep their bodies (err %v)", bodies, err)
		}
	})
	t.Run("the first dates' people are anonymised 30 days after they ended", func(t *testing.T) {
		fx.clock.Set(fx.sept22.AddDate(0, 0, 31))
		got, err := fx.privacy.Retain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Bookings != 3 || got.Waitlist != 1 {
			t.Errorf("retained %+v; want 3 bookings (Ada's and Bob's Lab, Bob's Taster), 1 entry", got)
		}
		for _, f := range traces(t, fx.db, "Bob Baker", "bob@example.com") {
			t.Error(f)
		}
		if found := traces(t, fx.db, "ada@example.com"); len(found) == 0 {
			t.Error("Ada's later dates were anonymised too early")
		}
		if got.Purchases != 0 {
			t.Errorf("%d package purchases anonymised while still valid", got.Purchases)
		}
		fx.mustCheck(t)
	})
	t.Run("a package purchase is anonymised 30 days after it expired", func(t *testing.T) {
		expires := fx.purchaseExpiry(t)
		fx.clock.Set(expires.AddDate(0, 0, 31))
		got, err := fx.privacy.Retain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Purchases != 1 {
			t.Errorf("retained %+v; want Ada's package purchase", got)
		}
		for _, f := range traces(t, fx.db, "Ada Lovelace", "ada@example.com") {
			t.Error(f)
		}
	})
}
