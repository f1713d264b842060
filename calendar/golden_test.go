package calendar

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.ics from the current output")

func goldenPath(file string) string { return filepath.Join("testdata", "golden", file) }

func TestGoldenFiles(t *testing.T) {
	for _, tc := range goldenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			checkWellFormed(t, got)
			if *update {
				if err := os.WriteFile(goldenPath(tc.file), got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenPath(tc.file))
			if err != nil {
				t.Fatalf("%v (run `go test ./calendar -update` to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the output (run `go test ./calendar -update` if the change is meant):\n%s",
					tc.file, firstDifference(string(got), string(want)))
			}
		})
	}
}

func TestGoldenFilesStateTheBasics(t *testing.T) {
	for _, tc := range goldenCases(t) {
		t.Run(tc.file, func(t *testing.T) {
			body, err := os.ReadFile(goldenPath(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			checkWellFormed(t, body)
			lines := unfold(body)
			for _, want := range []string{"VERSION:2.0", "PRODID:-//Roster//Roster//EN", "CALSCALE:GREGORIAN", "METHOD:" + tc.method} {
				if countPrefix(lines, want) != 1 {
					t.Errorf("want exactly one %q line", want)
				}
			}
			if got, want := countPrefix(lines, "BEGIN:VEVENT"), len(tc.entries); got != want {
				t.Errorf("got %d VEVENTs, want %d", got, want)
			}
		})
	}
}

func TestSessionIsWrittenInUTC(t *testing.T) {
	body, err := os.ReadFile(goldenPath("publish.ics"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"DTSTART:20270922T170000Z",
		"DTEND:20270922T190000Z",
		"DTSTAMP:20270901T090000Z",
		"ORGANIZER;CN=James Downer:mailto:james@example.com",
		"X-WR-CALNAME:Career Clarity Lab",
	} {
		if !slices.Contains(unfold(body), want) {
			t.Errorf("publish.ics has no line %q", want)
		}
	}
}

// firstDifference shows the first line at which got and want part.
func firstDifference(got, want string) string {
	gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(gotLines) || i < len(wantLines); i++ {
		var g, w string
		if i < len(gotLines) {
			g = gotLines[i]
		}
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if g != w {
			return fmt.Sprintf("line %d:\n got: %q\nwant: %q", i+1, g, w)
		}
	}
	return "(no line differs)"
}

// The library that models the files must read them back too.
func TestGolangICALParsesGoldenFiles(t *testing.T) {
	for _, tc := range goldenCases(t) {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(goldenPath(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			cal, err := ics.ParseCalendar(f)
			if err != nil {
				t.Fatal(err)
			}
			events := cal.Events()
			if got, want := len(events), len(tc.entries); got != want {
				t.Fatalf("got %d events, want %d", got, want)
			}
			for i, e := range tc.entries {
				start, err := events[i].GetStartAt()
				if err != nil {
					t.Fatal(err)
				}
				if got, want := events[i].Id()+" "+start.Format(time.RFC3339), e.UID+" "+e.Start.UTC().Format(time.RFC3339); got != want {
					t.Errorf("event %d: got %s, want %s", i, got, want)
				}
				var emails []string
				for _, a := range events[i].Attendees() {
					emails = append(emails, a.Email())
				}
				var wantEmails []string
				for _, a := range e.Attendees {
					wantEmails = append(wantEmails, a.Email)
				}
				if got, want := strings.Join(emails, ","), strings.Join(wantEmails, ","); got != want {
					t.Errorf("event %d attendees: got %s, want %s", i, got, want)
				}
			}
		})
	}
}
