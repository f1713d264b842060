package notify_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// countingSender counts the sends of each subject, for every worker.
type countingSender struct {
	mu    *sync.Mutex
	sends map[string]int
}

func (s countingSender) Send(_ context.Context, msgs []*mail.Msg) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range msgs {
		s.sends[strings.Join(m.GetGenHeader(mail.HeaderSubject), "")]++
	}
	return nil
}

// Workers of several processes claim one outbox at once, its due
// messages both pending and with leases run out: each message is sent
// exactly once, and every one is sent.
func TestWorkersOfSeveralProcessesSendEachDueMessageOnce(t *testing.T) {
	ctx := context.Background()
	db, url := sqldbtest.MustOpenURL(t)
	const n = 400
	enqueueN(t, db, n, start)
	// Every third message was claimed by a worker that died.
	if _, err := db.Writer().Exec(db.Rebind(`UPDATE outbox SET status = 'sending', attempts = 1, lease_until = ? WHERE id % 3 = 0`), start.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	sender := countingSender{mu: &sync.Mutex{}, sends: map[string]int{}}
	var wg sync.WaitGroup
	for w := range 4 {
		wdb := db
		if w > 0 && db.Dialect == sqldb.Postgres {
			other, err := sqldb.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { other.Close() })
			wdb = other
		}
		d := newDeliverer(t, wdb, sender, newClock(start))
		d.BatchSize = 7
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := d.RunOnce(ctx); err != nil {
				t.Errorf("worker %d: %v", w, err)
			}
		}()
	}
	wg.Wait()
	// A worker stops at a short batch; what the others left is claimed now.
	if _, err := newDeliverer(t, db, sender, newClock(start)).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sender.sends) != n {
		t.Errorf("%d messages sent, want %d", len(sender.sends), n)
	}
	for subject, k := range sender.sends {
		if k != 1 {
			t.Errorf("%s sent %d times", subject, k)
		}
	}
	if got := statuses(t, db); got[notify.Sent] != n {
		t.Errorf("statuses %v, want all %d sent", got, n)
	}
}
