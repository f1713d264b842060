package public

import (
	"context"
	"fmt"
	"time"

	"github.com/roster-app/roster/calendar"
)

// feedAppointmentsPast and feedAppointmentsAhead bound the appointments a
// coach's private feed carries: recent ones stay visible for a month.
const (
	feedAppointmentsPast  = 30 * 24 * time.Hour
	feedAppointmentsAhead = 730 * 24 * time.Hour
)

// appointmentEntries are the coach's appointments as entries of their
// private calendar feed: the call, the client and the join link; a
// cancelled or lapsed one shows as cancelled so calendars drop it.
func (s *handlers) appointmentEntries(ctx context.Context, coachID int64) ([]calendar.Entry, error) {
	now := s.Now()
	list, err := s.Booking.CoachAppointments(ctx, coachID, now.Add(-feedAppointmentsPast), now.Add(feedAppointmentsAhead))
	if err != nil {
		return nil, err
	}
	entries := make([]calendar.Entry, 0, len(list))
	for _, d := range list {
		description := fmt.Sprintf("Client: %s <%s>\nDetails: %s/dashboard/bookings/%s", d.Booking.Name, d.Booking.Email, s.BaseURL, d.Booking.Ref)
		if d.Event.OnlineURL != "" {
			description += "\nJoin: " + d.Event.OnlineURL
		}
		entry := calendar.Entry{
			UID: "appointment-" + d.Booking.Ref + "@" + s.host(), Sequence: d.Booking.Sequence,
			Summary: d.Event.Title + " with " + d.Booking.Name, Description: description, Location: d.Event.Location,
			Start: d.Session.StartsAt, End: d.Session.EndsAt, Cancelled: !d.Booking.Status.Live(), Stamp: d.Booking.UpdatedAt,
		}
		entries = append(entries, entry)
	}
	return entries, nil
}
