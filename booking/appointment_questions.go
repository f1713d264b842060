package booking

import (
	"context"
	"slices"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
)

// SetAppointmentTypeQuestions replaces the registration questions of the
// appointment type slug, which the coach must host; clients answer them
// when they book (AppointmentRequest.Answers, by Question.Key). Answers
// already given keep their values under the old question ids. Returns
// events.ErrAppointmentTypeNotFound for a type the coach does not host and
// a fault.Invalid error naming questions[i].<field> for a question that is
// not valid.
func (s *Service) SetAppointmentTypeQuestions(ctx context.Context, coachID int64, slug string, questions []Question) ([]Question, error) {
	t, err := events.AppointmentTypeBySlug(ctx, s.db, slug)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(t.HostIDs(), coachID) {
		return nil, events.ErrAppointmentTypeNotFound
	}
	return s.replaceQuestions(ctx, typeQuestions, t.ID, questions)
}

// AppointmentTypeQuestions returns the registration questions of the
// appointment type slug in order, for its booking form and its hosts.
// Returns events.ErrAppointmentTypeNotFound for an unknown type.
func (s *Service) AppointmentTypeQuestions(ctx context.Context, slug string) ([]Question, error) {
	t, err := events.AppointmentTypeBySlug(ctx, s.db, slug)
	if err != nil {
		return nil, err
	}
	return loadTypeQuestions(ctx, s.db, t.ID)
}

func loadTypeQuestions(ctx context.Context, ext sqlx.ExtContext, typeID int64) ([]Question, error) {
	return selectQuestions(ctx, ext, typeQuestions, typeID)
}

// AnsweredQuestion is one question with the answer a booking gave it, for
// the coach's notice and pages.
type AnsweredQuestion struct {
	Label  string
	Answer string // "" when left blank
}

// answered pairs questions with a booking's answers, in the questions'
// order.
func answered(questions []Question, answers Answers) []AnsweredQuestion {
	out := make([]AnsweredQuestion, 0, len(questions))
	for _, q := range questions {
		out = append(out, AnsweredQuestion{Label: q.Label, Answer: answers[q.Key()]})
	}
	return out
}

// bookingQuestions returns the questions b answered: its appointment
// type's, or its event's.
func bookingQuestions(ctx context.Context, ext sqlx.ExtContext, b Booking) ([]Question, error) {
	if !b.IsAppointment() {
		return loadQuestions(ctx, ext, b.EventID)
	}
	a, _, err := loadAppointment(ctx, ext, b.ID)
	if err != nil {
		return nil, err
	}
	return loadTypeQuestions(ctx, ext, a.TypeID)
}
