package notify

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	mail "github.com/wneessen/go-mail"

	"github.com/roster-app/roster/sqldb"
)

// Delivery rules.
const (
	// LeaseDuration is how long a claimed message belongs to the worker that
	// claimed it. A message whose lease has run out without being marked
	// sent or rescheduled is claimable again.
	LeaseDuration = 2 * time.Minute
	// MaxAttempts is how many times a message is tried before it is marked
	// failed.
	MaxAttempts = 12
	// FirstRetryDelay and MaxRetryDelay bound the wait after a failed
	// attempt: it doubles from the first to the cap, and jitter spreads
	// each wait over the upper half of its span.
	FirstRetryDelay = 15 * time.Second
	MaxRetryDelay   = time.Hour

	DefaultBatchSize    = 20
	DefaultPollInterval = time.Second
	// DefaultGather is how long Run waits after a nudge before it claims:
	// the messages of the bookings that commit meanwhile (a flash sale
	// commits hundreds a second, in every replica) are then claimed and
	// marked together instead of a few per claim, for a moment's delay.
	DefaultGather = 50 * time.Millisecond

	// sendBudget is how long after claiming a batch a worker may start
	// sending another of its messages: well inside the lease, so a slow
	// server cannot let a lease run out while its message is still queued
	// in this worker.
	sendBudget = LeaseDuration / 3
	// markTimeout bounds recording a batch's results, which happens even
	// when the worker is stopping.
	markTimeout = 30 * time.Second
	maxErrorLen = 1000
)

// Deliverer sends the outbox's due messages through a Sender and records
// the outcome: sent, or rescheduled with exponential backoff, or failed
// after MaxAttempts.
//
// Several Deliverers, in one process or many, may work on one database.
// Each claims a batch of due messages in a short transaction that marks
// them 'sending' with a lease of LeaseDuration (on PostgreSQL with SELECT …
// FOR UPDATE SKIP LOCKED, so workers take different rows without waiting;
// on SQLite the single writer serialises claims), sends them outside any
// transaction, then marks each one in another short transaction. A message
// is therefore never sent by two workers at once.
//
// Delivery is at least once: a worker that dies after the SMTP server
// accepted a message but before marking it sent leaves it 'sending'; when
// its lease expires another worker claims and sends it again. With SMTP each
// message is marked sent the moment the server accepts it, so a crash
// resends at most the one message in flight; everything else goes exactly
// once per dedupe key. The
// Message-ID stays the same on every attempt, so mail clients that
// deduplicate by it show one copy.
type Deliverer struct {
	// BatchSize is how many messages a claim takes and one connection
	// sends; zero means DefaultBatchSize. Set it before Run.
	BatchSize int
	// PollInterval is how often Run looks for due messages when not
	// nudged; zero means DefaultPollInterval. Set it before Run.
	PollInterval time.Duration
	// Gather is how long Run waits after a nudge before it claims; zero
	// means DefaultGather, a negative value not at all. Set it before Run.
	Gather time.Duration

	db     *sqldb.DB
	sender Sender
	site   site
	now    func() time.Time
	log    *slog.Logger
	nudge  chan struct{}
}

// NewDeliverer returns a Deliverer sending db's outbox through sender,
// logging to logger (nil for none). It returns an error if cfg is invalid
// (see Config).
func NewDeliverer(db *sqldb.DB, sender Sender, cfg Config, now func() time.Time, logger *slog.Logger) (*Deliverer, error) {
	s, err := cfg.parse()
	if err != nil {
		return nil, err
	}
	return &Deliverer{db: db, sender: sender, site: s, now: now, log: orDiscard(logger), nudge: make(chan struct{}, 1)}, nil
}

// Nudge makes Run look for due messages now rather than at its next poll,
// e.g. right after a booking commits. It never blocks.
func (d *Deliverer) Nudge() {
	select {
	case d.nudge <- struct{}{}:
	default:
	}
}

// Run delivers due messages every PollInterval, and when nudged, until ctx
// ends. A batch being sent when ctx ends is finished: the message in flight
// completes and is recorded, and the batch's unsent messages are handed
// back to the queue at once.
func (d *Deliverer) Run(ctx context.Context) {
	interval := d.PollInterval
	if interval <= 0 {
		interval = DefaultPollInterval
	}
	gather := d.Gather
	if gather == 0 {
		gather = DefaultGather
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.log.Warn("outbox delivery failed; messages will be retried", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-d.nudge:
			if gather > 0 && !sleep(ctx, gather) {
				return
			}
		}
	}
}

// sleep waits for d or until ctx ends, and reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// RunOnce delivers every message due now, batch by batch, and returns how
// many were sent. It stops at the first batch of which nothing could be
// sent (the server is down: the batch is rescheduled and the rest wait for
// the next run) and returns that error; a failure of single messages is
// not an error, they are rescheduled. When ctx ends it finishes the message
// in flight, hands the batch's unsent messages back, and returns ctx's
// error.
func (d *Deliverer) RunOnce(ctx context.Context) (sent int, err error) {
	batchSize := d.BatchSize
	if batchSize <= 0 {
		batchSize = DefaultBatchSize
	}
	for {
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		rows, err := d.claim(ctx, batchSize)
		if err != nil {
			return sent, err
		}
		if len(rows) == 0 {
			return sent, nil
		}
		n, err := d.deliver(ctx, rows)
		sent += n
		if err != nil {
			return sent, err
		}
		if err := ctx.Err(); err != nil {
			return sent, err
		}
		if len(rows) < batchSize {
			return sent, nil
		}
	}
}

// outcome is what became of one claimed message.
type outcome int

const (
	delivered outcome = iota
	failedAttempt
	notTried        // handed back without counting the attempt
	alreadyRecorded // marked sent as soon as the server accepted it
)

// deliver sends claimed rows and records what happened to each. It returns
// how many were sent, and an error if none could be.
func (d *Deliverer) deliver(ctx context.Context, rows []row) (int, error) {
	msgs := make([]*mail.Msg, len(rows))
	composeErrs := make([]error, len(rows))
	var toSend []*mail.Msg
	var rowOf []int // toSend index -> rows index
	for i, r := range rows {
		msgs[i], composeErrs[i] = d.site.compose(r)
		if composeErrs[i] == nil {
			toSend = append(toSend, msgs[i])
			rowOf = append(rowOf, i)
		}
	}
	sendCtx, cancel := context.WithTimeout(ctx, sendBudget)
	defer cancel()
	// markedEarly[i] is true once row i was marked sent the moment the
	// server took it; a crash after that cannot send it again.
	markedEarly := make([]bool, len(rows))
	var sendErr error
	switch sender := d.sender.(type) {
	case eachSender:
		if len(toSend) > 0 {
			sendErr = sender.SendEach(sendCtx, toSend, func(j int) {
				markedEarly[rowOf[j]] = d.markSent(ctx, rows[rowOf[j]]) == nil
			})
		}
	default:
		if len(toSend) > 0 {
			sendErr = d.sender.Send(sendCtx, toSend)
		}
	}
	stopped := sendCtx.Err() != nil

	outcomes := make([]outcome, len(rows))
	reasons := make([]error, len(rows))
	sent := 0
	for i := range rows {
		msg := msgs[i]
		switch {
		case markedEarly[i]:
			outcomes[i] = alreadyRecorded
			sent++
		case composeErrs[i] != nil:
			outcomes[i], reasons[i] = failedAttempt, composeErrs[i]
		case sendErr == nil || msg.IsDelivered():
			outcomes[i] = delivered
			sent++
		case msg.HasSendError():
			outcomes[i], reasons[i] = failedAttempt, msg.SendError()
		case stopped:
			outcomes[i] = notTried
		default:
			outcomes[i], reasons[i] = failedAttempt, sendErr
		}
	}
	// The results are recorded even when ctx has ended: a message the
	// server accepted must be marked sent, or it would go again.
	markCtx, cancelMark := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancelMark()
	if err := d.record(markCtx, rows, outcomes, reasons); err != nil {
		return sent, err
	}
	if sent == 0 && sendErr != nil && !stopped {
		return 0, sendErr
	}
	return sent, nil
}

// markSent records one message as sent the moment the server accepted it,
// fenced like record by the attempt number of its claim.
func (d *Deliverer) markSent(ctx context.Context, r row) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	now := d.now().UTC()
	return d.db.InTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = NULL, last_error = ''
			WHERE id = ? AND status = 'sending' AND attempts = ?`), now, r.ID, r.Attempts)
		if err != nil {
			return fmt.Errorf("mark message %d sent: %w", r.ID, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("mark message %d sent: its lease ran out", r.ID)
		}
		return nil
	})
}

// record marks each row sent, rescheduled, failed or handed back. Each
// update is fenced by the attempt number the claim gave the row: if the
// lease ran out and another worker claimed the row since, this worker's
// outcome is stale and is dropped. The rows sent are marked in one
// statement: in a busy outbox that is most of them.
func (d *Deliverer) record(ctx context.Context, rows []row, outcomes []outcome, reasons []error) error {
	now := d.now().UTC()
	return d.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var sent []row
		for i, r := range rows {
			var (
				query string
				args  []any
			)
			switch outcomes[i] {
			case alreadyRecorded:
				continue
			case delivered:
				sent = append(sent, r)
				d.log.Debug("email sent", "id", r.ID, "kind", r.Kind, "attempt", r.Attempts)
				continue
			case notTried:
				query = `UPDATE outbox SET status = 'pending', attempts = attempts - 1, lease_until = NULL`
			case failedAttempt:
				status, sendAfter := Pending, now.Add(retryDelay(r.Attempts, rand.Float64()))
				if r.Attempts >= MaxAttempts {
					status, sendAfter = Failed, r.SendAfter
				}
				query = `UPDATE outbox SET status = ?, send_after = ?, lease_until = NULL, last_error = ?`
				args = []any{status, sendAfter, truncate(reasons[i].Error(), maxErrorLen)}
				level := slog.LevelWarn
				if status == Failed {
					level = slog.LevelError
				}
				d.log.Log(ctx, level, "email not sent", "id", r.ID, "kind", r.Kind, "attempt", r.Attempts,
					"status", status, "retry_at", sendAfter, "err", reasons[i])
			}
			query += ` WHERE id = ? AND status = 'sending' AND attempts = ?`
			args = append(args, r.ID, r.Attempts)
			res, err := tx.ExecContext(ctx, tx.Rebind(query), args...)
			if err != nil {
				return fmt.Errorf("record outcome of message %d: %w", r.ID, err)
			}
			if n, err := res.RowsAffected(); err == nil && n == 0 {
				d.staleOutcome(r)
			}
		}
		return d.recordSent(ctx, tx, sent, now)
	})
}

// recordSent marks rows sent at now, in one statement, each fenced by its
// attempt number as record fences them.
func (d *Deliverer) recordSent(ctx context.Context, tx *sqlx.Tx, rows []row, now time.Time) error {
	if len(rows) == 0 {
		return nil
	}
	fences := make([]string, 0, len(rows))
	args := []any{now}
	for _, r := range rows {
		fences = append(fences, "(id = ? AND attempts = ?)")
		args = append(args, r.ID, r.Attempts)
	}
	var marked []int64
	if err := tx.SelectContext(ctx, &marked, tx.Rebind(`UPDATE outbox SET status = 'sent', sent_at = ?, lease_until = NULL,
		last_error = '' WHERE status = 'sending' AND (`+strings.Join(fences, " OR ")+`) RETURNING id`), args...); err != nil {
		return fmt.Errorf("record %d messages sent: %w", len(rows), err)
	}
	if len(marked) == len(rows) {
		return nil
	}
	done := make(map[int64]bool, len(marked))
	for _, id := range marked {
		done[id] = true
	}
	for _, r := range rows {
		if !done[r.ID] {
			d.staleOutcome(r)
		}
	}
	return nil
}

// staleOutcome logs an outcome dropped because the row's lease ran out
// and another worker claimed it.
func (d *Deliverer) staleOutcome(r row) {
	d.log.Warn("email outcome dropped: its lease ran out and another worker claimed it",
		"id", r.ID, "kind", r.Kind, "attempt", r.Attempts)
}

// retryDelay is the wait after the attempt-th failed attempt (1-based):
// FirstRetryDelay doubled per earlier failure, capped at MaxRetryDelay, of
// which jitter (in [0, 1)) keeps the upper part: the wait lies in
// [span/2, span). Jitter spreads out the retries of messages that failed
// together, so a server coming back is not hit by all of them at once.
func retryDelay(attempt int, jitter float64) time.Duration {
	span := FirstRetryDelay
	for i := 1; i < attempt && span < MaxRetryDelay; i++ {
		span *= 2
	}
	span = min(span, MaxRetryDelay)
	return span/2 + time.Duration(jitter*float64(span/2))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
