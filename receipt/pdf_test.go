package receipt

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func vatInvoice() Document {
	return Document{
		Kind: Receipt, Number: "R-000042", IssuedAt: time.Date(2027, 9, 1, 10, 0, 0, 0, time.UTC),
		Seller:    Seller{Name: "James Downer Coaching", Address: "1 High Street\nLondon N1 1AA", TaxID: "GB123456789", Registered: true},
		BuyerName: "Ada Lovelace", BuyerEmail: "ada@example.com", Reference: "CCL-7KQ2M9",
		Subject: "Career Clarity Lab — Wed 22 Sep 2027, 18:00 BST", Currency: "GBP", Inclusive: true, Code: "CLARITY20",
		Lines: []Line{
			{Description: "Standard", Quantity: 2, UnitCents: 4900, DiscountCents: 1960, NetCents: 6533, TaxCents: 1307, GrossCents: 7840, RateBasisPoints: 2000},
			{Description: "Concession", Quantity: 1, UnitCents: 2500, DiscountCents: 500, NetCents: 1667, TaxCents: 333, GrossCents: 2000, RateBasisPoints: 2000},
		},
		NetCents: 8200, TaxCents: 1640, GrossCents: 9840,
	}
}

// pdfText extracts a PDF's text with poppler's pdftotext (Debian
// poppler-utils, installed by .ci/run), in reading order.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	cmd := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext (Debian poppler-utils): %v", err)
	}
	return string(out)
}

func TestPDF(t *testing.T) {
	for _, tc := range []struct {
		name  string
		doc   func() Document
		want  []string
		avoid []string
	}{
		{"a VAT invoice names seller, VAT number, buyer, lines and totals", vatInvoice,
			[]string{"VAT invoice", "R-000042", "1 September 2027", "James Downer Coaching", "1 High Street", "London N1 1AA",
				"VAT number: GB123456789", "Ada Lovelace", "CCL-7KQ2M9", "Career Clarity Lab", "Standard", "Concession",
				"£49.00", "£19.60", "20%", "£65.33", "£13.07", "£82.00", "£16.40", "£98.40", "Total paid", "Prices include VAT.", "CLARITY20"}, nil},
		{"an unregistered seller's receipt says no VAT is charged", func() Document {
			d := vatInvoice()
			d.Seller.Registered, d.Seller.TaxID = false, ""
			return d
		}, []string{"Receipt", "not registered for VAT"}, []string{"VAT invoice", "VAT number"}},
		{"a credit note names the receipt it credits", func() Document {
			d := vatInvoice()
			d.Kind, d.Number, d.Refers = CreditNote, "CN-000007", "R-000042"
			return d
		}, []string{"Credit note", "CN-000007", "Credits: R-000042", "Total credited"}, []string{"Total paid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pdf, err := PDF(tc.doc())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
				t.Fatalf("not a PDF: %q", pdf[:min(len(pdf), 16)])
			}
			text := pdfText(t, pdf)
			for _, want := range tc.want {
				if !strings.Contains(text, want) {
					t.Errorf("the PDF's text lacks %q:\n%s", want, text)
				}
			}
			for _, avoid := range tc.avoid {
				if strings.Contains(text, avoid) {
					t.Errorf("the PDF's text has %q:\n%s", avoid, text)
				}
			}
		})
	}
}

func TestRate(t *testing.T) {
	for bp, want := range map[int]string{2000: "20%", 1250: "12.5%", 0: "0%", 505: "5.05%"} {
		if got := rate(bp); got != want {
			t.Errorf("rate(%d) = %q, want %q", bp, got, want)
		}
	}
}
