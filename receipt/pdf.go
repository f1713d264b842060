package receipt

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"

	"github.com/roster-app/roster/money"
)

// PDF renders the document as an A4 PDF. Text is set in the core
// Helvetica font, which holds Windows-1252 only: a character outside it
// (such as ₹) is written as "?" rather than failing the document.
func PDF(d Document) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(d.Title()+" "+d.Number, true)
	pdf.SetCreator("Roster", true)
	pdf.SetCreationDate(d.IssuedAt)
	pdf.SetModificationDate(d.IssuedAt)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	text := func(s string) string { return tr(s) }
	amount := func(cents int64) string { return text(money.Format(cents, d.Currency)) }
	pdf.AddPage()

	pdf.SetFont("Helvetica", "B", 18)
	pdf.CellFormat(0, 10, text(d.Title()), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.CellFormat(0, 5, text("Number: "+d.Number), "", 1, "L", false, 0, "")
	pdf.CellFormat(0, 5, text("Date: "+d.IssuedAt.UTC().Format("2 January 2006")), "", 1, "L", false, 0, "")
	if d.Refers != "" {
		pdf.CellFormat(0, 5, text("Credits: "+d.Refers), "", 1, "L", false, 0, "")
	}
	pdf.CellFormat(0, 5, text("Booking: "+d.Reference), "", 1, "L", false, 0, "")
	pdf.Ln(4)

	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(95, 5, "From", "", 0, "L", false, 0, "")
	pdf.CellFormat(0, 5, "To", "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	from := append([]string{d.Seller.Name}, splitLines(d.Seller.Address)...)
	if d.Seller.Registered && d.Seller.TaxID != "" {
		from = append(from, "VAT number: "+d.Seller.TaxID)
	}
	to := []string{d.BuyerName, d.BuyerEmail}
	for i := range max(len(from), len(to)) {
		pdf.CellFormat(95, 5, text(at(from, i)), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5, text(at(to, i)), "", 1, "L", false, 0, "")
	}
	pdf.Ln(4)
	if d.Subject != "" {
		pdf.MultiCell(0, 5, text(d.Subject), "", "L", false)
		pdf.Ln(2)
	}

	widths := []float64{66, 12, 24, 22, 14, 22, 20}
	headers := []string{"Description", "Qty", "Unit price", "Discount", "Rate", "Net", "Tax"}
	pdf.SetFont("Helvetica", "B", 9)
	for i, h := range headers {
		align := "R"
		if i == 0 {
			align = "L"
		}
		pdf.CellFormat(widths[i], 6, h, "B", 0, align, false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 9)
	for _, l := range d.Lines {
		cells := []string{text(l.Description), fmt.Sprint(l.Quantity), amount(l.UnitCents), amount(l.DiscountCents),
			rate(l.RateBasisPoints), amount(l.NetCents), amount(l.TaxCents)}
		for i, c := range cells {
			align := "R"
			if i == 0 {
				align = "L"
			}
			pdf.CellFormat(widths[i], 6, c, "", 0, align, false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(3)
	total := func(label string, cents int64, bold bool) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, 10)
		pdf.CellFormat(140, 6, text(label), "", 0, "R", false, 0, "")
		pdf.CellFormat(0, 6, amount(cents), "", 1, "R", false, 0, "")
	}
	total("Net", d.NetCents, false)
	total("VAT", d.TaxCents, false)
	if d.Kind == CreditNote {
		total("Total credited", d.GrossCents, true)
	} else {
		total("Total paid", d.GrossCents, true)
	}
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "", 8)
	if d.Code != "" {
		pdf.CellFormat(0, 4, text("Discount code: "+d.Code), "", 1, "L", false, 0, "")
	}
	if !d.Seller.Registered {
		pdf.CellFormat(0, 4, "The seller is not registered for VAT: no VAT is charged.", "", 1, "L", false, 0, "")
	} else if d.Inclusive {
		pdf.CellFormat(0, 4, "Prices include VAT.", "", 1, "L", false, 0, "")
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render %s %s: %w", d.Kind, d.Number, err)
	}
	return buf.Bytes(), nil
}

func splitLines(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

// rate writes basis points as a percentage: 2000 is "20%", 1250 "12.5%".
func rate(bp int) string {
	s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}
