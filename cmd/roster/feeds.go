package main

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/buildinfo"
	"github.com/roster-app/roster/calendar"
)

// feedInterval is how often coaches' busy feeds are read again; a busy time
// added to a coach's own calendar blocks slots at most this much later.
const feedInterval = 10 * time.Minute

// feedHorizon is how far ahead busy times are read: the longest booking
// horizon an appointment type may have.
const feedHorizon = (availability.MaxHorizonDays + 2) * 24 * time.Hour

// feedReader reads every coach's busy feed and stores its busy times. It
// remembers each feed's validators so an unchanged feed costs a 304.
type feedReader struct {
	a          *app
	fetcher    calendar.FeedFetcher
	validators map[int64][2]string // coach id -> ETag, Last-Modified of the feed last stored
}

func newFeedReader(a *app) *feedReader {
	return &feedReader{a: a, fetcher: calendar.FeedFetcher{AllowPrivate: a.cfg.AllowPrivateFeeds == "true", UserAgent: buildinfo.UserAgent()},
		validators: map[int64][2]string{}}
}

func (r *feedReader) run(ctx context.Context) {
	every(ctx, feedInterval, func() { r.refresh(ctx) })
}

// refresh reads each feed once. A feed that fails keeps its last busy
// times (a coach's calendar being down must not open their whole week) and
// is logged; the next round tries again.
func (r *feedReader) refresh(ctx context.Context) {
	feeds, err := r.a.booking.BusyFeeds(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.a.log.Warn("busy feeds: list failed; the next round tries again", "err", err)
		}
		return
	}
	for _, feed := range feeds {
		if ctx.Err() != nil {
			return
		}
		seen := r.validators[feed.CoachID]
		res, err := r.fetcher.Fetch(ctx, feed.URL, seen[0], seen[1])
		if err != nil {
			r.a.productMetrics().FeedFetchFailed(err)
			r.a.log.Warn("busy feed unreadable", "coach", feed.CoachID, "err", err)
			r.record(ctx, feed.CoachID, err)
			continue
		}
		if res.NotModified {
			r.record(ctx, feed.CoachID, nil)
			continue
		}
		now := r.a.now().UTC()
		found, err := calendar.ParseBusy(bytes.NewReader(res.Body), feed.Timezone, now.Add(-24*time.Hour), now.Add(feedHorizon))
		if err != nil {
			r.a.log.Warn("busy feed unreadable", "coach", feed.CoachID, "err", err)
			r.record(ctx, feed.CoachID, err)
			continue
		}
		busy := make([]availability.Busy, len(found))
		for i, b := range found {
			busy[i] = availability.Busy{From: b.From, To: b.To}
		}
		if err := r.a.booking.ReplaceFeedBusy(ctx, feed.CoachID, busy); err != nil {
			r.a.log.Warn("busy feed not stored", "coach", feed.CoachID, "err", err)
			continue
		}
		r.validators[feed.CoachID] = [2]string{res.ETag, res.LastModified}
		r.record(ctx, feed.CoachID, nil)
	}
}

// record keeps how the coach's feed was just read, for their dashboard.
// Only a *calendar.FeedError's message reaches the coach (it never holds
// the feed's address); any other failure is named vaguely.
func (r *feedReader) record(ctx context.Context, coachID int64, readErr error) {
	message := ""
	if readErr != nil {
		message = "the feed could not be read"
		var fe *calendar.FeedError
		if errors.As(readErr, &fe) {
			message = fe.Message
		}
	}
	if err := r.a.booking.RecordFeedCheck(ctx, coachID, message); err != nil && ctx.Err() == nil {
		r.a.log.Warn("busy feed check not recorded", "coach", coachID, "err", err)
	}
}
