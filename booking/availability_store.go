package booking

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/calendar"
	"github.com/roster-app/roster/fault"
)

// Coach availability lives with booking rather than with coach accounts:
// it is one of the inputs to "is this coach free?", which booking answers
// in one transaction under the coach's schedule lock together with the
// coach's appointments and busy-feed times, all tables booking owns.

// Availability is a coach's weekly hours and date overrides in their own
// zone, and the busy feed (an iCalendar URL) a worker reads their other
// commitments from ("" for none).
type Availability struct {
	CoachID     int64
	Rules       availability.Rules
	BusyFeedURL string
	UpdatedAt   time.Time // zero until the coach sets their availability
}

var errNoAvailability = errors.New("coach has set no availability")

// PutAvailability replaces the coach's availability. Returns a
// fault.Invalid error naming every bad field by its JSON path (timezone,
// weekly.mon[1].end, overrides[0].date, busy_feed_url). Slots and bookings
// use the new hours at once; appointments already booked stay.
func (s *Service) PutAvailability(ctx context.Context, coachID int64, a Availability) (Availability, error) {
	a.CoachID = coachID
	a.BusyFeedURL = strings.TrimSpace(a.BusyFeedURL)
	var f fault.Fields
	if err := a.Rules.Validate(); err != nil {
		var fe *fault.Error
		if !errors.As(err, &fe) {
			return Availability{}, err
		}
		for field, message := range fe.Fields {
			f.Add(field, message)
		}
	}
	if a.BusyFeedURL != "" {
		var fe *fault.Error
		if err := calendar.ValidateFeedURL(a.BusyFeedURL, s.cfg.AllowPrivateFeeds); errors.As(err, &fe) {
			f.Add("busy_feed_url", fe.Message)
		} else if err != nil {
			return Availability{}, err
		}
	}
	if err := f.Err(); err != nil {
		return Availability{}, err
	}
	weekly, err := json.Marshal(a.Rules.Weekly)
	if err != nil {
		return Availability{}, err
	}
	overrides := a.Rules.Overrides
	if overrides == nil {
		overrides = []availability.Override{}
	}
	overridesJSON, err := json.Marshal(overrides)
	if err != nil {
		return Availability{}, err
	}
	a.UpdatedAt = s.now().UTC()
	s.slots.invalidate()
	defer s.slots.invalidate() // after the commit, too: see slotCache
	err = s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO coach_availability (coach_id, timezone, weekly, overrides, busy_feed_url, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (coach_id) DO UPDATE SET timezone = excluded.timezone, weekly = excluded.weekly,
				overrides = excluded.overrides, busy_feed_url = excluded.busy_feed_url, updated_at = excluded.updated_at`),
			coachID, a.Rules.Zone, string(weekly), string(overridesJSON), a.BusyFeedURL, a.UpdatedAt)
		if err != nil {
			return fmt.Errorf("save availability of coach %d: %w", coachID, err)
		}
		if a.BusyFeedURL == "" {
			_, err = tx.ExecContext(ctx, tx.Rebind(`DELETE FROM coach_feed_busy WHERE coach_id = ?`), coachID)
		}
		return err
	})
	if err != nil {
		return Availability{}, err
	}
	return s.GetAvailability(ctx, coachID)
}

// GetAvailability returns the coach's availability; a coach who set none
// gets no hours in UTC (and so no slots).
func (s *Service) GetAvailability(ctx context.Context, coachID int64) (Availability, error) {
	a, err := loadAvailability(ctx, s.db, coachID)
	if errors.Is(err, errNoAvailability) {
		return Availability{CoachID: coachID, Rules: availability.Rules{Zone: "UTC", Overrides: []availability.Override{}}}, nil
	}
	return a, err
}

func loadAvailability(ctx context.Context, ext sqlx.ExtContext, coachID int64) (Availability, error) {
	var row struct {
		Timezone    string    `db:"timezone"`
		Weekly      string    `db:"weekly"`
		Overrides   string    `db:"overrides"`
		BusyFeedURL string    `db:"busy_feed_url"`
		UpdatedAt   time.Time `db:"updated_at"`
	}
	err := sqlx.GetContext(ctx, ext, &row, ext.Rebind(`SELECT timezone, weekly, overrides, busy_feed_url, updated_at
		FROM coach_availability WHERE coach_id = ?`), coachID)
	if isNoRows(err) {
		return Availability{}, errNoAvailability
	}
	if err != nil {
		return Availability{}, fmt.Errorf("availability of coach %d: %w", coachID, err)
	}
	a := Availability{CoachID: coachID, BusyFeedURL: row.BusyFeedURL, UpdatedAt: row.UpdatedAt}
	a.Rules.Zone = row.Timezone
	if err := json.Unmarshal([]byte(row.Weekly), &a.Rules.Weekly); err != nil {
		return Availability{}, fmt.Errorf("weekly hours of coach %d: %w", coachID, err)
	}
	if err := json.Unmarshal([]byte(row.Overrides), &a.Rules.Overrides); err != nil {
		return Availability{}, fmt.Errorf("overrides of coach %d: %w", coachID, err)
	}
	return a, nil
}

// BusyFeed is a coach's busy-feed URL and zone (floating times in the feed
// are read in it), for the worker that reads it.
type BusyFeed struct {
	CoachID  int64  `db:"coach_id"`
	URL      string `db:"busy_feed_url"`
	Timezone string `db:"timezone"`
}

// BusyFeeds lists every coach's busy feed.
func (s *Service) BusyFeeds(ctx context.Context) ([]BusyFeed, error) {
	var out []BusyFeed
	if err := s.db.SelectContext(ctx, &out, `SELECT coach_id, busy_feed_url, timezone FROM coach_availability WHERE busy_feed_url <> '' ORDER BY coach_id`); err != nil {
		return nil, fmt.Errorf("list busy feeds: %w", err)
	}
	return out, nil
}

// ReplaceFeedBusy stores the busy times just read from the coach's feed in
// place of the last ones, under the coach's schedule lock, so a booking
// sees either the old times or the new, never a mix. Spans that are empty
// or inverted are dropped.
func (s *Service) ReplaceFeedBusy(ctx context.Context, coachID int64, busy []availability.Busy) error {
	now := s.now().UTC()
	defer s.slots.invalidate() // after the commit, too: see slotCache
	return s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := s.lockCoaches(ctx, tx, []int64{coachID}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`DELETE FROM coach_feed_busy WHERE coach_id = ?`), coachID); err != nil {
			return fmt.Errorf("clear feed busy times: %w", err)
		}
		for _, b := range busy {
			if !b.From.Before(b.To) {
				continue
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO coach_feed_busy (coach_id, busy_from, busy_to, fetched_at) VALUES (?, ?, ?, ?)`),
				coachID, b.From.UTC(), b.To.UTC(), now); err != nil {
				return fmt.Errorf("store feed busy time: %w", err)
			}
		}
		return nil
	})
}
