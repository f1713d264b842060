package calendar

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests read this package's files back with Mozilla's ical.js (the
// parser behind Thunderbird), which shares no code with golang-ical, through
// testdata/icaljs/check.mjs.

type icaljsFile struct {
	File     string        `json:"file"`
	Method   string        `json:"method"`
	ProdID   string        `json:"prodid"`
	Version  string        `json:"version"`
	Calscale string        `json:"calscale"`
	Calname  string        `json:"calname"`
	Events   []icaljsEvent `json:"events"`
}

type icaljsEvent struct {
	UID         string         `json:"uid"`
	Sequence    int            `json:"sequence"`
	Start       *icaljsTime    `json:"start"`
	End         *icaljsTime    `json:"end"`
	Stamp       *icaljsTime    `json:"stamp"`
	Summary     string         `json:"summary"`
	Description string         `json:"description"`
	Location    string         `json:"location"`
	URL         string         `json:"url"`
	Status      string         `json:"status"`
	Organizer   *icaljsPerson  `json:"organizer"`
	Attendees   []icaljsPerson `json:"attendees"`
}

type icaljsTime struct {
	At   string `json:"at"`   // UTC ISO instant, e.g. 2027-09-22T17:00:00.000Z
	Zone string `json:"zone"` // "UTC" for a time written with Z
}

type icaljsPerson struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Role     string `json:"role"`
	Partstat string `json:"partstat"`
	RSVP     string `json:"rsvp"`
}

// readWithICALJS parses files with ical.js. Without Node or the installed
// package it skips the test, or fails it when CI=true.
func readWithICALJS(t *testing.T, files ...string) []icaljsFile {
	t.Helper()
	dir := filepath.Join("testdata", "icaljs")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ical.js", "package.json")); err != nil {
		icaljsMissing(t, "ical.js is not installed")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		icaljsMissing(t, "node is not on PATH")
	}
	args := []string{"check.mjs"}
	for _, file := range files {
		abs, err := filepath.Abs(file)
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, abs)
	}
	cmd := exec.CommandContext(t.Context(), node, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.mjs: %v\n%s", err, stderr.String())
	}
	var parsed []icaljsFile
	if err := json.Unmarshal(out, &parsed); err != nil {
		t.Fatalf("reading check.mjs output: %v\n%s", err, out)
	}
	return parsed
}

func icaljsMissing(t *testing.T, why string) {
	t.Helper()
	msg := why + ": run `npm ci --prefix calendar/testdata/icaljs` (needs Node.js and npm)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// intended is what the Go side means a file to say about e, in ical.js's
// terms.
func intended(e Entry, status string) icaljsEvent {
	want := icaljsEvent{
		UID: e.UID, Sequence: e.Sequence,
		Start: utcInstant(e.Start), End: utcInstant(e.End), Stamp: utcInstant(e.Stamp),
		Summary: e.Summary, Description: e.Description, Location: e.Location, URL: e.URL,
		Status: status, Attendees: []icaljsPerson{},
	}
	if e.Organizer != nil {
		want.Organizer = &icaljsPerson{Name: displayName(e.Organizer.Name), Email: e.Organizer.Email}
	}
	for _, a := range e.Attendees {
		want.Attendees = append(want.Attendees, icaljsPerson{
			Name: displayName(a.Name), Email: a.Email,
			Role: "REQ-PARTICIPANT", Partstat: "ACCEPTED", RSVP: "FALSE",
		})
	}
	return want
}

func utcInstant(t time.Time) *icaljsTime {
	return &icaljsTime{At: t.UTC().Format("2006-01-02T15:04:05.000Z"), Zone: "UTC"}
}

// displayName is a CN as documented: DQUOTE cannot appear in one, so it is
// dropped (the fixtures hold no control characters).
func displayName(name string) string { return strings.ReplaceAll(name, `"`, "") }

func statusFor(method string, e Entry) string {
	if method == "CANCEL" || e.Cancelled {
		return "CANCELLED"
	}
	return "CONFIRMED"
}

func TestICALJSReadsGoldenFiles(t *testing.T) {
	cases := goldenCases(t)
	paths := make([]string, len(cases))
	for i, tc := range cases {
		paths[i] = goldenPath(tc.file)
	}
	files := readWithICALJS(t, paths...)
	if got, want := len(files), len(cases); got != want {
		t.Fatalf("ical.js read %d files, want %d", got, want)
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := files[i]
			gotHeader := []string{got.Method, got.ProdID, got.Version, got.Calscale, got.Calname}
			wantHeader := []string{tc.method, ProductID, "2.0", "GREGORIAN", tc.calname}
			if strings.Join(gotHeader, "|") != strings.Join(wantHeader, "|") {
				t.Errorf("method|prodid|version|calscale|calname: got %q, want %q", gotHeader, wantHeader)
			}
			want := make([]icaljsEvent, len(tc.entries))
			for j, e := range tc.entries {
				want[j] = intended(e, statusFor(tc.method, e))
			}
			compareEvents(t, got.Events, want)
		})
	}
}

func compareEvents(t *testing.T, got, want []icaljsEvent) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("ical.js read %d events, want %d", len(got), len(want))
	}
	for i := range want {
		gotJSON, _ := json.MarshalIndent(got[i], "", "  ")
		wantJSON, _ := json.MarshalIndent(want[i], "", "  ")
		if !bytes.Equal(gotJSON, wantJSON) {
			t.Errorf("event %d (%s) as ical.js reads it:\n%s\nwant:\n%s", i, want[i].UID, gotJSON, wantJSON)
		}
	}
}
