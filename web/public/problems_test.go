package public

import (
	"testing"

	"github.com/roster-app/roster/booking"
)

func TestProblemsAreSentencesInFormOrder(t *testing.T) {
	fields := map[string]string{
		"answers.7":     "is required",
		"seats":         "at most 10 per booking",
		"email":         "must be an email address",
		"name":          "is required",
		"session_id":    "choose a date",
		"consent.terms": "must be ticked to book",
		"mystery":       "is odd",
	}
	got := problemsOf(fields, []booking.Question{{ID: 7, Label: "Your role"}})
	want := []problem{
		{Field: "session_id", FieldID: "dates", Message: "Choose a date."},
		{Field: "name", FieldID: "name", Message: "Your name is required."},
		{Field: "email", FieldID: "email", Message: "Email must be an email address."},
		{Field: "seats", FieldID: "seats", Message: "Seats must be at most 10 per booking."},
		{Field: "consent.terms", FieldID: "consent_terms", Message: "The terms box must be ticked to book."},
		{Field: "answers.7", FieldID: "q7", Message: "Your role is required."},
		{Field: "mystery", Message: "mystery is odd."},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}
