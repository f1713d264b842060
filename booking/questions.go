package booking

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/fault"
)

// QuestionKind is the kind of answer a registration question takes.
type QuestionKind string

// Question kinds.
const (
	ShortText    QuestionKind = "short_text"
	LongText     QuestionKind = "long_text"
	SingleChoice QuestionKind = "single_choice"
	Checkbox     QuestionKind = "checkbox"
)

// Limits on questions and answers.
const (
	MaxQuestions     = 20
	maxShortAnswer   = 200
	maxLongAnswer    = 4000
	maxOptions       = 20
	maxQuestionLabel = 300
)

// Question is a registration question an event asks each attendee, or an
// appointment type asks each client.
type Question struct {
	ID       int64        `db:"id"`
	EventID  int64        `db:"event_id"`            // 0 for an appointment type's question
	TypeID   int64        `db:"appointment_type_id"` // 0 for an event's question
	Position int          `db:"position"`
	Kind     QuestionKind `db:"kind"`
	Label    string       `db:"label"`
	Required bool         `db:"required"`
	Options  Options      `db:"options"` // for single choice
}

// Key is the key of the question's answer in Answers.
func (q Question) Key() string { return strconv.FormatInt(q.ID, 10) }

// Options are the choices of a single-choice question, stored one per line.
type Options []string

// Value implements driver.Valuer.
func (o Options) Value() (driver.Value, error) { return strings.Join(o, "\n"), nil }

// Scan implements sql.Scanner.
func (o *Options) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case string:
		text = v
	case []byte:
		text = string(v)
	case nil:
	default:
		return fmt.Errorf("scan options: unexpected %T", src)
	}
	*o = nil
	if text != "" {
		*o = strings.Split(text, "\n")
	}
	return nil
}

func (q Question) validate(f *fault.Fields, prefix string) {
	switch q.Kind {
	case ShortText, LongText, Checkbox:
		f.Check(len(q.Options) == 0, prefix+"options", "only single_choice questions have options")
	case SingleChoice:
		f.Check(len(q.Options) >= 2 && len(q.Options) <= maxOptions, prefix+"options", fmt.Sprintf("must list 2 to %d choices", maxOptions))
	default:
		f.Add(prefix+"kind", "must be short_text, long_text, single_choice or checkbox")
	}
	label := strings.TrimSpace(q.Label)
	f.Check(label != "" && utf8.RuneCountInString(label) <= maxQuestionLabel, prefix+"label", fmt.Sprintf("is required, at most %d characters", maxQuestionLabel))
	f.Check(utf8.ValidString(label) && !strings.ContainsRune(label, 0), prefix+"label", "must be valid text")
	for _, opt := range q.Options {
		f.Check(strings.TrimSpace(opt) != "" && !strings.ContainsAny(opt, "\r\n\x00") && len(opt) <= 200, prefix+"options", "each must be one non-empty line")
	}
}

// SetQuestions replaces an event's registration questions. The caller has
// checked that the coach hosts the event. Answers already given keep their
// values under the old question ids. Returns a fault.Invalid error naming
// questions[i].<field> for a question that is not valid.
func (s *Service) SetQuestions(ctx context.Context, eventID int64, questions []Question) ([]Question, error) {
	return s.replaceQuestions(ctx, eventQuestions, eventID, questions)
}

// questionTable is where one owner's questions are stored: an event's in
// questions, an appointment type's in appointment_type_questions.
type questionTable struct{ table, owner string }

var (
	eventQuestions = questionTable{table: "questions", owner: "event_id"}
	typeQuestions  = questionTable{table: "appointment_type_questions", owner: "appointment_type_id"}
)

func (s *Service) replaceQuestions(ctx context.Context, qt questionTable, ownerID int64, questions []Question) ([]Question, error) {
	var f fault.Fields
	f.Check(len(questions) <= MaxQuestions, "questions", fmt.Sprintf("at most %d questions", MaxQuestions))
	for i := range questions {
		questions[i].Label = strings.TrimSpace(questions[i].Label)
		questions[i].validate(&f, fmt.Sprintf("questions[%d].", i))
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		return storeQuestions(ctx, tx, qt, ownerID, questions)
	})
	if err != nil {
		return nil, err
	}
	return questions, nil
}

func storeQuestions(ctx context.Context, tx *sqlx.Tx, qt questionTable, ownerID int64, questions []Question) error {
	if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM `+qt.table+` WHERE `+qt.owner+` = ?`), ownerID); err != nil {
		return fmt.Errorf("clear questions: %w", err)
	}
	for i := range questions {
		q := &questions[i]
		q.EventID, q.TypeID, q.Position = 0, 0, i
		if qt == typeQuestions {
			q.TypeID = ownerID
		} else {
			q.EventID = ownerID
		}
		stmt, args, err := sqlx.Named(`INSERT INTO `+qt.table+` (`+qt.owner+`, position, kind, label, required, options)
			VALUES (:`+qt.owner+`, :position, :kind, :label, :required, :options) RETURNING id`, q)
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &q.ID, tx.Rebind(stmt), args...); err != nil {
			return fmt.Errorf("insert question: %w", err)
		}
	}
	return nil
}

// Questions returns an event's registration questions in order.
func (s *Service) Questions(ctx context.Context, eventID int64) ([]Question, error) {
	return loadQuestions(ctx, s.db, eventID)
}

func loadQuestions(ctx context.Context, ext sqlx.ExtContext, eventID int64) ([]Question, error) {
	return selectQuestions(ctx, ext, eventQuestions, eventID)
}

func selectQuestions(ctx context.Context, ext sqlx.ExtContext, qt questionTable, ownerID int64) ([]Question, error) {
	var qs []Question
	err := sqlx.SelectContext(ctx, ext, &qs, ext.Rebind(`SELECT id, `+qt.owner+`, position, kind, label, required, options
		FROM `+qt.table+` WHERE `+qt.owner+` = ? ORDER BY position`), ownerID)
	if err != nil {
		return nil, fmt.Errorf("load questions: %w", err)
	}
	return qs, nil
}

// validateAnswers checks answers against the questions and returns them
// cleaned: trimmed, unknown keys dropped, checkboxes as "yes" or "no".
// Fields are named answers.<question id>.
func validateAnswers(questions []Question, given Answers) (Answers, error) {
	var f fault.Fields
	out := Answers{}
	for _, q := range questions {
		field := "answers." + q.Key()
		value := strings.TrimSpace(given[q.Key()])
		if !utf8.ValidString(value) || strings.ContainsRune(value, 0) {
			f.Add(field, "must be valid text")
			continue
		}
		switch q.Kind {
		case Checkbox:
			checked := value == "yes" || value == "on" || value == "true"
			f.Check(checked || !q.Required, field, "must be ticked")
			out[q.Key()] = map[bool]string{true: "yes", false: "no"}[checked]
			continue
		case SingleChoice:
			f.Check(value == "" || slices.Contains(q.Options, value), field, "must be one of the choices")
		case ShortText:
			f.Check(utf8.RuneCountInString(value) <= maxShortAnswer && !strings.ContainsAny(value, "\r\n"), field,
				fmt.Sprintf("must be one line, at most %d characters", maxShortAnswer))
		case LongText:
			f.Check(utf8.RuneCountInString(value) <= maxLongAnswer, field, fmt.Sprintf("must be at most %d characters", maxLongAnswer))
		}
		f.Check(value != "" || !q.Required, field, "is required")
		if value != "" {
			out[q.Key()] = value
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
