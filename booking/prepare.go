package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/secret"
)

// Prepare, then write: a confirmed booking's two emails (the attendee's
// confirmation with its invite, the hosts' notice) are rendered before
// Reserve's transaction, so that on a busy date the transaction — which on
// SQLite holds the only writer, and in a batch holds the date's row lock
// for every later request of the batch — only stores them.
//
// The emails show the booking's ref and manage link, so both are chosen
// before the transaction; and they show the event, the date and the
// answers, which Reserve reads inside it. Rendering first therefore takes
// the event, date and questions the last booking of the date read
// (remembered per date), and inside the transaction the notices Reserve
// would render are compared with the ones rendered ahead: only an exact
// match (apart from the booking's id and timestamps and the seat counts,
// which no email shows) is stored as rendered; anything else — the first
// booking of a date, an edited event, a new question, a change the
// pricing of the booking makes — is rendered in the transaction as before.

// NoticeRenderer is implemented by a Notifier that can render a notice's
// messages ahead of the transaction that stores them: Notify(ctx, tx, n)
// must do what Render(n) followed by Store(ctx, tx) does.
type NoticeRenderer interface {
	Render(n Notice) (RenderedNotice, error)
}

// RenderedNotice is a notice's messages, rendered and ready to store.
type RenderedNotice interface {
	// Store writes the messages through ext, the transaction of the change
	// that causes them.
	Store(ctx context.Context, ext sqlx.ExtContext) error
}

// confirmationPlan is what Reserve chooses and renders before its
// transaction: the booking's ref, its manage token, and its confirmed
// notices, each with the notice it was rendered from (see sameNotice).
type confirmationPlan struct {
	ref, token string
	notices    []plannedNotice
}

type plannedNotice struct {
	notice   Notice // as rendered from, less what same ignores
	key      string // sessionKey of its event and date
	rendered RenderedNotice
}

// plannedRef is the ref chosen ahead, or "" to let insertBooking choose.
func (p *confirmationPlan) plannedRef() string {
	if p == nil {
		return ""
	}
	return p.ref
}

// tokenOrNew is the manage token chosen ahead, or a new one.
func (p *confirmationPlan) tokenOrNew() string {
	if p == nil || p.token == "" {
		return newManageToken()
	}
	return p.token
}

// dateInputs is what rendering a date's confirmation needs beyond the
// request: remembered from the last booking of the date.
type dateInputs struct {
	event     events.Event
	session   events.Session
	questions []Question
	key       string // sessionKey(event, session)
}

// dateMemory remembers dateInputs per date, for at most maxRemembered
// dates (then it starts afresh: a miss costs only rendering in the
// transaction).
type dateMemory struct {
	mu    sync.Mutex
	dates map[int64]dateInputs
}

const maxRemembered = 1024

func (m *dateMemory) get(sessionID int64) (dateInputs, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	in, ok := m.dates[sessionID]
	return in, ok
}

func (m *dateMemory) remember(in dateInputs) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dates == nil || len(m.dates) >= maxRemembered {
		m.dates = map[int64]dateInputs{}
	}
	if in.key == "" {
		in.key = sessionKey(in.event, in.session)
	}
	m.dates[in.session.ID] = in
}

// planConfirmation chooses req's ref and manage token and renders its
// confirmed notices from what the date's last booking read, or returns
// nil when it cannot (the notifier cannot render ahead, the date is not
// remembered, the event is paid, the answers do not validate): Reserve
// then works as if there were no plan.
func (s *Service) planConfirmation(req Request) *confirmationPlan {
	renderer, ok := s.notifier.(NoticeRenderer)
	if !ok {
		return nil
	}
	in, ok := s.dates.get(req.SessionID)
	if !ok || !in.event.Free() {
		return nil
	}
	answers, err := validateAnswers(in.questions, req.Answers)
	if err != nil {
		return nil
	}
	b := Booking{
		SessionID: in.session.ID, EventID: in.event.ID, Name: req.Name, Email: req.Email, Seats: req.Seats,
		Status: Confirmed, AmountCents: in.event.PriceCents * int64(req.Seats), Currency: in.event.Currency,
		Answers: answers, Timezone: req.Timezone, Ref: newRef(in.event.Title),
	}
	plan := &confirmationPlan{ref: b.Ref, token: newManageToken()}
	for _, n := range s.confirmedNotices(b, in.event, in.session, plan.token, in.questions) {
		rendered, err := renderer.Render(n)
		if err != nil {
			return nil
		}
		plan.notices = append(plan.notices, plannedNotice{notice: sansIdentity(n), key: in.key, rendered: rendered})
	}
	return plan
}

// confirmedNotices are the notices a confirmed booking causes: the
// attendee's, and the hosts' with the answers to questions.
func (s *Service) confirmedNotices(b Booking, e events.Event, sess events.Session, token string, questions []Question) []Notice {
	var out []Notice
	for _, kind := range []NoticeKind{NoticeConfirmed, NoticeCoachNewBooking} {
		n := Notice{Kind: kind, Booking: b, Event: e, Session: sess, ManageURL: s.ManageURL(b.Ref, token)}
		if kind == NoticeCoachNewBooking {
			n.Answers = answered(questions, b.Answers)
		}
		out = append(out, n)
	}
	return out
}

// notifyPlanned stores the confirmed notices of b, whose registration
// questions are questions: each as rendered ahead by plan if it was
// rendered from the same notice, else through the notifier. It remembers
// the date's inputs for the next plan. key is sessionKey(e, sess), or "" to
// have it worked out.
func (s *Service) notifyPlanned(ctx context.Context, tx *sqlx.Tx, b Booking, e events.Event, sess events.Session, token string, questions []Question, plan *confirmationPlan, key string) error {
	if _, ok := s.notifier.(NoticeRenderer); ok && !b.IsAppointment() {
		if key == "" {
			key = sessionKey(e, sess)
		}
		s.dates.remember(dateInputs{event: e, session: sess, questions: questions, key: key})
	}
	notices := s.confirmedNotices(b, e, sess, token, questions)
	if rendered, ok := plan.matching(notices, key); ok {
		if err := storeRendered(ctx, preparedTx{Tx: tx, stmts: s.stmts}, rendered); err != nil {
			return fmt.Errorf("notify %s: %w", b.Ref, err)
		}
		return nil
	}
	for _, n := range notices {
		if err := s.notifier.Notify(ctx, tx, n); err != nil {
			return fmt.Errorf("notify %s: %w", n.Kind, err)
		}
	}
	return nil
}

// matching returns what p rendered ahead if it was rendered from exactly
// notices.
func (p *confirmationPlan) matching(notices []Notice, key string) ([]RenderedNotice, bool) {
	if p == nil || len(p.notices) != len(notices) {
		return nil, false
	}
	var out []RenderedNotice
	for i, n := range notices {
		if !p.notices[i].same(n, key) {
			return nil, false
		}
		out = append(out, p.notices[i].rendered)
	}
	return out, true
}

// RenderedNotices is implemented by a RenderedNotice that can be stored
// together with others its notifier rendered, in fewer statements.
type RenderedNotices interface {
	StoreWith(ctx context.Context, ext sqlx.ExtContext, others ...RenderedNotice) error
}

// storeRendered stores notices, together if the notifier can.
func storeRendered(ctx context.Context, ext sqlx.ExtContext, notices []RenderedNotice) error {
	if len(notices) == 0 {
		return nil
	}
	if together, ok := notices[0].(RenderedNotices); ok {
		return together.StoreWith(ctx, ext, notices[1:]...)
	}
	for _, n := range notices {
		if err := n.Store(ctx, ext); err != nil {
			return err
		}
	}
	return nil
}

// same reports whether n, on the event and date whose sessionKey is key, is
// the notice p was rendered from: equal in all the emails show, which is
// all of it but the booking's id and timestamps, with the event and date
// compared by their key (worked out once per date and batch, not per
// notice: the event with all its dates is most of a notice).
func (p plannedNotice) same(n Notice, key string) bool {
	return key != "" && p.key == key && reflect.DeepEqual(p.notice, sansIdentity(n))
}

// sansIdentity is n less what same ignores.
func sansIdentity(n Notice) Notice {
	n.Booking.ID = 0
	n.Booking.CreatedAt, n.Booking.UpdatedAt = time.Time{}, time.Time{}
	n.Event, n.Session = events.Event{}, events.Session{}
	return n
}

// sessionKey identifies a date and its event as a notice shows them: all but
// the dates' seat counts, which the emails do not show and which change
// with every booking; "" when it cannot be worked out.
func sessionKey(e events.Event, sess events.Session) string {
	sess.SeatsTaken = 0
	if len(e.Sessions) > 0 {
		dates := make([]events.Session, len(e.Sessions))
		for i, d := range e.Sessions {
			d.SeatsTaken = 0
			dates[i] = d
		}
		e.Sessions = dates
	}
	b, err := json.Marshal(struct {
		Event   events.Event
		Session events.Session
	}{e, sess})
	if err != nil {
		return ""
	}
	return string(b)
}

// newManageToken is a new 192-bit manage token.
func newManageToken() string { return secret.RandomString(24) }
