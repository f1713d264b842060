package api

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/fault"
)

// Pages of lists: ?limit= items (defaultPageSize when absent, at most
// maxPageSize) after an opaque ?cursor= the previous page gave.
const (
	defaultPageSize = 20
	maxPageSize     = 100
	maxCursorLen    = 64
	// maxListedSessions is how many of an event's dates still ahead the
	// event list shows: an event with a hundred dates would otherwise make
	// every page of the list large. The event's own page lists them all.
	maxListedSessions = 10
)

// pageParams reads ?limit= and ?cursor=, or returns a fault.Invalid error
// naming the bad one.
func pageParams(c echo.Context) (int, *events.UpcomingAfter, error) {
	var f fault.Fields
	limit := defaultPageSize
	if raw := c.QueryParam("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		f.Check(err == nil && n >= 1 && n <= maxPageSize, "limit", fmt.Sprintf("must be a whole number from 1 to %d", maxPageSize))
		limit = n
	}
	var after *events.UpcomingAfter
	if raw := c.QueryParam("cursor"); raw != "" {
		cursor, ok := decodeCursor(raw)
		f.Check(ok, "cursor", "is not a cursor this API gave")
		after = &cursor
	}
	if err := f.Err(); err != nil {
		return 0, nil, err
	}
	return limit, after, nil
}

// encodeCursor makes the opaque cursor of a place in the event list.
func encodeCursor(at events.UpcomingAfter) string {
	raw := fmt.Sprintf("e1.%d.%d", at.NextStart.UnixNano(), at.ID)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func decodeCursor(cursor string) (events.UpcomingAfter, bool) {
	if len(cursor) > maxCursorLen {
		return events.UpcomingAfter{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return events.UpcomingAfter{}, false
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 || parts[0] != "e1" {
		return events.UpcomingAfter{}, false
	}
	nanos, err1 := strconv.ParseInt(parts[1], 10, 64)
	id, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || id < 0 {
		return events.UpcomingAfter{}, false
	}
	return events.UpcomingAfter{NextStart: time.Unix(0, nanos).UTC(), ID: id}, true
}

// listedSessions keeps the dates still ahead, at most maxListedSessions.
func listedSessions(all []sessionJSON) []sessionJSON {
	out := make([]sessionJSON, 0, min(len(all), maxListedSessions))
	for _, s := range all {
		if !s.Past && len(out) < maxListedSessions {
			out = append(out, s)
		}
	}
	return out
}
