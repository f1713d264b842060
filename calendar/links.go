package calendar

import (
	"net/url"
	"strings"
	"time"
)

// GoogleURL returns a link that opens Google Calendar's "add event" page
// filled in with e's summary, start and end (UTC), location and details: the
// description followed by e.URL, since the page has no field for a link. It
// does not validate e.
func GoogleURL(e Entry) string {
	const layout = "20060102T150405Z"
	return "https://calendar.google.com/calendar/render?" + query(
		"action", "TEMPLATE",
		"text", e.Summary,
		"dates", e.Start.UTC().Format(layout)+"/"+e.End.UTC().Format(layout),
		"details", details(e),
		"location", e.Location,
	)
}

// OutlookURL returns a link that opens Outlook on the web's "new event" form
// filled in like GoogleURL's: outlook.office.com (work and school accounts)
// when office365 is true, else outlook.live.com (personal accounts). It does
// not validate e.
func OutlookURL(e Entry, office365 bool) string {
	host := "outlook.live.com"
	if office365 {
		host = "outlook.office.com"
	}
	return "https://" + host + "/calendar/0/deeplink/compose?" + query(
		"path", "/calendar/action/compose",
		"rru", "addevent",
		"subject", e.Summary,
		"startdt", e.Start.UTC().Format(time.RFC3339),
		"enddt", e.End.UTC().Format(time.RFC3339),
		"body", details(e),
		"location", e.Location,
	)
}

func details(e Entry) string {
	if e.Description == "" || e.URL == "" {
		return e.Description + e.URL
	}
	return e.Description + "\n\n" + e.URL
}

// linkEscaper undoes two choices of url.QueryEscape: a space becomes %20, not
// "+", which not every calendar reads as a space (a literal "+" is already
// %2B); and "/" and ":", which are legal in a query, stay readable.
var linkEscaper = strings.NewReplacer("+", "%20", "%2F", "/", "%3A", ":")

// query encodes key/value pairs in the order given, leaving out empty values.
func query(pairs ...string) string {
	var q strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			continue
		}
		if q.Len() > 0 {
			q.WriteByte('&')
		}
		q.WriteString(pairs[i] + "=" + linkEscaper.Replace(url.QueryEscape(pairs[i+1])))
	}
	return q.String()
}
