package booking_test

import (
	"context"
	"errors"
	"testing"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// chatQuestions are a goal (required, one line), a background (optional,
// long), a format choice and a required consent box.
func chatQuestions() []booking.Question {
	return []booking.Question{
		{Kind: booking.ShortText, Label: "What do you want from the call?", Required: true},
		{Kind: booking.LongText, Label: "Anything we should know?"},
		{Kind: booking.SingleChoice, Label: "Format", Options: booking.Options{"Video", "Phone"}},
		{Kind: booking.Checkbox, Label: "I agree to the terms", Required: true},
	}
}

func (fx *coachingFixture) setQuestions(t testing.TB, slug string) []booking.Question {
	t.Helper()
	qs, err := fx.svc.SetAppointmentTypeQuestions(context.Background(), fx.coach.ID, slug, chatQuestions())
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

func (fx *coachingFixture) bookAnswering(slug string, answers booking.Answers) (booking.AppointmentResult, error) {
	return fx.svc.BookAppointment(context.Background(), booking.AppointmentRequest{
		TypeSlug: slug, Start: at(10, 30), Name: "Ada Lovelace", Email: "ada@example.com",
		Timezone: "America/New_York", Answers: answers})
}

func invalidFields(t *testing.T, err error) map[string]string {
	t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code != fault.Invalid {
		t.Fatalf("got %v, want a validation error", err)
	}
	return fe.Fields
}

func TestAppointmentTypeQuestions(t *testing.T) {
	ctx := context.Background()
	t.Run("a host sets the questions and anyone reads them in order", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		saved := fx.setQuestions(t, "career-chat")
		got, err := fx.svc.AppointmentTypeQuestions(ctx, "career-chat")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 || got[0].Label != "What do you want from the call?" || got[2].Options[1] != "Phone" ||
			got[0].ID != saved[0].ID || got[0].TypeID == 0 || got[0].EventID != 0 {
			t.Errorf("questions %+v", got)
		}
		// Replacing them keeps one list, not two.
		if _, err := fx.svc.SetAppointmentTypeQuestions(ctx, fx.coach.ID, "career-chat", chatQuestions()[:1]); err != nil {
			t.Fatal(err)
		}
		if got, _ := fx.svc.AppointmentTypeQuestions(ctx, "career-chat"); len(got) != 1 {
			t.Errorf("after replacing: %d questions, want 1", len(got))
		}
	})
	t.Run("an event's questions and a type's do not mix", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		fx.setQuestions(t, "career-chat")
		if qs, err := fx.svc.Questions(ctx, fx.lab.ID); err != nil || len(qs) != 0 {
			t.Errorf("event questions %v, %v; want none", qs, err)
		}
	})
	t.Run("a coach who does not host the type cannot set them", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		_, err := fx.svc.SetAppointmentTypeQuestions(ctx, fx.parveen.ID, "career-chat", chatQuestions())
		if !errors.Is(err, events.ErrAppointmentTypeNotFound) {
			t.Errorf("got %v, want not found", err)
		}
	})
	t.Run("an invalid question is refused by field", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		bad := []booking.Question{{Kind: "essay", Label: "Why?"}, {Kind: booking.SingleChoice, Label: "Pick", Options: booking.Options{"one"}}}
		_, err := fx.svc.SetAppointmentTypeQuestions(ctx, fx.coach.ID, "career-chat", bad)
		fields := invalidFields(t, err)
		if fields["questions[0].kind"] == "" || fields["questions[1].options"] == "" {
			t.Errorf("fields %v", fields)
		}
	})
}

func TestAppointmentAnswers(t *testing.T) {
	ctx := context.Background()
	t.Run("missing and wrong answers are refused, naming answers.<key>", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		qs := fx.setQuestions(t, "career-chat")
		_, err := fx.bookAnswering("career-chat", booking.Answers{qs[2].Key(): "Carrier pigeon"})
		fields := invalidFields(t, err)
		for _, q := range []booking.Question{qs[0], qs[2], qs[3]} {
			if fields["answers."+q.Key()] == "" {
				t.Errorf("no message for answers.%s (%s): %v", q.Key(), q.Label, fields)
			}
		}
		if _, ok := fields["answers."+qs[1].Key()]; ok {
			t.Errorf("optional question refused: %v", fields)
		}
		// Nothing was booked: the slot is still there.
		if !containsTime(fx.slotStarts(t, "career-chat"), at(10, 30)) {
			t.Error("a refused booking took the slot")
		}
	})
	t.Run("answers are stored on the booking and shown to the coach", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		qs := fx.setQuestions(t, "career-chat")
		res, err := fx.bookAnswering("career-chat", booking.Answers{
			qs[0].Key(): "  A new job  ", qs[2].Key(): "Phone", qs[3].Key(): "on", "999": "not a question"})
		if err != nil {
			t.Fatal(err)
		}
		want := booking.Answers{qs[0].Key(): "A new job", qs[2].Key(): "Phone", qs[3].Key(): "yes"}
		if got := res.Booking.Answers; len(got) != len(want) || got[qs[0].Key()] != "A new job" || got[qs[3].Key()] != "yes" {
			t.Errorf("stored answers %v, want %v", got, want)
		}
		d, err := fx.svc.Attendee(ctx, res.Booking.Ref, fx.coach.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Appointment == nil || len(d.Appointment.Questions) != 4 || d.Booking.Answers[qs[2].Key()] != "Phone" {
			t.Errorf("coach's view: %+v", d.Appointment)
		}
		var coachNotice *booking.Notice
		for i, n := range fx.notices.list {
			if n.Kind == booking.NoticeCoachNewBooking {
				coachNotice = &fx.notices.list[i]
			}
		}
		if coachNotice == nil || len(coachNotice.Answers) != 4 {
			t.Fatalf("coach notice %+v", coachNotice)
		}
		got := coachNotice.Answers
		if got[0] != (booking.AnsweredQuestion{Label: "What do you want from the call?", Answer: "A new job"}) ||
			got[1].Answer != "" || got[3].Answer != "yes" {
			t.Errorf("coach notice answers %+v", got)
		}
		fx.mustCheck(t)
	})
	t.Run("a type without questions books with no answers", func(t *testing.T) {
		fx := newCoachingFixture(t)
		fx.createType(t, chatInput("career-chat", 0, "any"))
		res, err := fx.bookAnswering("career-chat", booking.Answers{"1": "ignored"})
		if err != nil || len(res.Booking.Answers) != 0 {
			t.Errorf("got %v, %v", res.Booking.Answers, err)
		}
	})
}
