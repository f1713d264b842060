package notify_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// recordingSender keeps the subjects of each batch it is given.
type recordingSender struct{ batches *[][]string }

func (s recordingSender) Send(_ context.Context, msgs []*mail.Msg) error {
	var subjects []string
	for _, m := range msgs {
		subjects = append(subjects, strings.Join(m.GetGenHeader(mail.HeaderSubject), ""))
	}
	sort.Strings(subjects)
	*s.batches = append(*s.batches, subjects)
	return nil
}

// A claim takes the messages that are due, oldest first, whether they
// wait to be sent or their worker's lease ran out, and no more than its
// batch: each kind is read in its index's order (migration 00039), so a
// claim reads about a batch of rows however long the queue.
func TestAClaimTakesTheOldestDueFirstPendingOrLeaseRunOut(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	enqueueN(t, db, 6, start)
	for i, set := range []struct {
		status string
		at     time.Duration // send_after for pending, lease_until for sending, from start
	}{
		{"pending", -5 * time.Minute},
		{"sending", -4 * time.Minute}, // its worker died
		{"pending", -3 * time.Minute},
		{"sending", time.Minute}, // its worker is still at it
		{"pending", time.Hour},   // a reminder, not yet due
		{"sending", -2 * time.Minute},
	} {
		q := `UPDATE outbox SET status = ?, send_after = ?, lease_until = NULL, attempts = 0 WHERE dedupe_key = ?`
		if set.status == "sending" {
			q = `UPDATE outbox SET status = ?, lease_until = ?, attempts = 1 WHERE dedupe_key = ?`
		}
		if _, err := db.Writer().Exec(db.Rebind(q), set.status, start.Add(set.at), fmt.Sprintf("test:%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	var batches [][]string
	d := newDeliverer(t, db, recordingSender{batches: &batches}, newClock(start))
	d.BatchSize = 2
	if _, err := d.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Message 0", "Message 1"}, {"Message 2", "Message 5"}}
	if len(batches) != len(want) {
		t.Fatalf("batches %v, want %v", batches, want)
	}
	for i := range want {
		if strings.Join(batches[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("batch %d sent %v, want %v", i, batches[i], want[i])
		}
	}
	if got := statuses(t, db); got[notify.Sent] != 4 || got[notify.Sending] != 1 || got[notify.Pending] != 1 {
		t.Errorf("statuses %v, want 4 sent, the leased one sending, the reminder pending", got)
	}
}
