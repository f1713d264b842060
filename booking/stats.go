package booking

import (
	"context"
	"fmt"
	"sort"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/events"
)

// Money is an amount in minor units of a currency.
type Money struct {
	Cents    int64  `db:"cents"`
	Currency string `db:"currency"`
}

// SessionStats is how a date is doing, for the coach's overview.
type SessionStats struct {
	SeatsSold int // seats of confirmed bookings
	SeatsHeld int // seats held while attendees pay
	Waiting   int // people in line on the waitlist
	Offered   int // waitlist offers open now
	// Revenue is what was paid and not refunded, per currency (one, unless
	// the event changed currency while on sale), largest first.
	Revenue []Money
}

// CoachSessionStats returns the stats of each of sessionIDs that belongs to
// an event the coach hosts, by session id, in two queries whatever the
// number of dates. Other coaches' dates are left out.
func (s *Service) CoachSessionStats(ctx context.Context, coachID int64, sessionIDs []int64) (map[int64]SessionStats, error) {
	out := make(map[int64]SessionStats, len(sessionIDs))
	hosted, err := events.HostedEventIDs(ctx, s.db, coachID)
	if err != nil {
		return nil, err
	}
	if len(sessionIDs) == 0 || len(hosted) == 0 {
		return out, nil
	}
	// Revenue counts a booking once money arrived for it (a payment id is
	// recorded): a confirmed paid booking, and a cancelled one whose refund
	// is still to come or was partial.
	var seats []struct {
		SessionID int64  `db:"session_id"`
		Status    Status `db:"status"`
		Currency  string `db:"currency"`
		Seats     int    `db:"seats"`
		Paid      int64  `db:"paid"`
	}
	q, args, err := sqlx.In(`SELECT b.session_id, b.status, b.currency, SUM(b.seats) AS seats,
			SUM(CASE WHEN b.payment_intent <> '' THEN b.amount_cents - b.refunded_cents ELSE 0 END) AS paid
		FROM bookings b WHERE b.event_id IN (?) AND b.session_id IN (?)
		GROUP BY b.session_id, b.status, b.currency`, hosted, sessionIDs)
	if err != nil {
		return nil, err
	}
	if err := s.db.SelectContext(ctx, &seats, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("session stats: %w", err)
	}
	revenue := map[int64]map[string]int64{}
	for _, row := range seats {
		st := out[row.SessionID]
		switch row.Status {
		case Confirmed:
			st.SeatsSold += row.Seats
		case PendingPayment:
			st.SeatsHeld += row.Seats
		}
		out[row.SessionID] = st
		if row.Paid != 0 {
			if revenue[row.SessionID] == nil {
				revenue[row.SessionID] = map[string]int64{}
			}
			revenue[row.SessionID][row.Currency] += row.Paid
		}
	}
	for id, byCurrency := range revenue {
		st := out[id]
		st.Revenue = sortedMoney(byCurrency)
		out[id] = st
	}
	var lines []struct {
		SessionID int64          `db:"session_id"`
		Status    WaitlistStatus `db:"status"`
		People    int            `db:"people"`
	}
	q, args, err = sqlx.In(`SELECT w.session_id, w.status, COUNT(*) AS people
		FROM waitlist w WHERE w.event_id IN (?) AND w.session_id IN (?) AND w.status IN ('waiting', 'offered')
		GROUP BY w.session_id, w.status`, hosted, sessionIDs)
	if err != nil {
		return nil, err
	}
	if err := s.db.SelectContext(ctx, &lines, s.db.Rebind(q), args...); err != nil {
		return nil, fmt.Errorf("waitlist stats: %w", err)
	}
	for _, row := range lines {
		st := out[row.SessionID]
		if row.Status == Waiting {
			st.Waiting = row.People
		} else {
			st.Offered = row.People
		}
		out[row.SessionID] = st
	}
	return out, nil
}

// TotalRevenue adds up stats' revenue per currency, largest first.
func TotalRevenue(stats map[int64]SessionStats) []Money {
	sum := map[string]int64{}
	for _, st := range stats {
		for _, m := range st.Revenue {
			sum[m.Currency] += m.Cents
		}
	}
	return sortedMoney(sum)
}

func sortedMoney(byCurrency map[string]int64) []Money {
	out := make([]Money, 0, len(byCurrency))
	for currency, cents := range byCurrency {
		out = append(out, Money{Cents: cents, Currency: currency})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Cents != out[j].Cents {
			return out[i].Cents > out[j].Cents
		}
		return out[i].Currency < out[j].Currency
	})
	return out
}
