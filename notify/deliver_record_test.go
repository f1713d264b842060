package notify_test

import (
	"context"
	"testing"

	"github.com/wneessen/go-mail"

	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// batchSender sends a batch at once (as the dev mailbox does), and runs
// during before answering.
type batchSender struct{ during func() }

func (s batchSender) Send(context.Context, []*mail.Msg) error {
	s.during()
	return nil
}

func TestSentMessagesAreMarkedTogetherEachFencedByItsAttempt(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	enqueueN(t, db, 4, start)
	// While the batch is out, another worker's claim takes the first
	// message over (its lease ran out): its attempt number moves on.
	sender := batchSender{during: func() {
		if _, err := db.Writer().Exec(`UPDATE outbox SET attempts = attempts + 1 WHERE id = (SELECT MIN(id) FROM outbox)`); err != nil {
			t.Error(err)
		}
	}}
	d := newDeliverer(t, db, sender, newClock(start))
	if _, err := d.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	got := statuses(t, db)
	if got[notify.Sent] != 3 || got[notify.Sending] != 1 {
		t.Errorf("statuses %v, want 3 sent and the one another worker claimed still sending", got)
	}
	var first notify.Status
	if err := db.Get(&first, `SELECT status FROM outbox WHERE id = (SELECT MIN(id) FROM outbox)`); err != nil {
		t.Fatal(err)
	}
	if first != notify.Sending {
		t.Errorf("the message another worker claimed is %s: this worker's stale outcome was recorded", first)
	}
}
