package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// flashSaleConfig is what the flash-sale scenario runs.
type flashSaleConfig struct {
	Base string `json:"base"`
	// Replicas are other servers on the same database as Base; client k
	// books through server k mod (1+len(Replicas)), Base being server 0.
	// The event is created and the seats verified through Base.
	Replicas   []string `json:"replicas,omitempty"`
	Token      string   `json:"-"` // a coach's API token: never reported
	Clients    int      `json:"clients"`
	Capacity   int      `json:"capacity"`
	Attempts   int      `json:"attempts"`
	Seats      int      `json:"seats"`
	PriceCents int64    `json:"event_price_cents"`
	Currency   string   `json:"currency"`
	Timeout    span     `json:"timeout"`
}

func (c *flashSaleConfig) validate() error {
	base, err := checkBase(c.Base)
	if err != nil {
		return err
	}
	c.Base = base
	var errs []error
	for i, raw := range c.Replicas {
		replica, err := checkBase(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("--replica: %w", err))
		}
		c.Replicas[i] = replica
	}
	if c.Token == "" {
		errs = append(errs, errors.New("--token (or $ROSTER_TOKEN) is required: a coach API token from roster token create"))
	}
	errs = append(errs,
		inRange("--clients", c.Clients, 1, maxClients),
		inRange("--capacity", c.Capacity, 1, maxAttempts),
		inRange("--attempts", c.Attempts, 1, maxAttempts),
		inRange("--seats", c.Seats, 1, maxAttempts),
		checkTimeout("--timeout", time.Duration(c.Timeout)))
	if c.PriceCents < 0 {
		errs = append(errs, errors.New("--event-price must be 0 (free) or more"))
	}
	return errors.Join(errs...)
}

// flashSaleResult is what a flash sale measured and found.
type flashSaleResult struct {
	Event saleEvent `json:"event"`
	// Attempts is how many booking requests were sent; fewer than asked
	// only when the run timed out.
	Attempts       int    `json:"attempts"`
	Booked         int    `json:"booked"`
	BookedByStatus counts `json:"booked_by_status"`
	// BookedByServer counts the bookings each server answered, when there
	// are replicas.
	BookedByServer counts  `json:"booked_by_server,omitempty"`
	SoldOut        int     `json:"sold_out"`
	Errors         counts  `json:"errors"`
	ErrorSamples   samples `json:"error_samples,omitempty"`
	// DurationMS is the burst: from the barrier's release to the last
	// answer.
	DurationMS     float64      `json:"duration_ms"`
	BookingsPerSec float64      `json:"bookings_per_sec"`
	AttemptsPerSec float64      `json:"attempts_per_sec"`
	Latency        latency      `json:"latency"`
	TimedOut       bool         `json:"timed_out"`
	Verification   verification `json:"verification"`
	Verified       bool         `json:"verified"`
}

// saleEvent is the event a flash sale created.
type saleEvent struct {
	Slug       string          `json:"slug"`
	SessionID  json.RawMessage `json:"session_id"`
	Capacity   int             `json:"capacity"`
	PriceCents int64           `json:"price_cents"`
	Currency   string          `json:"currency"`
}

// runFlashSale creates a published event with one date of cfg.Capacity
// seats, has cfg.Clients clients race cfg.Attempts bookings of cfg.Seats
// seats each (every attempt a different attendee), all released at once,
// and checks through the admin API that exactly the seats that fit were
// taken: confirmed for a free event, held (pending_payment) for a paid one.
// It returns an error when the run could not be made (bad configuration,
// unreachable or refused target, event not created); a run that found the
// wrong number of seats is a result with Verified false.
func runFlashSale(ctx context.Context, cfg flashSaleConfig) (flashSaleResult, error) {
	if err := cfg.validate(); err != nil {
		return flashSaleResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(cfg.Timeout))
	defer cancel()
	client := newHTTPClient(cfg.Clients)
	defer client.CloseIdleConnections()

	runID := randomHex(4)
	event, err := createSaleEvent(ctx, client, cfg, runID)
	if err != nil {
		return flashSaleResult{}, err
	}
	res := flashSaleResult{Event: event}
	sale, elapsed, err := raceBookings(ctx, client, cfg, event, runID)
	if err != nil {
		return res, err
	}
	res.Attempts = len(sale.durations)
	res.BookedByStatus = sale.booked
	if len(cfg.Replicas) > 0 {
		res.BookedByServer = sale.byServer
	}
	for _, n := range sale.booked {
		res.Booked += n
	}
	res.SoldOut, res.Errors, res.ErrorSamples = sale.soldOut, sale.errors, sale.samples
	res.DurationMS = millis(elapsed)
	res.BookingsPerSec = perSecond(res.Booked, elapsed)
	res.AttemptsPerSec = perSecond(res.Attempts, elapsed)
	res.Latency = summarize(sale.durations)
	res.TimedOut = ctx.Err() != nil

	// The check runs even after a timeout, to show what the server holds.
	checkCtx, cancelCheck := context.WithTimeout(context.WithoutCancel(ctx), requestTimeout)
	defer cancelCheck()
	var listed []listedBooking
	path := cfg.Base + "/api/v1/admin/sessions/" + url.PathEscape(idText(event.SessionID)) + "/bookings"
	if err := callJSON(checkCtx, client, http.MethodGet, path, cfg.Token, nil, http.StatusOK, &listed); err != nil {
		return res, fmt.Errorf("verify: %w", err)
	}
	counted := "confirmed"
	if cfg.PriceCents > 0 {
		counted = "pending_payment"
	}
	expectedSeats := min(cfg.Attempts, cfg.Capacity/cfg.Seats) * cfg.Seats
	res.Verification = verify(listed, counted, expectedSeats, res.Booked)
	if res.TimedOut {
		res.Verification.Verified = false
		res.Verification.Problems = append(res.Verification.Problems,
			fmt.Sprintf("the run hit its %s time limit after %d of %d attempts", time.Duration(cfg.Timeout), res.Attempts, cfg.Attempts))
	}
	res.Verified = res.Verification.Verified
	return res, nil
}

// eventRequest is the body of POST /api/v1/admin/events.
type eventRequest struct {
	Slug       string           `json:"slug"`
	Title      string           `json:"title"`
	Timezone   string           `json:"timezone"`
	Location   string           `json:"location"`
	PriceCents int64            `json:"price_cents"`
	Currency   string           `json:"currency"`
	Status     string           `json:"status"`
	Sessions   []sessionRequest `json:"sessions"`
}

type sessionRequest struct {
	StartsAt string `json:"starts_at"`
	EndsAt   string `json:"ends_at"`
	Capacity int    `json:"capacity"`
}

// createSaleEvent creates the published event the clients race for, under
// a slug of its own so that runs never share seats.
func createSaleEvent(ctx context.Context, c *http.Client, cfg flashSaleConfig, runID string) (saleEvent, error) {
	starts := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Hour)
	req := eventRequest{
		Slug:  "flash-sale-" + time.Now().UTC().Format("20060102-150405") + "-" + runID,
		Title: "Flash sale " + runID, Timezone: "UTC", Location: "Online",
		PriceCents: cfg.PriceCents, Currency: cfg.Currency, Status: "published",
		Sessions: []sessionRequest{{
			StartsAt: starts.Format(time.RFC3339), EndsAt: starts.Add(2 * time.Hour).Format(time.RFC3339),
			Capacity: cfg.Capacity,
		}},
	}
	var created struct {
		Slug     string `json:"slug"`
		Sessions []struct {
			ID json.RawMessage `json:"id"`
		} `json:"sessions"`
	}
	if err := callJSON(ctx, c, http.MethodPost, cfg.Base+"/api/v1/admin/events", cfg.Token, req, http.StatusCreated, &created); err != nil {
		return saleEvent{}, fmt.Errorf("create the sale's event: %w", err)
	}
	if len(created.Sessions) != 1 || len(created.Sessions[0].ID) == 0 {
		return saleEvent{}, fmt.Errorf("create the sale's event: the answer lists %d dates, want 1", len(created.Sessions))
	}
	return saleEvent{
		Slug: created.Slug, SessionID: created.Sessions[0].ID, Capacity: cfg.Capacity,
		PriceCents: cfg.PriceCents, Currency: cfg.Currency,
	}, nil
}

// saleTally is what clients saw of their booking attempts.
type saleTally struct {
	durations []time.Duration
	booked    counts // 201 answers, by booking status
	byServer  counts // 201 answers, by the base URL that gave them
	soldOut   int
	errors    counts // every other answer, by status and error code, or "transport"
	samples   samples
}

func newSaleTally() saleTally {
	return saleTally{booked: counts{}, byServer: counts{}, errors: counts{}}
}

func (t *saleTally) merge(o saleTally) {
	t.durations = append(t.durations, o.durations...)
	t.booked.add(o.booked)
	t.byServer.add(o.byServer)
	t.soldOut += o.soldOut
	t.errors.add(o.errors)
	t.samples.merge(o.samples)
}

// bookingRequest is the body of POST /api/v1/bookings.
type bookingRequest struct {
	SessionID json.RawMessage `json:"session_id"`
	Name      string          `json:"name"`
	Email     string          `json:"email"`
	Seats     int             `json:"seats"`
}

// raceBookings runs the burst: each client opens its connection, waits at
// the barrier, then takes attempt numbers until cfg.Attempts are taken or
// ctx ends. It returns the merged tally and the time from the barrier's
// release to the last answer.
func raceBookings(ctx context.Context, c *http.Client, cfg flashSaleConfig, event saleEvent, runID string) (saleTally, time.Duration, error) {
	var (
		next        atomic.Int64
		ready, done sync.WaitGroup
		start       = make(chan struct{})
		aborted     bool // set before start is closed, read after
		tallies     = make([]saleTally, cfg.Clients)
		warmErrs    = make([]error, cfg.Clients)
		servers     = append([]string{cfg.Base}, cfg.Replicas...)
	)
	for w := range cfg.Clients {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			server := servers[w%len(servers)]
			warmErrs[w] = warmUp(ctx, c, server+"/healthz")
			ready.Done()
			<-start
			if aborted {
				return
			}
			tally := newSaleTally()
			defer func() { tallies[w] = tally }()
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(cfg.Attempts) {
					return
				}
				body, err := json.Marshal(bookingRequest{
					SessionID: event.SessionID, Name: "Load Client " + strconv.FormatInt(i, 10),
					Email: fmt.Sprintf("load-%s-%d@example.com", runID, i), Seats: cfg.Seats,
				})
				if err != nil {
					tally.errors["encode"]++
					continue
				}
				tally.book(ctx, c, server, body)
			}
		}()
	}
	ready.Wait()
	if err := errors.Join(warmErrs...); err != nil {
		aborted = true
		close(start)
		done.Wait()
		return saleTally{}, 0, err
	}
	began := time.Now()
	close(start)
	done.Wait()
	elapsed := time.Since(began)
	all := newSaleTally()
	for _, t := range tallies {
		all.merge(t)
	}
	return all, elapsed, nil
}

// book sends one booking attempt to server and records its latency and
// outcome.
func (t *saleTally) book(ctx context.Context, c *http.Client, server string, body []byte) {
	began := time.Now()
	status, raw, err := fetch(ctx, c, http.MethodPost, server+"/api/v1/bookings", "", body, true)
	t.durations = append(t.durations, time.Since(began))
	switch {
	case err != nil:
		t.errors["transport"]++
		t.samples.add(err.Error())
	case status == http.StatusCreated:
		var b struct {
			Status string `json:"status"`
		}
		if json.Unmarshal(raw, &b) != nil || b.Status == "" {
			b.Status = "unreadable"
		}
		t.booked[b.Status]++
		t.byServer[server]++
	case status == http.StatusConflict && errorCode(raw) == "sold_out":
		t.soldOut++
	default:
		key := statusKey(status)
		if code := errorCode(raw); code != "" {
			key += " " + code
		}
		t.errors[key]++
		t.samples.add(key + ": " + snippet(raw))
	}
}

// listedBooking is a booking as GET /api/v1/admin/sessions/:id/bookings
// lists it.
type listedBooking struct {
	Ref    string `json:"ref"`
	Status string `json:"status"`
	Seats  int    `json:"seats"`
}

// verification is what the server holds after a flash sale, against what
// it should hold.
type verification struct {
	Verified bool `json:"verified"`
	// CountedStatus is the status every booking should have: confirmed
	// for a free event, pending_payment (a hold) for a paid one.
	CountedStatus string `json:"counted_status"`
	ExpectedSeats int    `json:"expected_seats"`
	Seats         int    `json:"seats"`    // seats in bookings of CountedStatus
	Bookings      int    `json:"bookings"` // bookings of CountedStatus
	// ByStatus counts every booking the date has, by status.
	ByStatus counts   `json:"by_status"`
	Problems []string `json:"problems,omitempty"`
}

// verify checks the bookings a date holds after a sale: exactly
// expectedSeats seats in bookings of status counted, exactly as many such
// bookings as the clients were told succeeded (answered), and none in
// another status.
func verify(listed []listedBooking, counted string, expectedSeats, answered int) verification {
	v := verification{CountedStatus: counted, ExpectedSeats: expectedSeats, ByStatus: counts{}}
	for _, b := range listed {
		v.ByStatus[b.Status]++
		if b.Status == counted {
			v.Seats += b.Seats
			v.Bookings++
		}
	}
	if v.Seats != expectedSeats {
		v.Problems = append(v.Problems, fmt.Sprintf("%d seats are %s, want exactly %d", v.Seats, counted, expectedSeats))
	}
	if v.Bookings != answered {
		v.Problems = append(v.Problems, fmt.Sprintf("the date has %d %s bookings but the clients were told of %d", v.Bookings, counted, answered))
	}
	for _, status := range slices.Sorted(maps.Keys(v.ByStatus)) {
		if status != counted {
			v.Problems = append(v.Problems, fmt.Sprintf("%d bookings are %s, want none", v.ByStatus[status], status))
		}
	}
	v.Verified = len(v.Problems) == 0
	return v
}

// idText is an id from a JSON answer as it goes in a URL path: a string's
// text, or a number's digits.
func idText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
