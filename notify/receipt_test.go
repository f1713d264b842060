package notify_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/receipt"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// TestReceiptAttachment: a paid confirmation carries its receipt as a PDF
// attachment beside the invite; a refund receipt its credit note; other
// messages nothing.
func TestReceiptAttachment(t *testing.T) {
	e, s := lab()
	doc := &receipt.Document{Kind: receipt.Receipt, Number: "R-000042", IssuedAt: time.Date(2027, 9, 1, 10, 0, 0, 0, time.UTC),
		Seller:    receipt.Seller{Name: "James Downer Coaching", Address: "1 High Street", TaxID: "GB123456789", Registered: true},
		BuyerName: "Ada Lovelace", BuyerEmail: "ada@example.com", Reference: "CCL-7KQ2M9", Currency: "GBP",
		Lines:    []receipt.Line{{Description: "Standard", Quantity: 2, UnitCents: 4900, NetCents: 9800, TaxCents: 1960, GrossCents: 11760, RateBasisPoints: 2000}},
		NetCents: 9800, TaxCents: 1960, GrossCents: 11760}
	note := *doc
	note.Kind, note.Number, note.Refers = receipt.CreditNote, "CN-000007", "R-000042"
	creditNote := &note
	for _, tc := range []struct {
		name     string
		notice   booking.Notice
		filename string
	}{
		{"a paid confirmation carries its receipt", booking.Notice{Kind: booking.NoticeConfirmed, Booking: adaBooking(), Event: e, Session: s, ManageURL: manageURL, Receipt: doc}, "R-000042.pdf"},
		{"a refund receipt carries its credit note", booking.Notice{Kind: booking.NoticeRefunded, Booking: adaBooking(), Event: e, Session: s,
			RefundCents: 1000, RefundCurrency: "GBP", RefundID: 7, Receipt: creditNote}, "CN-000007.pdf"},
		{"a cancellation carries none, even with a document", booking.Notice{Kind: booking.NoticeCancelled, Booking: adaBooking(), Event: e, Session: s, Receipt: doc}, ""},
		{"a free confirmation carries none", booking.Notice{Kind: booking.NoticeConfirmed, Booking: adaBooking(), Event: e, Session: s, ManageURL: manageURL}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := sqldbtest.MustOpenDB(t)
			c := newClock(time.Date(2027, 9, 1, 10, 0, 0, 0, time.UTC))
			if err := notifyAll(t, db, newNotifier(t, c), tc.notice); err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, m := range deliverToMailbox(t, db, c) {
				if !strings.HasSuffix(m.To, "<ada@example.com>") {
					continue
				}
				_, parts := parseMessage(t, m.Raw)
				pdf, ok := findPart(parts, "application/pdf")
				found = found || ok
				if ok && (pdf.Filename != tc.filename || !bytes.HasPrefix(pdf.Body, []byte("%PDF-"))) {
					t.Errorf("attachment %q of %d bytes, want %s holding a PDF", pdf.Filename, len(pdf.Body), tc.filename)
				}
				if _, ok := findPart(parts, "text/calendar"); !ok && tc.notice.Kind == booking.NoticeConfirmed {
					t.Error("the invite is missing beside the receipt")
				}
			}
			if found != (tc.filename != "") {
				t.Errorf("PDF attached: %v, want %v", found, tc.filename != "")
			}
		})
	}
}

func TestSentAttachmentsAreEmptied(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	now := time.Date(2027, 9, 1, 10, 0, 0, 0, time.UTC)
	m := testMessage(1, now)
	m.Attachment, m.AttachmentName = []byte("%PDF-1.3 Ada Lovelace"), "R-000001.pdf"
	enqueue(t, db, m)
	if _, err := db.ExecContext(ctx, db.Rebind(`UPDATE outbox SET status = 'sent', sent_at = ?`), now); err != nil {
		t.Fatal(err)
	}
	n, err := notify.EmptySentBodies(ctx, db, now.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("emptied %d (%v), want 1", n, err)
	}
	var left int
	if err := db.GetContext(ctx, &left, `SELECT COUNT(*) FROM outbox WHERE attachment IS NOT NULL OR attachment_name <> ''`); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d sent messages keep their attachment", left)
	}
}
