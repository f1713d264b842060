package booking

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/currency"

	"github.com/roster-app/roster/events"
)

// utf8BOM starts the file so that Excel reads it as UTF-8 (other
// spreadsheets ignore it); without it Excel shows "Zoë" as "ZoÃ«".
const utf8BOM = "\ufeff"

// csvTimeLayout is sortable and understood by every spreadsheet.
const csvTimeLayout = "2006-01-02 15:04"

// WriteAttendeesCSV writes a date's attendee list as CSV: UTF-8 with a byte
// order mark, CRLF line ends (RFC 4180), a header row, then one line per
// booking with one column per registration question. Times are in the
// event's time zone; amounts are plain decimals in the booking's currency.
// Every cell is made safe to open in a spreadsheet (see SpreadsheetSafe).
func WriteAttendeesCSV(w io.Writer, e events.Event, questions []Question, attendees []Attendee) error {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return err
	}
	cw := &csvWriter{w: w}
	header := []string{"Ref", "Name", "Email", "Seats", "Status", "Amount", "Refunded", "Currency", "Booked at", "Checked in at"}
	for _, q := range questions {
		header = append(header, q.Label)
	}
	if err := writeSafe(cw, header); err != nil {
		return err
	}
	zone := e.Zone()
	for _, a := range attendees {
		checkedIn := ""
		if a.CheckedInAt != nil {
			checkedIn = a.CheckedInAt.In(zone).Format(csvTimeLayout)
		}
		row := []string{
			a.Ref, a.Name, a.Email, strconv.Itoa(a.Seats), string(a.Status),
			DecimalAmount(a.AmountCents, a.Currency), DecimalAmount(a.RefundedCents, a.Currency), a.Currency,
			a.CreatedAt.In(zone).Format(csvTimeLayout), checkedIn,
		}
		for _, q := range questions {
			row = append(row, a.Answers[q.Key()])
		}
		if err := writeSafe(cw, row); err != nil {
			return err
		}
	}
	return cw.err
}

func writeSafe(cw *csvWriter, cells []string) error {
	safe := make([]string, len(cells))
	for i, cell := range cells {
		safe[i] = SpreadsheetSafe(cell)
	}
	return cw.Write(safe)
}

// formulaStarts are the characters with which Excel, LibreOffice and Google
// Sheets begin a formula (OWASP, "CSV Injection").
const formulaStarts = "=+-@\t\r"

// separators are the field separators spreadsheets use in some locale:
// comma, semicolon (most of continental Europe) and tab. A spreadsheet that
// splits on one of them starts a new cell after it, so a formula start
// there is as dangerous as at the start of the field.
const separators = ",;\t"

// SpreadsheetSafe returns cell so that a spreadsheet shows it as text and
// never runs it as a formula, whatever separator its locale splits on: a
// formula start (=, +, -, @, a tab or a carriage return, e.g.
// =HYPERLINK(...) in an attendee's name) at the start of the cell, or right
// after a comma, semicolon, tab or line break inside it ("Ann;=1+1"), gets
// an apostrophe before it, as OWASP recommends.
func SpreadsheetSafe(cell string) string {
	var b strings.Builder
	cellStart := true
	for _, r := range cell {
		if cellStart && strings.ContainsRune(formulaStarts, r) {
			b.WriteByte('\'')
		}
		b.WriteRune(r)
		cellStart = strings.ContainsRune(separators+"\r\n", r)
	}
	return b.String()
}

// csvWriter writes RFC 4180 records with CRLF line ends, quoting every
// field that holds a separator of any common locale (comma, semicolon,
// tab), a quote, a line break or leading space — encoding/csv quotes only
// its own separator, so a semicolon locale would split "Ann;=1+1".
type csvWriter struct {
	w   io.Writer
	err error
}

// Write writes one record; after the first error it writes nothing more.
func (cw *csvWriter) Write(fields []string) error {
	if cw.err != nil {
		return cw.err
	}
	var b strings.Builder
	for i, field := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		if strings.ContainsAny(field, separators+"\"\r\n") || strings.HasPrefix(field, " ") {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(field, `"`, `""`))
			b.WriteByte('"')
			continue
		}
		b.WriteString(field)
	}
	b.WriteString("\r\n")
	_, cw.err = io.WriteString(cw.w, b.String())
	return cw.err
}

// DecimalAmount formats minor units as a plain decimal in the currency's
// usual precision, 4900 GBP as "49.00" and 500 JPY as "500".
func DecimalAmount(cents int64, code string) string {
	scale := 2
	if unit, err := currency.ParseISO(code); err == nil {
		scale, _ = currency.Standard.Rounding(unit)
	}
	if scale == 0 {
		return strconv.FormatInt(cents, 10)
	}
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	div := int64(1)
	for range scale {
		div *= 10
	}
	return fmt.Sprintf("%s%d.%0*d", sign, cents/div, scale, cents%div)
}
