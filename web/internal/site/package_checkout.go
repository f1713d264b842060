package site

import (
	"context"
	"net/url"
)

// StartPackageCheckout opens the checkout of a package purchase waiting
// for payment (token: any of its tokens) and returns where the client
// pays. As for bookings, offline test checkouts carry the token so their
// page can show the purchase and come back to it.
func (s *Site) StartPackageCheckout(ctx context.Context, ref, token string) (string, error) {
	co, err := s.Booking.StartPackageCheckout(ctx, ref, token)
	if err != nil {
		return "", err
	}
	if s.Offline != nil {
		return co.URL + "&t=" + url.QueryEscape(token), nil
	}
	return co.URL, nil
}
