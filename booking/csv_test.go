package booking_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
)

func TestSpreadsheetSafe(t *testing.T) {
	tests := []struct{ name, cell, want string }{
		{"plain text is kept", "Ada Lovelace", "Ada Lovelace"},
		{"empty is kept", "", ""},
		{"formula", "=HYPERLINK(\"http://evil.example\",\"click\")", "'=HYPERLINK(\"http://evil.example\",\"click\")"},
		{"plus", "+44 7700 900123", "'+44 7700 900123"},
		{"minus", "-2+3", "'-2+3"},
		{"at sign", "@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"leading tab", "\t=1+1", "'\t'=1+1"},
		{"leading carriage return", "\r=1+1", "'\r'=1+1"},
		{"formula after a semicolon", "Ann;=1+1", "Ann;'=1+1"},
		{"formula after a comma", "Ann,@SUM(A1)", "Ann,'@SUM(A1)"},
		{"formula after a tab", "Ann\t+1", "Ann\t'+1"},
		{"formula after a line break", "Ann\n-1", "Ann\n'-1"},
		{"a space after the separator is harmless", "Smith; -Jr", "Smith; -Jr"},
		{"equals later is harmless", "a=b", "a=b"},
		{"accents", "Zoë Ørsted", "Zoë Ørsted"},
		{"a leading apostrophe is kept", "'quoted", "'quoted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := booking.SpreadsheetSafe(tt.cell); got != tt.want {
				t.Errorf("SpreadsheetSafe(%q) = %q, want %q", tt.cell, got, tt.want)
			}
		})
	}
}

// A semicolon-locale spreadsheet splits unquoted fields on ";": every field
// that holds any common separator is quoted, whatever the file's own one.
func TestAttendeesCSVQuotesEveryLocalesSeparator(t *testing.T) {
	e := events.Event{Title: "Lab", Timezone: "Europe/London"}
	attendees := []booking.Attendee{{Booking: booking.Booking{Ref: "L-1", Name: "Ann;=1+1", Email: "ann@example.com", Seats: 1,
		Status: booking.Confirmed, Currency: "GBP", Answers: booking.Answers{"7": "tab\there"}}}}
	var buf bytes.Buffer
	if err := booking.WriteAttendeesCSV(&buf, e, []booking.Question{{ID: 7, Label: "Goal"}}, attendees); err != nil {
		t.Fatal(err)
	}
	body := buf.String()
	for _, want := range []string{`,"Ann;'=1+1",`, `,"tab` + "\t" + `here"`} {
		if !strings.Contains(body, want) {
			t.Errorf("CSV lacks %s:\n%s", want, body)
		}
	}
	for _, line := range strings.Split(body, "\r\n") {
		for _, cell := range strings.Split(line, ";") {
			if strings.HasPrefix(cell, "=") {
				t.Errorf("split on semicolons, a cell starts a formula: %q", cell)
			}
		}
	}
}

func TestDecimalAmount(t *testing.T) {
	tests := []struct {
		cents int64
		code  string
		want  string
	}{
		{4900, "GBP", "49.00"}, {5, "EUR", "0.05"}, {500, "JPY", "500"}, {1234, "KWD", "1.234"}, {0, "GBP", "0.00"},
	}
	for _, tt := range tests {
		if got := booking.DecimalAmount(tt.cents, tt.code); got != tt.want {
			t.Errorf("DecimalAmount(%d, %s) = %q, want %q", tt.cents, tt.code, got, tt.want)
		}
	}
}

func TestWriteAttendeesCSV(t *testing.T) {
	e := events.Event{Title: "Lab", Timezone: "Europe/London"}
	booked := time.Date(2027, 9, 1, 9, 30, 0, 0, time.UTC)
	checkedIn := time.Date(2027, 9, 22, 17, 55, 0, 0, time.UTC)
	questions := []booking.Question{{ID: 7, Label: "=Goal"}, {ID: 8, Label: "Diet"}}
	attendees := []booking.Attendee{
		{Booking: booking.Booking{Ref: "L-1", Name: "=cmd|' /C calc'!A0", Email: "a@example.com", Seats: 2, Status: booking.Confirmed,
			AmountCents: 9800, RefundedCents: 4900, Currency: "GBP", CreatedAt: booked, Answers: booking.Answers{"7": "+grow", "8": "vegan, \"strict\"\nno nuts"}},
			CheckedInAt: &checkedIn},
		{Booking: booking.Booking{Ref: "L-2", Name: "Zoë", Email: "z@example.com", Seats: 1, Status: booking.Cancelled,
			AmountCents: 4900, Currency: "GBP", CreatedAt: booked, Answers: booking.Answers{}}},
	}
	var buf bytes.Buffer
	if err := booking.WriteAttendeesCSV(&buf, e, questions, attendees); err != nil {
		t.Fatal(err)
	}
	body, ok := strings.CutPrefix(buf.String(), "\ufeff")
	if !ok {
		t.Fatal("no UTF-8 byte order mark")
	}
	if !strings.Contains(body, "\r\n") {
		t.Error("lines do not end in CRLF")
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Ref", "Name", "Email", "Seats", "Status", "Amount", "Refunded", "Currency", "Booked at", "Checked in at", "'=Goal", "Diet"},
		{"L-1", "'=cmd|' /C calc'!A0", "a@example.com", "2", "confirmed", "98.00", "49.00", "GBP", "2027-09-01 10:30", "2027-09-22 18:55", "'+grow", "vegan, \"strict\"\nno nuts"},
		{"L-2", "Zoë", "z@example.com", "1", "cancelled", "49.00", "0.00", "GBP", "2027-09-01 10:30", "", "", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %q", len(rows), len(want), rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, rows[i], want[i])
		}
	}
}
