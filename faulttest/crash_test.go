package faulttest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// TestCrashMidBurst kills roster serve with SIGKILL while a burst of free
// and paid bookings is under way and mail is being delivered, then checks
// that nothing promised was lost: roster check passes on what the crash
// left, every acknowledged booking is stored, every confirmed booking has
// its confirmation in the outbox, and after a restart (and the hold and
// lease deadlines moved into the past, as if the time had passed) the held
// seats come back and every email arrives, twice only if it was in the
// batch being sent at the crash.
func TestCrashMidBurst(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		crashMidBurst(t, filepath.Join(t.TempDir(), "roster.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		if !sqldbtest.OnPostgres() {
			t.Skipf("%s not set", sqldbtest.PostgresEnv)
		}
		crashMidBurst(t, sqldbtest.URL(t)) // a schema of its own, dropped at the end
	})
}

func crashMidBurst(t *testing.T, dbURL string) {
	mail := startMail(t, "", "")
	// A slow mail server keeps a batch of messages in flight when the
	// server dies, which is the case at-least-once delivery is about.
	mail.setDelay(25 * time.Millisecond)
	settings := map[string]string{"DATABASE_URL": dbURL, "SMTP_URL": mail.url()}
	env := rosterEnv(settings)
	token := addCoach(t, env)
	srv := startServer(t, settings)
	const capacity = 80
	free := createEvent(t, srv, token, "crash-free", 0, capacity)
	paid := createEvent(t, srv, token, "crash-paid", 4900, capacity)

	// Warm up: confirmed bookings whose emails are being delivered when
	// the burst starts.
	for i := range 10 {
		if r, _ := book(srv, free, "Warm Up", fmt.Sprintf("warm%d@example.com", i), 1); r.Status != http.StatusCreated {
			t.Fatalf("warm-up booking: %s", r)
		}
	}
	eventually(t, 30*time.Second, "the first email to arrive", func() (bool, string) {
		return len(mail.messages()) > 0, "none yet"
	})

	type outcome struct {
		free  bool
		seats int
		r     reply
		b     booked
	}
	const clients, killAfter = 160, 40
	outcomes := make([]outcome, clients)
	var answered atomic.Int32
	killNow := make(chan struct{})
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			e, isFree := paid, false
			if i%2 == 0 {
				e, isFree = free, true
			}
			seats := 1 + (i/2)%2
			r, b := book(srv, e, fmt.Sprintf("Burst %d", i), fmt.Sprintf("burst%d@example.com", i), seats)
			outcomes[i] = outcome{free: isFree, seats: seats, r: r, b: b}
			if r.Err == nil && answered.Add(1) == killAfter {
				close(killNow)
			}
		}()
	}
	close(start)
	select {
	case <-killNow:
	case <-time.After(60 * time.Second):
		t.Fatal("the burst did not get 40 answers within 60s")
	}
	srv.kill()
	wg.Wait()

	tally := map[string]int{}
	for _, o := range outcomes {
		switch {
		case o.r.Err != nil:
			tally["no answer (connection cut)"]++
		default:
			tally[fmt.Sprintf("%d %s", o.r.Status, o.b.Status)]++
		}
	}
	t.Logf("burst of %d bookings, killed after %d answers: %v", clients, killAfter, tally)

	// What the crash left must satisfy every invariant as it is.
	check(t, env, "on the database a SIGKILL left")
	db := openDB(t, dbURL)
	ctx := context.Background()
	for _, o := range outcomes {
		if o.r.Err != nil || o.r.Status != http.StatusCreated {
			continue
		}
		var status string
		if err := db.GetContext(ctx, &status, db.Rebind(`SELECT status FROM bookings WHERE ref = ?`), o.b.Ref); err != nil {
			t.Errorf("booking %s was acknowledged with 201 but is not stored: %v", o.b.Ref, err)
		} else if status != o.b.Status {
			t.Errorf("booking %s was acknowledged as %s but is stored as %s", o.b.Ref, o.b.Status, status)
		}
	}
	var unannounced []string
	if err := db.SelectContext(ctx, &unannounced, `SELECT b.ref FROM bookings b WHERE b.status = 'confirmed'
		AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.booking_ref = b.ref AND o.kind = 'confirmation')`); err != nil {
		t.Fatal(err)
	}
	if len(unannounced) > 0 {
		t.Errorf("confirmed bookings without their confirmation in the outbox: %v", unannounced)
	}
	atCrash := outboxRows(t, db)
	inFlight := map[string]bool{}
	byStatus := map[string]int{}
	for _, row := range atCrash {
		byStatus[row.Status]++
		if row.Status == "sending" {
			inFlight[row.messageID()] = true
		}
	}
	t.Logf("outbox at the crash: %v; %d messages received so far", byStatus, len(mail.messages()))

	// Thirty-one minutes pass while the server is down: the holds run out
	// and the leases on the messages that were being sent expire.
	passTime(t, db)

	srv.start()
	var confirmedFree int
	if err := db.GetContext(ctx, &confirmedFree, db.Rebind(`SELECT COALESCE(SUM(b.seats), 0) FROM bookings b
		JOIN events e ON e.id = b.event_id WHERE e.slug = ? AND b.status = 'confirmed'`), free.Slug); err != nil {
		t.Fatal(err)
	}
	eventually(t, 60*time.Second, "the sweeper to return every expired hold's seats", func() (bool, string) {
		paidLeft, err := seatsLeft(srv, paid.Slug)
		if err != nil {
			return false, err.Error()
		}
		freeLeft, err := seatsLeft(srv, free.Slug)
		if err != nil {
			return false, err.Error()
		}
		return paidLeft == capacity && freeLeft == capacity-confirmedFree,
			fmt.Sprintf("paid date has %d of %d seats left, free date %d (want %d)", paidLeft, capacity, freeLeft, capacity-confirmedFree)
	})
	var held int
	if err := db.GetContext(ctx, &held, `SELECT COUNT(*) FROM bookings WHERE status = 'pending_payment'`); err != nil || held != 0 {
		t.Errorf("%d holds left after the sweep (%v)", held, err)
	}

	// Every email is delivered; only the one message being sent at the
	// crash may arrive twice (notify marks each message sent as soon as the
	// mail server accepts it).
	eventually(t, 90*time.Second, "every outbox message to be delivered", func() (bool, string) {
		counts := mail.byMessageID()
		var waiting []string
		for _, row := range outboxRows(t, db) {
			if row.Status != "sent" || counts[row.messageID()] == 0 {
				waiting = append(waiting, fmt.Sprintf("%d (%s, %s)", row.ID, row.Kind, row.Status))
			}
		}
		return len(waiting) == 0, fmt.Sprintf("%d not delivered: %.400s", len(waiting), strings.Join(waiting, ", "))
	})
	known := map[string]bool{}
	for _, row := range outboxRows(t, db) {
		known[row.messageID()] = true
	}
	twice := 0
	for id, n := range mail.byMessageID() {
		switch {
		case !known[id]:
			t.Errorf("received %s, which is in no outbox row", id)
		case n > 2 || n == 2 && !inFlight[id]:
			t.Errorf("%s delivered %d times; only messages in flight at the crash may go twice", id, n)
		case n == 2:
			twice++
		}
	}
	if twice > 1 {
		t.Errorf("%d messages delivered twice; a crash may resend at most the one in flight", twice)
	}
	t.Logf("%d messages delivered, %d claimed at the crash, %d delivered twice", len(known), len(inFlight), twice)

	// A fresh date: the burst may have filled the free one.
	after := createEvent(t, srv, token, "crash-after", 0, 1)
	if r, b := book(srv, after, "After Restart", "after@example.com", 1); r.Status != http.StatusCreated || b.Status != "confirmed" {
		t.Errorf("booking after the restart: %s", r)
	}
	srv.stop()
	check(t, env, "after the restart and a SIGTERM")
}

// outboxRow is what the crash test needs of an outbox row.
type outboxRow struct {
	ID       int64   `db:"id"`
	Kind     string  `db:"kind"`
	Ref      *string `db:"booking_ref"`
	Token    string  `db:"message_token"`
	Status   string  `db:"status"`
	Attempts int     `db:"attempts"`
}

// messageID is the Message-ID header roster gives the row's email.
func (r outboxRow) messageID() string {
	u, _ := url.Parse(baseURL)
	return fmt.Sprintf("<outbox-%d.%s@%s>", r.ID, r.Token, u.Hostname())
}

func outboxRows(t *testing.T, db *sqldb.DB) []outboxRow {
	t.Helper()
	var rows []outboxRow
	if err := db.SelectContext(context.Background(), &rows, `SELECT id, kind, booking_ref, message_token, status, attempts FROM outbox ORDER BY id`); err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	return rows
}

// passTime stands in for 31 minutes passing while the server is down: it
// moves every payment hold's expiry and every email lease into the past.
// The binary reads the wall clock and offers no other, so the deadlines
// move instead.
func passTime(t *testing.T, db *sqldb.DB) {
	t.Helper()
	past := time.Now().UTC().Add(-time.Minute)
	ctx := context.Background()
	w := db.Writer()
	holds, err := w.ExecContext(ctx, db.Rebind(`UPDATE bookings SET hold_expires_at = ? WHERE status = 'pending_payment'`), past)
	if err != nil {
		t.Fatalf("expire holds: %v", err)
	}
	leases, err := w.ExecContext(ctx, db.Rebind(`UPDATE outbox SET lease_until = ? WHERE status = 'sending'`), past)
	if err != nil {
		t.Fatalf("expire leases: %v", err)
	}
	h, _ := holds.RowsAffected()
	l, _ := leases.RowsAffected()
	t.Logf("31 minutes pass: %d holds and %d email leases now expired", h, l)
}

// TestCheckDetectsViolations makes sure roster check, which every fault
// test trusts, fails on a database that breaks an invariant: a date whose
// seat counter disagrees with its bookings. (The schema itself refuses a
// counter above capacity.)
func TestCheckDetectsViolations(t *testing.T) {
	t.Parallel()
	dbURL := filepath.Join(t.TempDir(), "roster.db")
	settings := map[string]string{"DATABASE_URL": dbURL}
	env := rosterEnv(settings)
	token := addCoach(t, env)
	srv := startServer(t, settings)
	ev := createEvent(t, srv, token, "check", 0, 2)
	if r, _ := book(srv, ev, "Ada", "ada@example.com", 1); r.Status != http.StatusCreated {
		t.Fatalf("book: %s", r)
	}
	srv.stop()
	check(t, env, "before the damage")
	db := openDB(t, dbURL)
	if _, err := db.Writer().Exec(`UPDATE sessions SET seats_taken = 2`); err != nil {
		t.Fatal(err)
	}
	stdout, _, code := runRoster(t, env, "", "check")
	if code != 1 || !strings.Contains(stdout, "counter says 2 seats taken") {
		t.Fatalf("roster check with a seat counter off by one: exit %d: %s", code, stdout)
	}
}
