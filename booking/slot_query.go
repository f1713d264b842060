package booking

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/events"
)

// slotQuery gathers, through ext, everything availability needs to decide
// the type's slots with a start in [from, to): each host's rules, busy time
// (live appointments of any type with their buffers, workshop sessions the
// host hosts that are not cancelled, busy-feed times), the starts of the
// host's live appointments of this type (for the daily limit, only when
// the type has one), and, when forBooking, when the host was last given
// one (for round robin). The listing and the booking path both build their
// question here, so they ask availability the same one.
//
// It reads every host at once, one statement per table, whatever the
// number of hosts: the slot listing runs on every visit of a booking page.
func (s *Service) slotQuery(ctx context.Context, ext sqlx.ExtContext, t events.AppointmentType, from, to time.Time, forBooking bool) (availability.Query, error) {
	// Busy time and appointments that can touch a start in [from, to):
	// calls and buffers are at most a day each, and a host-local date is
	// at most 26 hours wide.
	windowFrom, windowTo := from.Add(-72*time.Hour).UTC(), to.Add(72*time.Hour).UTC()
	q := availability.Query{Now: s.now().UTC(), From: from.UTC(), To: to.UTC(), Type: t.Rules()}
	ids := t.HostIDs()
	if len(ids) == 0 {
		return q, nil
	}
	rules, err := s.hostRules(ctx, ext, ids)
	if err != nil {
		return availability.Query{}, err
	}
	busy, err := hostsBusy(ctx, ext, ids, windowFrom, windowTo)
	if err != nil {
		return availability.Query{}, err
	}
	var booked map[int64][]time.Time
	if t.MaxPerDay > 0 {
		if booked, err = hostsBooked(ctx, ext, t.ID, ids, windowFrom, windowTo); err != nil {
			return availability.Query{}, err
		}
	}
	for _, id := range ids {
		h := availability.Host{ID: availability.HostID(id), Busy: busy[id], Booked: booked[id]}
		if r, ok := rules[id]; ok {
			h.Rules, h.Loc = r.Rules, r.loc
		} else {
			h.Rules, h.Loc = availability.Rules{Zone: "UTC"}, time.UTC // no hours: never free
		}
		if forBooking {
			if h.LastBookedAt, err = lastBookedAt(ctx, ext, t.ID, id); err != nil {
				return availability.Query{}, err
			}
		}
		q.Hosts = append(q.Hosts, h)
	}
	return q, nil
}

// storedRules are a coach's rules as stored, with their zone loaded (nil
// if it no longer loads: availability then validates the rules and says
// so).
type storedRules struct {
	availability.Rules
	loc *time.Location
}

// hostRules reads the availability of the coaches that set one. The rules
// were validated when stored, so they are handed to availability as they
// are, with the zone from the service's cache.
func (s *Service) hostRules(ctx context.Context, ext sqlx.ExtContext, coachIDs []int64) (map[int64]storedRules, error) {
	query, args, err := sqlx.In(`SELECT coach_id, timezone, weekly, overrides FROM coach_availability WHERE coach_id IN (?)`, coachIDs)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		CoachID   int64  `db:"coach_id"`
		Timezone  string `db:"timezone"`
		Weekly    string `db:"weekly"`
		Overrides string `db:"overrides"`
	}
	if err := sqlx.SelectContext(ctx, ext, &rows, ext.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("availability of hosts: %w", err)
	}
	out := make(map[int64]storedRules, len(rows))
	for _, row := range rows {
		r := storedRules{Rules: availability.Rules{Zone: row.Timezone}}
		if err := json.Unmarshal([]byte(row.Weekly), &r.Weekly); err != nil {
			return nil, fmt.Errorf("weekly hours of coach %d: %w", row.CoachID, err)
		}
		if err := json.Unmarshal([]byte(row.Overrides), &r.Overrides); err != nil {
			return nil, fmt.Errorf("overrides of coach %d: %w", row.CoachID, err)
		}
		r.loc, _ = s.zones.location(row.Timezone)
		out[row.CoachID] = r
	}
	return out, nil
}

// hostsBusy returns each coach's busy spans overlapping [from, to): live
// appointments with their buffers, workshop sessions they host, busy-feed
// times.
func hostsBusy(ctx context.Context, ext sqlx.ExtContext, coachIDs []int64, from, to time.Time) (map[int64][]availability.Busy, error) {
	query, args, err := sqlx.In(`
		SELECT coach_id, busy_from, busy_to FROM appointment_hosts WHERE coach_id IN (?) AND live AND busy_to > ? AND busy_from < ?
		UNION ALL
		SELECT eh.coach_id, s.starts_at AS busy_from, s.ends_at AS busy_to FROM sessions s
			JOIN event_hosts eh ON eh.event_id = s.event_id JOIN events e ON e.id = s.event_id
			WHERE eh.coach_id IN (?) AND s.status = 'scheduled' AND e.status <> 'cancelled' AND s.ends_at > ? AND s.starts_at < ?
		UNION ALL
		SELECT coach_id, busy_from, busy_to FROM coach_feed_busy WHERE coach_id IN (?) AND busy_to > ? AND busy_from < ?`,
		coachIDs, from, to, coachIDs, from, to, coachIDs, from, to)
	if err != nil {
		return nil, err
	}
	var spans []struct {
		CoachID int64     `db:"coach_id"`
		From    time.Time `db:"busy_from"`
		To      time.Time `db:"busy_to"`
	}
	if err := sqlx.SelectContext(ctx, ext, &spans, ext.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("busy time of hosts: %w", err)
	}
	out := make(map[int64][]availability.Busy, len(coachIDs))
	for _, sp := range spans {
		out[sp.CoachID] = append(out[sp.CoachID], availability.Busy{From: sp.From, To: sp.To})
	}
	return out, nil
}

// hostsBooked returns the starts in [from, to) of each coach's live
// appointments of the type, for its daily limit.
func hostsBooked(ctx context.Context, ext sqlx.ExtContext, typeID int64, coachIDs []int64, from, to time.Time) (map[int64][]time.Time, error) {
	query, args, err := sqlx.In(`SELECT h.coach_id, a.starts_at FROM appointments a
		JOIN appointment_hosts h ON h.booking_id = a.booking_id
		WHERE h.coach_id IN (?) AND h.live AND a.appointment_type_id = ? AND a.starts_at >= ? AND a.starts_at < ?`,
		coachIDs, typeID, from, to)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		CoachID  int64     `db:"coach_id"`
		StartsAt time.Time `db:"starts_at"`
	}
	if err := sqlx.SelectContext(ctx, ext, &rows, ext.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("appointments of hosts: %w", err)
	}
	out := make(map[int64][]time.Time, len(coachIDs))
	for _, r := range rows {
		out[r.CoachID] = append(out[r.CoachID], r.StartsAt)
	}
	return out, nil
}

// lastBookedAt is when the coach was last given an appointment of the type
// that did not expire (zero: never), for round robin.
func lastBookedAt(ctx context.Context, ext sqlx.ExtContext, typeID, coachID int64) (time.Time, error) {
	var last []time.Time
	if err := sqlx.SelectContext(ctx, ext, &last, ext.Rebind(`SELECT a.created_at FROM appointments a
		JOIN appointment_hosts h ON h.booking_id = a.booking_id JOIN bookings b ON b.id = a.booking_id
		WHERE h.coach_id = ? AND a.appointment_type_id = ? AND b.status <> 'expired'
		ORDER BY a.created_at DESC LIMIT 1`), coachID, typeID); err != nil {
		return time.Time{}, fmt.Errorf("last appointment of coach %d: %w", coachID, err)
	}
	if len(last) == 0 {
		return time.Time{}, nil
	}
	return last[0], nil
}

// hostBusy returns the coach's busy spans overlapping [from, to).
func hostBusy(ctx context.Context, ext sqlx.ExtContext, coachID int64, from, to time.Time) ([]availability.Busy, error) {
	busy, err := hostsBusy(ctx, ext, []int64{coachID}, from, to)
	return busy[coachID], err
}
