package public

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/roster-app/roster/booking"
)

// problem is one thing wrong with a submitted form, as the summary at its
// top lists it: a full sentence that links to the field.
type problem struct {
	Field   string // the form field's name; "" for the whole form
	FieldID string // the id of the input to fix; "" when no one field is at fault
	Message string
}

// fieldOrder is the order of the booking form's fields, top to bottom, so
// the summary reads in the order the attendee fills the form.
var fieldOrder = []string{"session_id", "name", "email", "seats", "timezone", "consent.terms"}

// fieldLabels are the booking form's visible labels.
var fieldLabels = map[string]string{
	"session_id": "Date", "name": "Your name", "email": "Email", "seats": "Seats", "timezone": "Time zone",
	"consent.terms": "The terms box",
}

// fieldIDs are the ids of the booking form's inputs.
var fieldIDs = map[string]string{
	"session_id": "dates", "name": "name", "email": "email", "seats": "seats", "timezone": "timezone-choice",
	"consent.terms": "consent_terms",
}

// problemsOf turns the service's field messages ("is required", "must be
// at least 1") into full sentences named by the fields' labels ("Your
// name is required."), in the form's order, answers last.
func problemsOf(fields map[string]string, questions []booking.Question) []problem {
	labels, ids := map[string]string{}, map[string]string{}
	for k, v := range fieldLabels {
		labels[k] = v
	}
	for k, v := range fieldIDs {
		ids[k] = v
	}
	order := append([]string{}, fieldOrder...)
	for _, q := range questions {
		key := "answers." + strconv.FormatInt(q.ID, 10)
		labels[key], ids[key] = q.Label, "q"+strconv.FormatInt(q.ID, 10)
		order = append(order, key)
	}
	var out []problem
	seen := map[string]bool{}
	for _, key := range order {
		if msg, ok := fields[key]; ok {
			out = append(out, problem{Field: key, FieldID: ids[key], Message: sentence(labels[key], msg)})
			seen[key] = true
		}
	}
	var rest []string
	for key := range fields {
		if !seen[key] {
			rest = append(rest, key)
		}
	}
	sort.Strings(rest)
	for _, key := range rest {
		out = append(out, problem{Field: key, Message: sentence(key, fields[key])})
	}
	return out
}

// sentence makes a field's message a sentence: "is required" becomes
// "Your name is required.", "choose a date" becomes "Choose a date.".
func sentence(label, msg string) string {
	msg = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(msg), "."))
	switch {
	case msg == "":
		return label + " is not valid."
	case strings.HasPrefix(msg, "at most "), strings.HasPrefix(msg, "at least "):
		return label + " must be " + msg + "."
	case hasAnyPrefix(msg, "is ", "are ", "must ", "can", "has ", "should "):
		return label + " " + msg + "."
	}
	r, size := utf8.DecodeRuneInString(msg)
	if unicode.IsUpper(r) {
		return msg + "."
	}
	return string(unicode.ToUpper(r)) + msg[size:] + "."
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
