package calendar

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

var linkTitles = []string{
	"Q&A night",
	"Careers, clarity; coffee",
	"C# for coaches #2",
	"Café — Atelier 日本",
	"100% + more = ?/ok",
	"Career Clarity Lab",
}

// parseLink parses link back and checks the parts every link shares.
func parseLink(t *testing.T, link, host, path string) url.Values {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", link, err)
	}
	if got, want := u.Scheme+"://"+u.Host+u.Path, "https://"+host+path; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if u.Fragment != "" {
		t.Errorf("link has a fragment %q: a # was left unescaped", u.Fragment)
	}
	if strings.Contains(u.RawQuery, "+") {
		t.Errorf("query %q holds a +, which some calendars read as a plus sign", u.RawQuery)
	}
	query, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		t.Fatalf("url.ParseQuery(%q): %v", u.RawQuery, err)
	}
	return query
}

func checkQuery(t *testing.T, query url.Values, want map[string]string) {
	t.Helper()
	for key, wantValue := range want {
		if got := query[key]; len(got) != 1 || got[0] != wantValue {
			t.Errorf("%s: got %q, want [%q]", key, got, wantValue)
		}
	}
	if got, want := len(query), len(want); got != want {
		t.Errorf("got %d parameters %v, want %d", got, query, want)
	}
}

func TestGoogleURL(t *testing.T) {
	for _, title := range linkTitles {
		t.Run("title "+title+" survives", func(t *testing.T) {
			e := sessionEntry(t)
			e.Summary, e.Location = title, "Room 3; "+title
			query := parseLink(t, GoogleURL(e), "calendar.google.com", "/calendar/render")
			checkQuery(t, query, map[string]string{
				"action":   "TEMPLATE",
				"text":     title,
				"dates":    "20270922T170000Z/20270922T190000Z",
				"details":  e.Description + "\n\n" + e.URL,
				"location": "Room 3; " + title,
			})
		})
	}
	t.Run("empty details and location are left out", func(t *testing.T) {
		e := sessionEntry(t)
		e.Description, e.URL, e.Location = "", "", ""
		query := parseLink(t, GoogleURL(e), "calendar.google.com", "/calendar/render")
		checkQuery(t, query, map[string]string{
			"action": "TEMPLATE", "text": e.Summary, "dates": "20270922T170000Z/20270922T190000Z",
		})
	})
}

func TestOutlookURL(t *testing.T) {
	for _, account := range []struct {
		name      string
		office365 bool
		host      string
	}{
		{"a personal account opens outlook.live.com", false, "outlook.live.com"},
		{"a work account opens outlook.office.com", true, "outlook.office.com"},
	} {
		for _, title := range linkTitles {
			t.Run(account.name+", title "+title+" survives", func(t *testing.T) {
				e := sessionEntry(t)
				e.Summary, e.Description, e.URL = title, "Bring: "+title, ""
				query := parseLink(t, OutlookURL(e, account.office365), account.host, "/calendar/0/deeplink/compose")
				checkQuery(t, query, map[string]string{
					"path":     "/calendar/action/compose",
					"rru":      "addevent",
					"subject":  title,
					"startdt":  "2027-09-22T17:00:00Z",
					"enddt":    "2027-09-22T19:00:00Z",
					"body":     "Bring: " + title,
					"location": "Online",
				})
			})
		}
	}
}

func TestLinksUseUTCWhateverTheLocation(t *testing.T) {
	e := sessionEntry(t)
	e.Start = mustAt(t, "Australia/Sydney", 2027, 10, 3, 18, 0)
	e.End = e.Start.Add(90 * time.Minute)
	google := parseLink(t, GoogleURL(e), "calendar.google.com", "/calendar/render")
	if got, want := google.Get("dates"), "20271003T070000Z/20271003T083000Z"; got != want {
		t.Errorf("Google dates: got %s, want %s", got, want)
	}
	outlook := parseLink(t, OutlookURL(e, false), "outlook.live.com", "/calendar/0/deeplink/compose")
	if got, want := outlook.Get("startdt")+" "+outlook.Get("enddt"), "2027-10-03T07:00:00Z 2027-10-03T08:30:00Z"; got != want {
		t.Errorf("Outlook startdt enddt: got %s, want %s", got, want)
	}
}
