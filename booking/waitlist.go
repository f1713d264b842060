package booking

import "time"

// WaitlistStatus is where a waitlist entry is in its life.
type WaitlistStatus string

// Waitlist statuses. An Offered entry holds its seats until it is claimed or
// its offer expires.
const (
	Waiting      WaitlistStatus = "waiting"
	Offered      WaitlistStatus = "offered"
	Claimed      WaitlistStatus = "claimed"
	OfferExpired WaitlistStatus = "offer_expired"
	Left         WaitlistStatus = "left"
)

// WaitlistEntry is a person waiting for seats on a full session.
type WaitlistEntry struct {
	ID             int64          `db:"id"`
	SessionID      int64          `db:"session_id"`
	EventID        int64          `db:"event_id"`
	Name           string         `db:"name"`
	Email          string         `db:"email"`
	Seats          int            `db:"seats"`
	Status         WaitlistStatus `db:"status"`
	OfferExpiresAt *time.Time     `db:"offer_expires_at"`
	CreatedAt      time.Time      `db:"created_at"`
	UpdatedAt      time.Time      `db:"updated_at"`
}
