package calendar

import "errors"

// The kinds of problem a coach's busy feed can have. Every *FeedError names
// one of them as its Problem, so callers can tell them apart with
// errors.Is(err, calendar.ErrFeedTooLarge) and the like.
var (
	ErrFeedAddress     = errors.New("feed address refused")      // bad URL, or a private or loopback address
	ErrFeedUnreachable = errors.New("feed unreachable")          // DNS, connection, TLS or timeout
	ErrFeedRedirects   = errors.New("feed redirected too often") // more than maxFeedRedirects
	ErrFeedStatus      = errors.New("feed answered an error")    // a status other than 2xx or 304
	ErrFeedTooLarge    = errors.New("feed too large")            // over FeedFetcher.MaxBytes
	ErrFeedUnreadable  = errors.New("feed unreadable")           // not an iCalendar file
)

// FeedError is a failure to fetch or read a coach's busy feed, worded for
// that coach: Error returns Message, such as "the feed answered 404 Not
// Found" or "the feed is larger than 5 MiB". Messages never hold the feed's
// address, which is often a secret link.
type FeedError struct {
	Problem error  // one of the ErrFeed values above
	Message string // for the coach
	Err     error  // the underlying cause, for logs; may be nil
}

func (e *FeedError) Error() string { return e.Message }

// Unwrap lets errors.Is match both the Problem and the cause (for example
// context.Canceled when the worker is stopping).
func (e *FeedError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Problem}
	}
	return []error{e.Problem, e.Err}
}
