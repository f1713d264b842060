package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// FeedStatus is how a coach's busy feed was last read, for the coach to
// see: CheckedAt is zero until the worker first tries it, Error is the
// problem of the last try worded for the coach ("" when it worked), and
// BusyTimes counts the busy times stored from the last good read that
// have not ended.
type FeedStatus struct {
	URL       string
	CheckedAt time.Time
	Error     string
	BusyTimes int
}

// BusyFeedStatus returns the state of the coach's busy feed; a coach with
// no feed gets the zero FeedStatus.
func (s *Service) BusyFeedStatus(ctx context.Context, coachID int64) (FeedStatus, error) {
	var row struct {
		URL       string     `db:"busy_feed_url"`
		CheckedAt *time.Time `db:"feed_checked_at"`
		Error     string     `db:"feed_error"`
	}
	err := s.db.GetContext(ctx, &row, s.db.Rebind(`SELECT busy_feed_url, feed_checked_at, feed_error FROM coach_availability WHERE coach_id = ?`), coachID)
	if isNoRows(err) {
		return FeedStatus{}, nil
	}
	if err != nil {
		return FeedStatus{}, fmt.Errorf("busy feed status of coach %d: %w", coachID, err)
	}
	st := FeedStatus{URL: row.URL, Error: row.Error}
	if row.CheckedAt != nil {
		st.CheckedAt = row.CheckedAt.UTC()
	}
	if err := s.db.GetContext(ctx, &st.BusyTimes, s.db.Rebind(`SELECT COUNT(*) FROM coach_feed_busy WHERE coach_id = ? AND busy_to > ?`),
		coachID, s.now().UTC()); err != nil {
		return FeedStatus{}, fmt.Errorf("count feed busy times: %w", err)
	}
	return st, nil
}

// RecordFeedCheck notes that the coach's feed was just read, and the
// problem if the read failed (message "" when it worked). The message is
// shown to the coach, so it must not hold the feed's secret address:
// calendar.FeedError messages never do.
func (s *Service) RecordFeedCheck(ctx context.Context, coachID int64, message string) error {
	if len(message) > 500 {
		message = message[:500]
	}
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`UPDATE coach_availability SET feed_checked_at = ?, feed_error = ? WHERE coach_id = ?`),
			s.now().UTC(), message, coachID)
		return err
	})
	if err != nil {
		return fmt.Errorf("record feed check of coach %d: %w", coachID, err)
	}
	return nil
}
