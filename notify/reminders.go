package notify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/sqldb"
)

// DueReminder is one reminder to send: a booking, its event (with hosts)
// and session, which of the event's reminder offsets it is, and a manage
// link for the attendee.
type DueReminder struct {
	Booking       booking.Booking
	Event         events.Event
	Session       events.Session
	OffsetMinutes int
	ManageURL     string
}

// ReminderSource finds the reminders that are due. The booking package
// implements it.
type ReminderSource interface {
	// DueReminders returns one DueReminder for every booking b and every
	// offset o in its event's ReminderOffsetsMinutes such that, with
	// moment = b's session start − o minutes:
	//
	//   - b is confirmed and its session is scheduled;
	//   - now − lookback < moment ≤ now (the window is open at its start
	//     and closed at its end, so consecutive windows meet without
	//     overlapping);
	//   - the session starts after now;
	//   - b was created before moment: someone who books after a
	//     reminder's moment has just had their confirmation and gets no
	//     late reminder.
	//
	// Times are instants (the session start is stored in UTC), so a
	// reminder goes exactly o minutes before the start, whatever DST
	// does in between. It need not remember what it returned: Reminders
	// stores each reminder once per booking, offset and session start, so
	// one returned twice is sent once, and a booking moved to another
	// date gets that date's reminders while a stale one cannot match.
	// ManageURL must work when the email is read.
	DueReminders(ctx context.Context, now time.Time, lookback time.Duration) ([]DueReminder, error)
	// StillDue re-reads, inside tx and holding the booking's row until tx
	// ends, whether r's booking is still confirmed on r's session at r's
	// start time. Reminders asks it just before storing r, so a booking
	// cancelled or moved since DueReminders read it gets no stale reminder,
	// and one cancelled afterwards finds the reminder stored and withdraws
	// it (BookingNotifier does, for cancellation and moved notices).
	StillDue(ctx context.Context, tx *sqlx.Tx, r DueReminder) (bool, error)
}

// Reminder schedule defaults.
const (
	// DefaultReminderLookback is how far back the first run after a start
	// looks, so reminders due while no worker ran still go (as long as the
	// session has not started).
	DefaultReminderLookback = 6 * time.Hour
	// DefaultReminderInterval is how often Run asks for due reminders.
	DefaultReminderInterval = time.Minute
)

// Reminders enqueues the reminders a ReminderSource reports due.
//
// Each run asks for the window since the previous successful run (the
// first run after a start looks back Lookback), so a reminder is normally
// fetched once per process; the outbox's dedupe key makes fetching it
// again, by another replica or after a restart, harmless.
type Reminders struct {
	// Lookback bounds how far back a run looks; zero means
	// DefaultReminderLookback. Set it before the first run.
	Lookback time.Duration
	// Interval is how often Run runs; zero means DefaultReminderInterval.
	Interval time.Duration

	db     *sqldb.DB
	source ReminderSource
	author *author

	mu      sync.Mutex // serialises runs
	lastRun time.Time  // the now of the last successful run
}

// NewReminders returns a scheduler enqueueing source's reminders into db's
// outbox. It parses every template, so it returns an error if one is
// broken or if cfg is invalid (see Config).
func NewReminders(db *sqldb.DB, source ReminderSource, cfg Config, now func() time.Time, logger *slog.Logger) (*Reminders, error) {
	a, err := newAuthor(cfg, now, logger)
	if err != nil {
		return nil, err
	}
	return &Reminders{db: db, source: source, author: a}, nil
}

// ReminderKey is the dedupe key of a reminder:
// booking:<ref>:reminder:<offset minutes>:<session start, unix seconds>.
func ReminderKey(ref string, offsetMinutes int, sessionStart time.Time) string {
	return fmt.Sprintf("booking:%s:reminder:%d:%d", ref, offsetMinutes, sessionStart.Unix())
}

// Run enqueues due reminders every Interval until ctx ends.
func (r *Reminders) Run(ctx context.Context) {
	interval := r.Interval
	if interval <= 0 {
		interval = DefaultReminderInterval
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if _, err := r.RunOnce(ctx); err != nil && ctx.Err() == nil {
			r.author.log.Warn("reminders failed; the next run tries again", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// RunOnce asks the source for the reminders due now and enqueues them in
// one transaction. It returns how many were new. A reminder that cannot be
// written (its attendee's address is not mailable, say) is logged and
// skipped rather than holding up the others. On error nothing is enqueued
// and the next run asks for the same window again.
func (r *Reminders) RunOnce(ctx context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.author.now()
	lookback := r.Lookback
	if lookback <= 0 {
		lookback = DefaultReminderLookback
	}
	if !r.lastRun.IsZero() {
		lookback = min(lookback, max(now.Sub(r.lastRun), 0))
	}
	due, err := r.source.DueReminders(ctx, now, lookback)
	if err != nil {
		return 0, fmt.Errorf("due reminders: %w", err)
	}
	type pending struct {
		due DueReminder
		msg Message
	}
	msgs := make([]pending, 0, len(due))
	for _, d := range due {
		m, err := r.message(d)
		if err == nil {
			err = m.Validate()
		}
		if err != nil {
			r.author.log.Error("reminder skipped", "booking", d.Booking.Ref, "offset_minutes", d.OffsetMinutes, "err", err)
			continue
		}
		msgs = append(msgs, pending{due: d, msg: m})
	}
	if len(msgs) == 0 {
		r.advance(now)
		return 0, nil
	}
	added := 0
	err = r.db.InTx(ctx, func(tx *sqlx.Tx) error {
		added = 0
		for _, p := range msgs {
			if ok, err := r.source.StillDue(ctx, tx, p.due); err != nil {
				return err
			} else if !ok {
				continue
			}
			isNew, err := Enqueue(ctx, tx, p.msg)
			if err != nil {
				return err
			}
			if isNew {
				added++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue reminders: %w", err)
	}
	r.advance(now)
	return added, nil
}

// advance records a successful run at now; a clock that stepped back does
// not move the window back.
func (r *Reminders) advance(now time.Time) {
	if now.After(r.lastRun) {
		r.lastRun = now
	}
}

func (r *Reminders) message(d DueReminder) (Message, error) {
	a := r.author
	b := d.Booking
	v := a.bookingView(d.Event, d.Session, b, d.ManageURL)
	v.Lead = formatLead(d.OffsetMinutes)
	key := ReminderKey(b.Ref, d.OffsetMinutes, d.Session.StartsAt)
	return a.message(KindReminder, key, person{Name: b.Name, Email: b.Email}, b.Ref, v, nil, "")
}
