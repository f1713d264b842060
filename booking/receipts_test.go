package booking_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/fault"
	"github.com/roster-app/roster/receipt"
)

func (fx paidFixture) setVAT(t testing.TB, inclusive bool) {
	t.Helper()
	_, err := fx.svc.SetTax(context.Background(), fx.coach.ID, booking.TaxSettings{Registered: true, TaxID: "GB 123 4567 89",
		RateBasisPoints: 2000, Inclusive: inclusive, BusinessName: "James Downer Coaching", BusinessAddress: "1 High Street\nLondon N1 1AA"})
	if err != nil {
		t.Fatal(err)
	}
}

// pay opens the booking's checkout and applies its payment of the
// booking's amount.
func (fx paidFixture) pay(t testing.TB, res booking.Result) {
	t.Helper()
	if err := fx.payErr(res); err != nil {
		t.Fatal(err)
	}
}

func (fx paidFixture) payErr(res booking.Result) error {
	co, err := fx.svc.StartCheckout(context.Background(), res.Booking.Ref, res.Token)
	if err != nil {
		return fmt.Errorf("checkout: %w", err)
	}
	u, _ := url.Parse(co.URL)
	cs := strings.TrimPrefix(u.Path, "/checkout/test/")
	outcome, err := fx.svc.ApplyPayment(context.Background(), fx.offline.CompleteEvent(cs, res.Booking.Ref, res.Booking.AmountCents, "GBP", fx.clock.Now()))
	if err != nil || !strings.HasPrefix(outcome, "confirmed") {
		return fmt.Errorf("payment: %q %w", outcome, err)
	}
	return nil
}

func (fx paidFixture) documents(t testing.TB, res booking.Result) []receipt.Document {
	t.Helper()
	docs, err := fx.svc.Documents(context.Background(), res.Booking.Ref, booking.Actor{Token: res.Token})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func TestTax(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		inclusive bool
		seats     int
		code      string
		amount    int64
		tax       int64
	}{
		{"exclusive VAT is added to the price", false, 2, "", 11760, 1960},
		{"inclusive VAT is inside the price", true, 2, "", 9800, 1633},       // 9800 / 1.2 = 8166.67: net 8167
		{"inclusive VAT on one seat rounds half up", true, 1, "", 4900, 817}, // 4900 / 1.2 = 4083.33
		{"exclusive VAT after a discount", false, 2, "CLARITY20", 9408, 1568},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newPaidFixture(t)
			fx.setVAT(t, tc.inclusive)
			fx.code(t, booking.DiscountCodeInput{Code: "CLARITY20", PercentOff: ptr(20)})
			res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[0].ID, Name: "Ada Lovelace", Email: "ada@example.com",
				Seats: tc.seats, DiscountCode: tc.code})
			if err != nil {
				t.Fatal(err)
			}
			lines, err := fx.svc.Lines(ctx, res.Booking.ID)
			if err != nil || len(lines) != 1 {
				t.Fatalf("lines %+v (%v)", lines, err)
			}
			if res.Booking.AmountCents != tc.amount || lines[0].TaxCents != tc.tax || lines[0].TaxBasisPoints != 2000 {
				t.Errorf("amount %d, tax %d at %d bp; want %d and %d at 2000", res.Booking.AmountCents, lines[0].TaxCents, lines[0].TaxBasisPoints, tc.amount, tc.tax)
			}
		})
	}

	t.Run("a registered coach needs a well-formed VAT number and an address", func(t *testing.T) {
		fx := newFixture(t)
		_, err := fx.svc.SetTax(ctx, fx.coach.ID, booking.TaxSettings{Registered: true, TaxID: "GB12", RateBasisPoints: 2000})
		fields := invalidFields(t, err)
		for _, field := range []string{"tax_id", "business_name", "business_address"} {
			if fields[field] == "" {
				t.Errorf("no complaint about %s: %v", field, fields)
			}
		}
		if _, err := fx.svc.SetTax(ctx, fx.coach.ID, booking.TaxSettings{RateBasisPoints: 10001}); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("a rate over 100%%: %v", err)
		}
	})
}

func TestReceipts(t *testing.T) {
	ctx := context.Background()
	t.Run("a paid booking gets a VAT invoice with the confirmation", func(t *testing.T) {
		fx := newPaidFixture(t)
		fx.setVAT(t, false)
		res := fx.book(t, fx.lab.Sessions[0].ID, "ada@example.com", 2)
		fx.pay(t, res)
		docs := fx.documents(t, res)
		if len(docs) != 1 {
			t.Fatalf("documents %+v, want one receipt", docs)
		}
		d := docs[0]
		if d.Kind != receipt.Receipt || d.Number != "R-000001" || d.Title() != "VAT invoice" || d.Seller.TaxID != "GB123456789" ||
			d.NetCents != 9800 || d.TaxCents != 1960 || d.GrossCents != 11760 || d.Reference != res.Booking.Ref || len(d.Lines) != 1 {
			t.Errorf("receipt %+v", d)
		}
		var attached *receipt.Document
		for _, n := range fx.notices.list {
			if n.Booking.Ref == res.Booking.Ref && n.Kind == booking.NoticeConfirmed {
				attached = n.Receipt
			}
		}
		if attached == nil || attached.Number != "R-000001" {
			t.Errorf("the confirmation carries receipt %+v, want R-000001", attached)
		}
	})

	t.Run("a booking that cost nothing gets no receipt", func(t *testing.T) {
		fx := newPaidFixture(t)
		fx.code(t, booking.DiscountCodeInput{Code: "GUEST", PercentOff: ptr(100)})
		res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[0].ID, Name: "Ada", Email: "ada@example.com", Seats: 1, DiscountCode: "GUEST"})
		if err != nil {
			t.Fatal(err)
		}
		if docs := fx.documents(t, res); len(docs) != 0 {
			t.Errorf("documents %+v, want none", docs)
		}
	})

	t.Run("refunds get credit notes with their own numbers, pro rata of what was paid", func(t *testing.T) {
		fx := newPaidFixture(t)
		fx.setVAT(t, true)
		fx.code(t, booking.DiscountCodeInput{Code: "CLARITY20", PercentOff: ptr(20)})
		res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[0].ID, Name: "Ada", Email: "ada@example.com", Seats: 2, DiscountCode: "CLARITY20"})
		if err != nil {
			t.Fatal(err)
		}
		fx.pay(t, res) // 7840 including 1307 VAT
		if _, err := fx.svc.Refund(ctx, res.Booking.Ref, fx.coach.ID, 1000); err != nil {
			t.Fatal(err)
		}
		if n, err := fx.svc.ProcessRefunds(ctx); err != nil || n != 1 {
			t.Fatalf("refunds made %d (%v)", n, err)
		}
		if _, err := fx.svc.CancelWithRefund(ctx, res.Booking.Ref, booking.Actor{CoachID: fx.coach.ID}, booking.RefundFull); err != nil {
			t.Fatal(err)
		}
		if n, err := fx.svc.ProcessRefunds(ctx); err != nil || n != 1 {
			t.Fatalf("refunds made %d (%v)", n, err)
		}
		docs := fx.documents(t, res)
		if len(docs) != 3 {
			t.Fatalf("documents %+v, want a receipt and two credit notes", docs)
		}
		paid, first, rest := docs[0], docs[1], docs[2]
		if paid.GrossCents != 7840 || paid.TaxCents != 1307 {
			t.Errorf("receipt gross %d tax %d, want 7840 and 1307", paid.GrossCents, paid.TaxCents)
		}
		if first.Number != "CN-000001" || first.Refers != "R-000001" || first.GrossCents != 1000 || first.TaxCents != 166 {
			t.Errorf("first credit note %s of %s: gross %d tax %d; want CN-000001 of R-000001, 1000 and 166", first.Number, first.Refers, first.GrossCents, first.TaxCents)
		}
		if rest.Number != "CN-000002" || rest.GrossCents != 6840 || first.GrossCents+rest.GrossCents != paid.GrossCents {
			t.Errorf("second credit note %s: gross %d; want CN-000002 of the 6840 left", rest.Number, rest.GrossCents)
		}
		if tax := first.TaxCents + rest.TaxCents; tax > paid.TaxCents {
			t.Errorf("credited %d VAT of %d charged", tax, paid.TaxCents)
		}
		fx.mustCheck(t)
	})
}

func TestReceiptNumbersUnderConcurrency(t *testing.T) {
	fx := newPaidFixture(t)
	fx.setVAT(t, false)
	big := fx.createEvent(t, "Big Room", 4900, 100)
	var held []booking.Result
	for i := range 12 {
		held = append(held, fx.book(t, big.Sessions[i%2].ID, fmt.Sprintf("p%d@example.com", i), 1))
	}
	race(t, len(held), func(i int) error { return fx.payErr(held[i]) })
	var numbers []string
	for _, res := range held {
		docs := fx.documents(t, res)
		if len(docs) != 1 {
			t.Fatalf("%s has %d documents, want one receipt", res.Booking.Ref, len(docs))
		}
		numbers = append(numbers, docs[0].Number)
	}
	slices.Sort(numbers)
	for i, n := range numbers {
		if want := fmt.Sprintf("R-%06d", i+1); n != want {
			t.Fatalf("receipt numbers %v: want R-000001 to R-%06d without gaps or repeats", numbers, len(numbers))
		}
	}
	fx.mustCheck(t)
}

func TestAppointmentReceipt(t *testing.T) {
	ctx := context.Background()
	fx := newPackageFixture(t)
	if _, err := fx.svc.SetTax(ctx, fx.coach.ID, booking.TaxSettings{Registered: true, TaxID: "GB123456789", RateBasisPoints: 2000,
		BusinessName: "James Downer Coaching", BusinessAddress: "1 High Street"}); err != nil {
		t.Fatal(err)
	}
	res := fx.mustBookAt(t, "career-chat", at(10, 30), "ada@example.com")
	co, err := fx.svc.StartCheckout(ctx, res.Booking.Ref, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(co.URL)
	if _, err := fx.svc.ApplyPayment(ctx, fx.offline.CompleteEvent(strings.TrimPrefix(u.Path, "/checkout/test/"), res.Booking.Ref, 9000, "GBP", fx.clock.Now())); err != nil {
		t.Fatal(err)
	}
	docs, err := fx.svc.Documents(ctx, res.Booking.Ref, booking.Actor{Token: res.Token})
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents %+v (%v)", docs, err)
	}
	// The call's price was charged as it is: for a registered coach it
	// holds the VAT, 9000 / 1.2.
	if d := docs[0]; d.Title() != "VAT invoice" || d.GrossCents != 9000 || d.NetCents != 7500 || d.TaxCents != 1500 {
		t.Errorf("receipt %s: net %d tax %d gross %d; want a VAT invoice of 7500 + 1500 = 9000", d.Title(), d.NetCents, d.TaxCents, d.GrossCents)
	}
}

func TestErasureKeepsReceiptsWithoutThePerson(t *testing.T) {
	ctx := context.Background()
	fx := newPaidFixture(t)
	fx.setVAT(t, false)
	fx.code(t, booking.DiscountCodeInput{Code: "ONCE", PercentOff: ptr(10), OncePerEmail: true})
	res, err := fx.svc.Reserve(ctx, booking.Request{SessionID: fx.lab.Sessions[0].ID, Name: "Ada Lovelace", Email: "ada@example.com", Seats: 1, DiscountCode: "ONCE"})
	if err != nil {
		t.Fatal(err)
	}
	fx.pay(t, res)
	err = fx.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := fx.svc.ErasePerson(ctx, tx, "ada@example.com", booking.PersonScope{CoachID: fx.coach.ID}, "test")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var held int
	if err := fx.db.GetContext(ctx, &held, fx.db.Rebind(`SELECT COUNT(*) FROM receipts WHERE buyer_email = ? OR buyer_name = ?`), "ada@example.com", "Ada Lovelace"); err != nil {
		t.Fatal(err)
	}
	var keys int
	if err := fx.db.GetContext(ctx, &keys, fx.db.Rebind(`SELECT COUNT(*) FROM discount_uses WHERE once_key LIKE ?`), "%ada@example.com"); err != nil {
		t.Fatal(err)
	}
	var receipts int
	if err := fx.db.GetContext(ctx, &receipts, `SELECT COUNT(*) FROM receipts`); err != nil {
		t.Fatal(err)
	}
	if held != 0 || keys != 0 || receipts != 1 {
		t.Errorf("after erasure: %d receipts and %d code uses still name Ada, %d receipts kept; want 0, 0, 1", held, keys, receipts)
	}
	fx.mustCheck(t)
}
