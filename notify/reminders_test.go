package notify_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/calendar"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// fakeSource is a ReminderSource over bookings held in memory, following
// the interface's contract to the letter.
type fakeSource struct {
	mu       sync.Mutex
	bookings map[string]sourceBooking // by ref
	calls    []window
	returned int   // how many reminders the last call returned
	err      error // returned by the next call, then cleared
}

type sourceBooking struct {
	booking booking.Booking
	event   events.Event
	session events.Session
}

type window struct {
	now      time.Time
	lookback time.Duration
}

func newFakeSource() *fakeSource { return &fakeSource{bookings: map[string]sourceBooking{}} }

func (f *fakeSource) put(b booking.Booking, e events.Event, s events.Session) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bookings[b.Ref] = sourceBooking{b, e, s}
}

func (f *fakeSource) DueReminders(_ context.Context, now time.Time, lookback time.Duration) ([]notify.DueReminder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, window{now, lookback})
	if err := f.err; err != nil {
		f.err = nil
		return nil, err
	}
	var due []notify.DueReminder
	for _, sb := range f.bookings {
		if sb.booking.Status != booking.Confirmed || sb.session.Status != events.Scheduled || !sb.session.StartsAt.After(now) {
			continue
		}
		for _, offset := range sb.event.ReminderOffsetsMinutes {
			moment := sb.session.StartsAt.Add(-time.Duration(offset) * time.Minute)
			if moment.After(now) || !moment.After(now.Add(-lookback)) || !sb.booking.CreatedAt.Before(moment) {
				continue
			}
			due = append(due, notify.DueReminder{Booking: sb.booking, Event: sb.event, Session: sb.session,
				OffsetMinutes: offset, ManageURL: "https://roster.example/bookings/" + sb.booking.Ref + "?t=token"})
		}
	}
	f.returned = len(due)
	return due, nil
}

// StillDue re-reads the booking as it is now, as booking's query does.
func (f *fakeSource) StillDue(_ context.Context, _ *sqlx.Tx, r notify.DueReminder) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sb, ok := f.bookings[r.Booking.Ref]
	return ok && sb.booking.Status == booking.Confirmed && sb.session.ID == r.Session.ID &&
		sb.session.StartsAt.Equal(r.Session.StartsAt) && sb.session.Status == events.Scheduled, nil
}

func (f *fakeSource) lastReturned() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.returned
}

func (f *fakeSource) windows() []window {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]window(nil), f.calls...)
}

func newReminders(t *testing.T, db *sqldb.DB, src notify.ReminderSource, c *clock) *notify.Reminders {
	t.Helper()
	r, err := notify.NewReminders(db, src, testConfig, c.Now, discard())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// reminderRow is a stored reminder: its key and when it was enqueued.
type reminderRow struct {
	Key       string    `db:"dedupe_key"`
	CreatedAt time.Time `db:"created_at"`
}

func storedReminders(t *testing.T, db *sqldb.DB) map[string]time.Time {
	t.Helper()
	var rows []reminderRow
	if err := db.Select(&rows, db.Rebind(`SELECT dedupe_key, created_at FROM outbox WHERE kind = ?`), notify.KindReminder); err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, r := range rows {
		out[r.Key] = r.CreatedAt
	}
	return out
}

// dstLab is the Career Clarity Lab on the day the UK's clocks go forward:
// Sunday 28 March 2027, 18:00–20:00 BST. Its reminders go 1440 and 60
// minutes before: at 17:00 GMT on the Saturday (24 hours, not one
// calendar day, before) and at 17:00 BST on the Sunday.
func dstLab(t *testing.T) (events.Event, events.Session) {
	t.Helper()
	e, _ := lab()
	startsAt, err := calendar.At("Europe/London", 2027, time.March, 28, 18, 0)
	if err != nil {
		t.Fatal(err)
	}
	return e, events.Session{ID: 20, EventID: e.ID, Capacity: 12, Status: events.Scheduled,
		StartsAt: startsAt.UTC(), EndsAt: startsAt.Add(2 * time.Hour).UTC()}
}

func bookingFor(ref, name, email string, s events.Session, createdAt time.Time) booking.Booking {
	return booking.Booking{Ref: ref, SessionID: s.ID, EventID: s.EventID, Name: name, Email: email, Seats: 1,
		Status: booking.Confirmed, Currency: "GBP", CreatedAt: createdAt, UpdatedAt: createdAt}
}

// tick runs r every step from `from` up to (not including) `to`; at each
// tick, before running, hook may change the world.
func tick(t *testing.T, c *clock, from, to time.Time, step time.Duration, run func(now time.Time)) {
	t.Helper()
	for now := from; now.Before(to); now = now.Add(step) {
		c.Set(now)
		run(now)
	}
}

func TestReminders(t *testing.T) {
	ctx := context.Background()
	const step = 5 * time.Minute
	weekStart := time.Date(2027, 3, 22, 0, 2, 0, 0, time.UTC) // ticks at :02, :07, …
	weekEnd := time.Date(2027, 3, 30, 0, 0, 0, 0, time.UTC)

	t.Run("a DST week: each reminder once, at its moment", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(weekStart)
		e, s := dstLab(t)
		src := newFakeSource()
		ada := bookingFor("CCL-ADA", "Ada Lovelace", "ada@example.com", s, time.Date(2027, 3, 20, 9, 0, 0, 0, time.UTC))
		// Booked after the day-before reminder's moment: gets only the hour-before one.
		bob := bookingFor("CCL-BOB", "Bob Late", "bob@example.com", s, time.Date(2027, 3, 28, 10, 0, 0, 0, time.UTC))
		src.put(ada, e, s)
		r := newReminders(t, db, src, c)
		restartAt := time.Date(2027, 3, 27, 18, 2, 0, 0, time.UTC)
		tick(t, c, weekStart, weekEnd, step, func(now time.Time) {
			if now.After(bob.CreatedAt) {
				src.put(bob, e, s)
			}
			if now.Equal(restartAt) { // a new process: it looks back and finds Ada's day-before reminder again
				r = newReminders(t, db, src, c)
			}
			added, err := r.RunOnce(ctx)
			if err != nil {
				t.Fatalf("RunOnce at %v: %v", now, err)
			}
			if now.Equal(restartAt) && (src.lastReturned() != 1 || added != 0) {
				t.Errorf("after the restart the source returned %d and %d were added; want 1 returned, 0 added",
					src.lastReturned(), added)
			}
		})

		dayBefore := time.Date(2027, 3, 27, 17, 0, 0, 0, time.UTC)  // 17:00 GMT, Saturday
		hourBefore := time.Date(2027, 3, 28, 16, 0, 0, 0, time.UTC) // 17:00 BST, Sunday
		startUnix := "1806253200"                                   // 2027-03-28T17:00:00Z
		if got := s.StartsAt.Unix(); got != 1806253200 {
			t.Fatalf("session starts at %d, want %s", got, startUnix)
		}
		want := map[string]time.Time{
			"booking:CCL-ADA:reminder:1440:" + startUnix: dayBefore,
			"booking:CCL-ADA:reminder:60:" + startUnix:   hourBefore,
			"booking:CCL-BOB:reminder:60:" + startUnix:   hourBefore,
		}
		got := storedReminders(t, db)
		if len(got) != len(want) {
			t.Errorf("stored reminders %v, want %v", keys(got), keys(want))
		}
		for key, moment := range want {
			at, ok := got[key]
			if !ok {
				t.Errorf("no reminder %s", key)
				continue
			}
			if late := at.Sub(moment); late < 0 || late >= step {
				t.Errorf("%s enqueued at %v, want within one tick after %v", key, at, moment)
			}
		}

		msgs := deliverToMailbox(t, db, c)
		for _, m := range msgs {
			if !strings.Contains(m.Text, "Sunday 28 March 2027, 18:00–20:00 BST") {
				t.Errorf("reminder %q does not show the date in London time:\n%s", m.Subject, m.Text)
			}
		}
		subjects := map[string]int{}
		for _, m := range msgs {
			subjects[m.Subject]++
		}
		if subjects["Reminder: Career Clarity Lab starts in 1 day"] != 1 || subjects["Reminder: Career Clarity Lab starts in 1 hour"] != 2 {
			t.Errorf("subjects %v, want one day-before and two hour-before reminders", subjects)
		}
	})

	t.Run("each run asks for the window since the last", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(weekStart)
		src := newFakeSource()
		r := newReminders(t, db, src, c)
		r.Lookback = 2 * time.Hour
		end := weekStart.Add(time.Hour)
		failAt := weekStart.Add(30 * time.Minute)
		tick(t, c, weekStart, end, step, func(now time.Time) {
			if now.Equal(failAt) {
				src.mu.Lock()
				src.err = errors.New("database unavailable")
				src.mu.Unlock()
			}
			_, err := r.RunOnce(ctx)
			if now.Equal(failAt) != (err != nil) {
				t.Errorf("RunOnce at %v: err %v", now, err)
			}
		})
		windows := src.windows()
		if windows[0].lookback != 2*time.Hour {
			t.Errorf("first run looks back %v, want the whole Lookback", windows[0].lookback)
		}
		for i := 1; i < len(windows); i++ {
			prev := windows[i-1].now
			if windows[i-1].now.Equal(failAt) {
				prev = windows[i-2].now // the failed run's window is asked for again
			}
			if got := windows[i].now.Add(-windows[i].lookback); !got.Equal(prev) {
				t.Errorf("run %d at %v starts its window at %v, want %v", i, windows[i].now, got, prev)
			}
		}
	})

	t.Run("a moved booking gets its new date's reminders and no stale one", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(weekStart)
		e, first := dstLab(t)
		second := first
		second.ID, second.StartsAt, second.EndsAt = 21, first.StartsAt.AddDate(0, 0, 1), first.EndsAt.AddDate(0, 0, 1)
		src := newFakeSource()
		ada := bookingFor("CCL-ADA", "Ada Lovelace", "ada@example.com", first, time.Date(2027, 3, 20, 9, 0, 0, 0, time.UTC))
		src.put(ada, e, first)
		r := newReminders(t, db, src, c)
		movedAt := time.Date(2027, 3, 28, 10, 2, 0, 0, time.UTC) // after the first date's day-before reminder
		tick(t, c, weekStart, weekEnd, step, func(now time.Time) {
			if now.Equal(movedAt) {
				moved := ada
				moved.SessionID, moved.Sequence = second.ID, 1
				src.put(moved, e, second)
			}
			if _, err := r.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
		})
		got := keys(storedReminders(t, db))
		want := []string{
			notify.ReminderKey("CCL-ADA", 1440, first.StartsAt),
			notify.ReminderKey("CCL-ADA", 1440, second.StartsAt),
			notify.ReminderKey("CCL-ADA", 60, second.StartsAt),
		}
		sort.Strings(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("stored %v, want %v", got, want)
		}
	})

	t.Run("a reminder that cannot be written does not hold up the others", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		e, s := dstLab(t)
		c := newClock(s.StartsAt.Add(-time.Hour))
		src := newFakeSource()
		src.put(bookingFor("CCL-BAD", "Bad", "not an address", s, weekStart), e, s)
		src.put(bookingFor("CCL-ADA", "Ada", "ada@example.com", s, weekStart), e, s)
		added, err := newReminders(t, db, src, c).RunOnce(ctx)
		if added != 1 || err != nil {
			t.Errorf("RunOnce: added %d, err %v; want 1, nil", added, err)
		}
	})
}

func keys(m map[string]time.Time) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
