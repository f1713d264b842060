package booking

import (
	"encoding/csv"
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
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
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
	cw.Flush()
	return cw.Error()
}

func writeSafe(cw *csv.Writer, cells []string) error {
	safe := make([]string, len(cells))
	for i, cell := range cells {
		safe[i] = SpreadsheetSafe(cell)
	}
	return cw.Write(safe)
}

// SpreadsheetSafe returns cell so that a spreadsheet shows it as text and
// never runs it as a formula: a cell starting with =, +, -, @, a tab or a
// carriage return (which Excel and LibreOffice treat as the start of a
// formula, e.g. =HYPERLINK(...) in an attendee's name) gets a leading
// apostrophe, as OWASP recommends.
func SpreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
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
