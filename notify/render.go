package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strings"
	texttemplate "text/template"
	"unicode"
	"unicode/utf8"
)

// templateFS holds, per Kind, <kind>.txt (defining "subject" and "text")
// and <kind>.html (defining "content"), and the layouts they share.
//
//go:embed templates/*.txt templates/*.html
var templateFS embed.FS

// view is what every template is rendered with; each kind uses the fields
// it needs. Every value is plain text: the HTML templates escape it.
type view struct {
	SiteName  string
	SiteURL   string
	Subject   string // set from the "subject" template before the bodies
	Preheader string // the line inbox lists show after the subject

	Name         string // the recipient's
	Event        string // the event's title
	EventURL     string
	When         string // "Wednesday 22 September 2027, 18:00–20:00 BST"
	ShortWhen    string // "Wed 22 Sep 2027, 18:00 BST"
	YourWhen     string // When in the attendee's own zone; "" when unknown or the same
	PreviousWhen string // before a move
	// AlsoWhen is the same time in the other party's zone, for a 1:1
	// appointment whose client and coach are in zones that read
	// differently: "Monday 8 November 2027, 09:00–09:45 EST (your coach's time)".
	AlsoWhen     string
	Location     string
	JoinURL      string
	Seats        int
	Amount       string // "£49.00"; empty when free
	Refund       string // the amount refunded; empty if none
	Ref          string
	ManageURL    string
	GoogleURL    string
	OutlookURL   string
	HasInvite    bool
	ClaimURL     string
	OfferExpires string
	Attendee     person       // for coach notices
	Appointment  bool         // the booking is a 1:1 appointment, not seats on a date
	Answers      []viewAnswer // the attendee's answers, for coach notices
	Lead         string       // how long before the start a reminder goes: "1 day"

	Changes        []viewChange // what a changed notice changed
	OtherDates     []string     // the event's other open dates, formatted
	EventCancelled bool         // the whole event, not one date, was cancelled
	Position       int          // place in the waitlist, from 1
	RetryURL       string       // where to book again after a failed payment
	Reason         string       // why a payment was refunded, in the attendee's words
	RefundedOn     string       // the day a refund was made

	Credits      int    // a package's credits: bought (confirmed) or left (expiring)
	CreditCode   string // a package's credit code
	Expires      string // when a package's credits expire
	AddedBy      person // the coach who made the recipient a host
	HostOf       string // "event" or "appointment type"
	HostOfStatus string // its status: "draft", "published", ...
	DashboardURL string

	Sender         string // a coach message's author, or who invites a coach
	LinkURL        string // an account email's link: reset a password, accept an invitation
	MessageSubject string
	Body           string     // a coach message, as text
	Paragraphs     [][]string // the same, as paragraphs of lines
}

type person struct{ Name, Email string }

// viewAnswer is one registration question and the attendee's answer, whole
// (for HTML) and as lines (for text, which indents them).
type viewAnswer struct {
	Label, Answer string
	Lines         []string
}

// viewChange is one changed line of a changed notice.
type viewChange struct{ Label, Before, After string }

// button is what the "button" template draws: a link styled as a button.
type button struct{ URL, Label string }

// renderer holds every kind's parsed templates.
type renderer struct {
	text map[Kind]*texttemplate.Template
	html map[Kind]*htmltemplate.Template
}

// newRenderer parses the templates of every kind and checks each defines
// what rendering needs, so that a broken template fails start-up rather
// than a booking.
func newRenderer() (*renderer, error) {
	r := &renderer{text: map[Kind]*texttemplate.Template{}, html: map[Kind]*htmltemplate.Template{}}
	funcs := map[string]any{"link": func(url, label string) button { return button{URL: url, Label: label} }}
	for _, kind := range allKinds {
		text, err := texttemplate.New(string(kind)).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.txt", "templates/"+string(kind)+".txt")
		if err != nil {
			return nil, fmt.Errorf("notify: parse %s text template: %w", kind, err)
		}
		html, err := htmltemplate.New(string(kind)).Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/"+string(kind)+".html")
		if err != nil {
			return nil, fmt.Errorf("notify: parse %s HTML template: %w", kind, err)
		}
		for _, name := range []string{"subject", "text"} {
			if text.Lookup(name) == nil {
				return nil, fmt.Errorf("notify: %s text template does not define %q", kind, name)
			}
		}
		if html.Lookup("content") == nil {
			return nil, fmt.Errorf("notify: %s HTML template does not define \"content\"", kind)
		}
		r.text[kind], r.html[kind] = text, html
	}
	return r, nil
}

// rendered is a message's subject and bodies.
type rendered struct{ Subject, Text, HTML string }

// render fills kind's templates with v.
func (r *renderer) render(kind Kind, v view) (rendered, error) {
	text, ok := r.text[kind]
	if !ok {
		return rendered{}, fmt.Errorf("notify: no templates for kind %q", kind)
	}
	var buf bytes.Buffer
	if err := text.ExecuteTemplate(&buf, "subject", v); err != nil {
		return rendered{}, fmt.Errorf("render %s subject: %w", kind, err)
	}
	v.Subject = oneLine(buf.String(), MaxSubjectLen)
	if v.Preheader == "" {
		v.Preheader = v.Subject
	}
	buf.Reset()
	if err := text.ExecuteTemplate(&buf, "text", v); err != nil {
		return rendered{}, fmt.Errorf("render %s text: %w", kind, err)
	}
	body := tidyText(buf.String())
	buf.Reset()
	if err := r.html[kind].ExecuteTemplate(&buf, "layout", v); err != nil {
		return rendered{}, fmt.Errorf("render %s HTML: %w", kind, err)
	}
	return rendered{Subject: v.Subject, Text: body, HTML: buf.String()}, nil
}

// oneLine collapses every run of white space and control characters into
// one space and cuts s to at most n runes: subjects and names come from
// user input and a header must be one line.
func oneLine(s string, n int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n-1]) + "…"
	}
	return s
}

var blankLines = regexp.MustCompile(`\n{3,}`)

// tidyText trims trailing spaces and keeps at most one blank line in a row,
// so that optional template sections leave no holes.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, line := range lines {
		lines[i] = strings.TrimRight(line, " \t")
	}
	return strings.TrimSpace(blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")) + "\n"
}

// paragraphs splits a text into paragraphs (at blank lines) of lines.
func paragraphs(text string) [][]string {
	var out [][]string
	for _, block := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		block = strings.Trim(block, "\n")
		if strings.TrimSpace(block) == "" {
			continue
		}
		out = append(out, strings.Split(block, "\n"))
	}
	return out
}
