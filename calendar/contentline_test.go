package calendar

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// textCases are TEXT values, their escaped form, and what a reader gets
// back.
var textCases = []struct {
	name, text, escaped, read string
}{
	{"commas and semicolons are escaped", "Q&A, ethics; careers", `Q&A\, ethics\; careers`, "Q&A, ethics; careers"},
	{"backslashes are doubled and colons kept", `C:\Users\ada`, `C:\\Users\\ada`, `C:\Users\ada`},
	{"a newline becomes \\n", "line one\nline two", `line one\nline two`, "line one\nline two"},
	{"a CRLF becomes one \\n", "line one\r\nline two", `line one\nline two`, "line one\nline two"},
	{"a lone CR becomes \\n", "line one\rline two", `line one\nline two`, "line one\nline two"},
	{"HTML stays literal text", `<script>alert("x")</script>`, `<script>alert("x")</script>`, `<script>alert("x")</script>`},
	{"other control characters are dropped, tabs kept", "bell\x07\tend\x00", "bell\tend", "bell\tend"},
	{"an escape-like sequence is escaped, not interpreted", `\n is not a newline\,`, `\\n is not a newline\\\,`, `\n is not a newline\,`},
	{"non-ASCII is kept", "Café — Atelier 日本", "Café — Atelier 日本", "Café — Atelier 日本"},
	{"invalid UTF-8 becomes U+FFFD", "caf\xe9", "caf\uFFFD", "caf\uFFFD"},
}

func textEntry(t testing.TB, i int, text string) Entry {
	e := sessionEntry(t)
	e.UID = fmt.Sprintf("text-%d@roster.example", i)
	e.Summary, e.Description, e.Location = text, text, text
	return e
}

func TestTextIsEscaped(t *testing.T) {
	for i, tc := range textCases {
		t.Run(tc.name, func(t *testing.T) {
			body, err := Publish("", textEntry(t, i, tc.text))
			if err != nil {
				t.Fatal(err)
			}
			checkWellFormed(t, body)
			for _, name := range []string{"SUMMARY", "DESCRIPTION", "LOCATION"} {
				if got, want := property(body, name), name+":"+tc.escaped; got != want {
					t.Errorf("got %q, want %q", got, want)
				}
			}
		})
	}
	t.Run("ical.js reads the text back", func(t *testing.T) {
		entries, want := make([]Entry, len(textCases)), make([]icaljsEvent, len(textCases))
		for i, tc := range textCases {
			entries[i] = textEntry(t, i, tc.text)
			read := entries[i]
			read.Summary, read.Description, read.Location = tc.read, tc.read, tc.read
			want[i] = intended(read, "CONFIRMED")
		}
		body, err := Publish("", entries...)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "text.ics")
		if err := os.WriteFile(path, body, 0o644); err != nil {
			t.Fatal(err)
		}
		compareEvents(t, readWithICALJS(t, path)[0].Events, want)
	})
}

func TestNamesAreQuotedNotEscaped(t *testing.T) {
	const params = ";PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=FALSE"
	for _, tc := range []struct {
		name, cn, wantOrganizer, wantAttendee string
	}{
		{"a plain name is bare", "James Downer",
			"ORGANIZER;CN=James Downer:mailto:x@example.com",
			"ATTENDEE;CN=James Downer" + params + ":mailto:x@example.com"},
		{"a comma needs quotes", "Downer, James",
			`ORGANIZER;CN="Downer, James":mailto:x@example.com`,
			`ATTENDEE;CN="Downer, James"` + params + ":mailto:x@example.com"},
		{"a semicolon needs quotes", "Ada; Countess",
			`ORGANIZER;CN="Ada; Countess":mailto:x@example.com`,
			`ATTENDEE;CN="Ada; Countess"` + params + ":mailto:x@example.com"},
		{"a colon needs quotes, an apostrophe nothing", "Seán O'Brien: coach",
			`ORGANIZER;CN="Seán O'Brien: coach":mailto:x@example.com`,
			`ATTENDEE;CN="Seán O'Brien: coach"` + params + ":mailto:x@example.com"},
		{"double quotes are dropped", `Grace "Amazing" Hopper`,
			"ORGANIZER;CN=Grace Amazing Hopper:mailto:x@example.com",
			"ATTENDEE;CN=Grace Amazing Hopper" + params + ":mailto:x@example.com"},
		{"double quotes are dropped before quoting", `"Hopper, Grace"`,
			`ORGANIZER;CN="Hopper, Grace":mailto:x@example.com`,
			`ATTENDEE;CN="Hopper, Grace"` + params + ":mailto:x@example.com"},
		{"a newline becomes a space", "Ada\nLovelace",
			"ORGANIZER;CN=Ada Lovelace:mailto:x@example.com",
			"ATTENDEE;CN=Ada Lovelace" + params + ":mailto:x@example.com"},
		{"no name, no CN", "",
			"ORGANIZER:mailto:x@example.com",
			"ATTENDEE" + params + ":mailto:x@example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := bookingEntry(t)
			person := Person{Name: tc.cn, Email: "x@example.com"}
			e.Organizer, e.Attendees = &person, []Person{person}
			body, err := Request(e)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := property(body, "ORGANIZER"), tc.wantOrganizer; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
			if got, want := property(body, "ATTENDEE"), tc.wantAttendee; got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestFoldingKeepsCharactersWhole(t *testing.T) {
	for _, tc := range []struct {
		name, line string
	}{
		{"a short line is left alone", "SUMMARY:Career Clarity Lab"},
		{"exactly 75 octets fits", "DESCRIPTION:" + strings.Repeat("a", 63)},
		{"76 octets folds once", "DESCRIPTION:" + strings.Repeat("a", 64)},
		{"a long ASCII line", "DESCRIPTION:" + strings.Repeat("career clarity ", 40)},
		{"two-octet characters", "DESCRIPTION:" + strings.Repeat("é", 200)},
		{"three-octet characters", "DESCRIPTION:" + strings.Repeat("日", 200)},
		{"three-octet characters off by one", "DESCRIPTION:x" + strings.Repeat("日", 200)},
		{"three-octet characters off by two", "DESCRIPTION:xx" + strings.Repeat("日", 200)},
		{"four-octet characters", "DESCRIPTION:" + strings.Repeat("🎉", 100)},
		{"mixed widths", "DESCRIPTION:" + strings.Repeat("Café — 日本 🎉 ", 30)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			writeFolded(&b, tc.line)
			folded := b.String()
			if !strings.HasSuffix(folded, "\r\n") {
				t.Fatalf("folded line does not end in CRLF: %q", folded)
			}
			pieces := strings.Split(strings.TrimSuffix(folded, "\r\n"), "\r\n")
			for i, piece := range pieces {
				if len(piece) > 75 || !utf8.ValidString(piece) {
					t.Errorf("piece %d is %d octets or splits a character: %q", i, len(piece), piece)
				}
				if i > 0 && !strings.HasPrefix(piece, " ") {
					t.Errorf("continuation %d does not start with a space: %q", i, piece)
				}
				if i < len(pieces)-1 && len(piece) < 72 {
					t.Errorf("piece %d is only %d octets: folding should fill lines", i, len(piece))
				}
			}
			if got, want := strings.ReplaceAll(folded, "\r\n ", ""), tc.line+"\r\n"; got != want {
				t.Errorf("unfolding gives %q, want %q", got, want)
			}
		})
	}
}

func TestNonTextValuesRefuseControlCharacters(t *testing.T) {
	e := sessionEntry(t)
	e.URL = "https://roster.example/\r\nX-INJECTED:1"
	if _, err := Publish("", e); err == nil {
		t.Fatal("got no error for a URL holding CRLF")
	}
}
