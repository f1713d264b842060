package site

import (
	"context"
	"net/url"

	"github.com/roster-app/roster/booking"
)

// StartCheckout opens the checkout for a new hold and returns where the
// attendee pays. Offline test checkouts carry the manage token so their
// page can show the booking and come back to it.
func (s *Site) StartCheckout(ctx context.Context, res booking.Result) (string, error) {
	co, err := s.Booking.StartCheckout(ctx, res.Booking.Ref, res.Token)
	if err != nil {
		return "", err
	}
	if s.Offline != nil {
		return co.URL + "&t=" + url.QueryEscape(res.Token), nil
	}
	return co.URL, nil
}
