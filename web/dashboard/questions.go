package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/internal/bind"
)

// blankQuestionRows is how many empty rows the questions form offers for
// new questions; saving offers more.
const blankQuestionRows = 3

type questionsData struct {
	dashPage
	Subject string // what the questions are asked for: the event's or the call's title
	Back    string // its dashboard page; the form posts to Back + "/questions"
	Rows    []questionRow
	Kinds   []questionKind
}

// questionsOwner is what a questions page edits the questions of: an
// event or an appointment type the coach hosts.
type questionsOwner struct {
	title, back, section string
	save                 func(context.Context, []booking.Question) error
}

// questionRow is one question in the form.
type questionRow struct {
	Index    int // from 0, in field names
	Number   int // from 1, for people
	Label    string
	Kind     booking.QuestionKind
	Required bool
	Options  string // one per line
	Errors   []string
}

type questionKind struct {
	Value booking.QuestionKind
	Label string
}

var questionKinds = []questionKind{
	{booking.ShortText, "Short answer"}, {booking.LongText, "Paragraph"},
	{booking.SingleChoice, "One of a list"}, {booking.Checkbox, "Tick box"},
}

// questionsPage shows an event's registration questions for editing.
func (d *dashboard) questionsPage(c echo.Context) error {
	ctx := c.Request().Context()
	e, err := d.Events.HostedEvent(ctx, coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	qs, err := d.Booking.Questions(ctx, e.ID)
	if err != nil {
		return err
	}
	return d.renderQuestions(c, http.StatusOK, eventQuestions(d, e), questionRows(qs), "")
}

// eventQuestions edits the questions of event e.
func eventQuestions(d *dashboard, e events.Event) questionsOwner {
	return questionsOwner{title: e.Title, back: "/dashboard/events/" + e.Slug, section: "events",
		save: func(ctx context.Context, qs []booking.Question) error {
			_, err := d.Booking.SetQuestions(ctx, e.ID, qs)
			return err
		}}
}

func questionRows(qs []booking.Question) []questionRow {
	rows := make([]questionRow, len(qs))
	for i, q := range qs {
		rows[i] = questionRow{Label: q.Label, Kind: q.Kind, Required: q.Required, Options: strings.Join(q.Options, "\n")}
	}
	return rows
}

func (d *dashboard) renderQuestions(c echo.Context, status int, owner questionsOwner, rows []questionRow, problem string) error {
	for range blankQuestionRows {
		rows = append(rows, questionRow{Kind: booking.ShortText})
	}
	for i := range rows {
		rows[i].Index, rows[i].Number = i, i+1
	}
	data := questionsData{dashPage: d.page(c, "Questions · "+owner.title, owner.section), Subject: owner.title, Back: owner.back,
		Rows: rows, Kinds: questionKinds}
	data.Error = problem
	return d.Render(c, status, "dashboard_questions.html", data)
}

// saveQuestions replaces an event's questions with the form's rows that
// have a label. Answers already given stay with the bookings.
func (d *dashboard) saveQuestions(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return bind.Malformed("body", "must be a form", err)
	}
	e, err := d.Events.HostedEvent(c.Request().Context(), coachOf(c).ID, c.Param("slug"))
	if err != nil {
		return err
	}
	return d.saveQuestionsOf(c, eventQuestions(d, e), form)
}

// saveQuestionsOf saves the form's questions for owner, or re-renders the
// form with each problem beside its question.
func (d *dashboard) saveQuestionsOf(c echo.Context, owner questionsOwner, form url.Values) error {
	rows, questions := questionsFromForm(form)
	if err := owner.save(c.Request().Context(), questions); err != nil {
		problem, ok := formError(err, nil)
		if !ok {
			return err
		}
		kept := rowsWithLabels(rows)
		for field, msg := range problem.Fields {
			var i int
			var name string
			if n, _ := fmt.Sscanf(strings.Replace(field, "].", "] ", 1), "questions[%d] %s", &i, &name); n == 2 && i < len(kept) {
				kept[i].Errors = append(kept[i].Errors, strings.ReplaceAll(name, "_", " ")+" "+msg)
			} else {
				problem.Message = msg
			}
		}
		return d.renderQuestions(c, problem.Status, owner, kept, problem.Message)
	}
	return redirectTo(c, owner.back+"?done=questions-saved")
}

// questionsFromForm reads rows q0, q1, … in order; rows without a label
// are left out of the questions.
func questionsFromForm(form url.Values) ([]questionRow, []booking.Question) {
	var rows []questionRow
	var qs []booking.Question
	for i := 0; i < booking.MaxQuestions+blankQuestionRows; i++ {
		prefix := "q" + strconv.Itoa(i) + "."
		if _, ok := form[prefix+"label"]; !ok {
			break
		}
		row := questionRow{
			Label: strings.TrimSpace(form.Get(prefix + "label")), Kind: booking.QuestionKind(form.Get(prefix + "kind")),
			Required: form.Get(prefix+"required") == "yes", Options: strings.ReplaceAll(form.Get(prefix+"options"), "\r\n", "\n"),
		}
		rows = append(rows, row)
		if row.Label == "" {
			continue
		}
		q := booking.Question{Label: row.Label, Kind: row.Kind, Required: row.Required}
		if row.Kind == booking.SingleChoice {
			for _, opt := range strings.Split(row.Options, "\n") {
				if opt = strings.TrimSpace(opt); opt != "" {
					q.Options = append(q.Options, opt)
				}
			}
		}
		qs = append(qs, q)
	}
	return rows, qs
}

func rowsWithLabels(rows []questionRow) []questionRow {
	var out []questionRow
	for _, r := range rows {
		if r.Label != "" {
			out = append(out, r)
		}
	}
	return out
}
