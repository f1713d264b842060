package availability

import (
	"fmt"
	"time"
)

// Clock is a wall-clock reading in minutes since midnight, 0 (00:00) to
// 1440 (24:00, which only an interval's end may use and which means the next
// day's 00:00). It reads and writes as "HH:MM".
type Clock int

// Midnight24 is the end-of-day reading "24:00".
const Midnight24 Clock = 24 * 60

// ParseClock reads "HH:MM" (two digits each, 00:00 to 24:00). It returns an
// error for any other text.
func ParseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' || !isDigits(s[:2]) || !isDigits(s[3:]) {
		return 0, fmt.Errorf("availability: %q is not a time HH:MM", s)
	}
	hour := int(s[0]-'0')*10 + int(s[1]-'0')
	minute := int(s[3]-'0')*10 + int(s[4]-'0')
	if minute > 59 || hour > 24 || (hour == 24 && minute != 0) {
		return 0, fmt.Errorf("availability: %q is not a time between 00:00 and 24:00", s)
	}
	return Clock(hour*60 + minute), nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats c as "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// MarshalText writes c as "HH:MM".
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads "HH:MM" as ParseClock does.
func (c *Clock) UnmarshalText(text []byte) error {
	parsed, err := ParseClock(string(text))
	if err != nil {
		return err
	}
	*c = parsed
	return nil
}

// Date is a civil date: a day in some calendar, not an instant. Which
// instants it covers depends on the zone it is read in.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date t shows in its own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads "YYYY-MM-DD". It returns an error for any other text or a
// day that does not exist (2027-02-30).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("availability: %q is not a date YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date (no date given).
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a day that exists.
func (d Date) Valid() bool {
	return d.Year >= 1 && d.Year <= 9999 && DateOf(d.midnightUTC()) == d
}

// AddDays returns the date n days after d (before it if n < 0).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.midnightUTC().Weekday() }

// Before reports whether d is an earlier day than other.
func (d Date) Before(other Date) bool { return d.midnightUTC().Before(other.midnightUTC()) }

// String formats d as "YYYY-MM-DD".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText writes d as "YYYY-MM-DD".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "YYYY-MM-DD" as ParseDate does.
func (d *Date) UnmarshalText(text []byte) error {
	parsed, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// midnightUTC is arithmetic only: the date as if it were a UTC day.
func (d Date) midnightUTC() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }
