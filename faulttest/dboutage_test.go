package faulttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Phases of the database outage, in order.
const (
	phaseUp       = "database up"
	phaseStopping = "database stopping"
	phaseDown     = "database down"
	phaseStarting = "database starting"
	phaseBack     = "database back"
)

// requestTimeout is the server's own limit on a request (roster serve's
// http.TimeoutHandler); maxAnswer is how long a request may take during an
// outage, with a margin for a loaded machine.
const (
	requestTimeout = 30 * time.Second
	maxAnswer      = requestTimeout + 5*time.Second
)

// probe is one kind of request the load sends.
type probe struct {
	name     string
	request  func(n int64) (method, path, token string, body []byte, header map[string]string)
	healthy  int // the status it answers while the database is up
	outageOK func(r reply) bool
}

// sample is one request of the load and what came of it.
type sample struct {
	probe        string
	sent, landed string // the phase when it was sent and when it was answered
	r            reply
}

// TestDatabaseOutage stops a private PostgreSQL cluster under load and
// starts it again. While it is down: /readyz answers 503, every page and
// API call that needs the database answers 503 with a clear message
// (JSON for the API, HTML for pages) within the request timeout, never a
// 500, /healthz still answers, and the workers retry at their pace rather
// than spin. When it is back, everything recovers without restarting
// roster: /readyz 200, bookings succeed, roster check passes.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	pg := newCluster(t)
	settings := map[string]string{"DATABASE_URL": pg.url()}
	env := rosterEnv(settings)
	token := addCoach(t, env)
	srv := startServer(t, settings)
	ev := createEvent(t, srv, token, "outage", 0, 1000)
	r, before := book(srv, ev, "Before Outage", "before@example.com", 1)
	if r.Status != http.StatusCreated {
		t.Fatalf("booking before the outage: %s", r)
	}
	manage, err := url.Parse(before.ManageURL)
	if err != nil {
		t.Fatal(err)
	}

	unavailableJSON := func(r reply) bool {
		var body struct {
			Error struct{ Code, Message string }
		}
		return r.Status == http.StatusServiceUnavailable && json.Unmarshal(r.Body, &body) == nil &&
			body.Error.Code == "unavailable" && body.Error.Message != ""
	}
	unavailablePage := func(r reply) bool {
		text := strings.ToLower(string(r.Body))
		return r.Status == http.StatusServiceUnavailable && strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") &&
			(strings.Contains(text, "unavailable") || strings.Contains(text, "try again"))
	}
	// Public event pages and their JSON are cached for a second: serving
	// one from the cache while the database is down is as good as a 503.
	cachedOr := func(ok func(reply) bool) func(reply) bool {
		return func(r reply) bool { return r.Status == http.StatusOK || ok(r) }
	}
	get := func(path, token string) func(int64) (string, string, string, []byte, map[string]string) {
		return func(int64) (string, string, string, []byte, map[string]string) { return "GET", path, token, nil, nil }
	}
	probes := []probe{
		{name: "GET /healthz", request: get("/healthz", ""), healthy: 200,
			outageOK: func(r reply) bool { return r.Status == 200 }},
		{name: "GET /readyz", request: get("/readyz", ""), healthy: 200, outageOK: unavailableJSON},
		{name: "GET /", request: get("/", ""), healthy: 200, outageOK: unavailablePage},
		{name: "GET /events/:slug", request: get("/events/"+ev.Slug, ""), healthy: 200, outageOK: cachedOr(unavailablePage)},
		{name: "GET /bookings/:ref", request: get(manage.Path+"?"+manage.RawQuery, ""), healthy: 200, outageOK: unavailablePage},
		{name: "GET /api/v1/events", request: get("/api/v1/events", ""), healthy: 200, outageOK: unavailableJSON},
		{name: "GET /api/v1/events/:slug", request: get("/api/v1/events/"+ev.Slug, ""), healthy: 200, outageOK: cachedOr(unavailableJSON)},
		{name: "GET /api/v1/admin/events", request: get("/api/v1/admin/events", token), healthy: 200, outageOK: unavailableJSON},
		{name: "POST /api/v1/bookings", healthy: 201, outageOK: unavailableJSON,
			request: func(n int64) (string, string, string, []byte, map[string]string) {
				body := fmt.Sprintf(`{"session_id": %s, "name": "Load", "email": "load%d@example.com", "seats": 1}`, ev.Sessions[0].ID, n)
				return "POST", "/api/v1/bookings", "", []byte(body), nil
			}},
		{name: "POST /events/:slug/book", healthy: 303, outageOK: unavailablePage,
			request: func(n int64) (string, string, string, []byte, map[string]string) {
				form := url.Values{"session_id": {string(ev.Sessions[0].ID)}, "name": {"Form Load"},
					"email": {fmt.Sprintf("form%d@example.com", n)}, "seats": {"1"}}
				return "POST", "/events/" + ev.Slug + "/book", "", []byte(form.Encode()),
					map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
			}},
	}

	var (
		phase   atomic.Value
		counter atomic.Int64
		mu      sync.Mutex
		samples []sample
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	phase.Store(phaseUp)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
				p := probes[i%len(probes)]
				method, path, tok, body, header := p.request(counter.Add(1))
				sent := phase.Load().(string)
				r := send(method, srv.URL+path, tok, body, header)
				mu.Lock()
				samples = append(samples, sample{probe: p.name, sent: sent, landed: phase.Load().(string), r: r})
				mu.Unlock()
			}
		}()
	}
	readyz := func() int { return send("GET", srv.URL+"/readyz", "", nil, nil).Status }

	time.Sleep(time.Second) // load while healthy, as a baseline
	phase.Store(phaseStopping)
	pg.stop()
	phase.Store(phaseDown)
	downFrom := len(srv.logs.Lines())
	downAt := time.Now()
	eventually(t, 10*time.Second, "/readyz to answer 503", func() (bool, string) {
		status := readyz()
		return status == http.StatusServiceUnavailable, fmt.Sprintf("status %d", status)
	})
	// Long enough for every worker to have run at least once against the
	// missing database (the hold sweeper runs every 10s).
	time.Sleep(12 * time.Second)
	downLines := srv.logs.Lines()[downFrom:]
	downFor := time.Since(downAt)

	phase.Store(phaseStarting)
	pg.start()
	eventually(t, 30*time.Second, "/readyz to answer 200 again", func() (bool, string) {
		status := readyz()
		return status == http.StatusOK, fmt.Sprintf("status %d", status)
	})
	phase.Store(phaseBack)
	eventually(t, 30*time.Second, "a booking to succeed again", func() (bool, string) {
		r, _ := book(srv, ev, "After Outage", "after@example.com", 1)
		return r.Status == http.StatusCreated, r.String()
	})
	time.Sleep(time.Second) // load after recovery
	close(stop)
	wg.Wait()

	// Judge every request.
	type key struct{ probe, phase string }
	counts := map[key]map[int]int{}
	for _, s := range samples {
		k := key{s.probe, s.sent}
		if counts[k] == nil {
			counts[k] = map[int]int{}
		}
		counts[k][s.r.Status]++
		switch {
		case s.r.Err != nil:
			t.Errorf("%s (sent while %s): no answer after %s: %v", s.probe, s.sent, s.r.Took.Round(time.Millisecond), s.r.Err)
		case s.r.Took > maxAnswer:
			t.Errorf("%s (sent while %s): answered after %s, beyond the request timeout", s.probe, s.sent, s.r.Took.Round(time.Millisecond))
		case s.r.Status >= 500 && s.r.Status != http.StatusServiceUnavailable:
			t.Errorf("%s (sent while %s): %d, want 503 at worst: %.300s", s.probe, s.sent, s.r.Status, s.r.Body)
		}
	}
	for _, p := range probes {
		for _, s := range samples {
			if s.probe != p.name {
				continue
			}
			if s.sent == phaseDown && s.landed == phaseDown && !p.outageOK(s.r) {
				t.Errorf("%s while the database is down: %d %s %.300s, want 503 with a clear message", p.name, s.r.Status, s.r.Header.Get("Content-Type"), s.r.Body)
				break
			}
			if s.sent == phaseBack && s.r.Status != p.healthy {
				t.Errorf("%s after the database came back: %s, want %d", p.name, s.r, p.healthy)
				break
			}
		}
	}
	var keys []key
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].probe+keys[i].phase < keys[j].probe+keys[j].phase })
	for _, k := range keys {
		t.Logf("%-26s %-18s statuses %v", k.probe, k.phase, counts[k])
	}
	if t.Failed() {
		// Name the causes, as the server logged them, among which those
		// of the wrong answers.
		causes := map[string]int{}
		for _, line := range srv.logs.Lines() {
			var entry struct{ Msg, Err string }
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "request failed" && !strings.Contains(entry.Err, "connection refused") {
				causes[entry.Err]++
			}
		}
		for cause, n := range causes {
			t.Logf("server logged %d× request failed: %s", n, cause)
		}
	}
	var slowest time.Duration
	for _, s := range samples {
		slowest = max(slowest, s.r.Took)
	}
	t.Logf("%d requests, the slowest answered in %s", len(samples), slowest.Round(time.Millisecond))

	// The workers meet the outage with a warning per run, not a hot loop.
	workerWarnings := map[string]int{}
	for _, line := range downLines {
		var entry struct{ Level, Msg string }
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Level == "WARN" && entry.Msg != "request" {
			workerWarnings[entry.Msg]++
		}
	}
	total := 0
	for _, n := range workerWarnings {
		total += n
	}
	t.Logf("worker warnings in %s without a database: %v", downFor.Round(time.Second), workerWarnings)
	if perSecond := float64(total) / downFor.Seconds(); perSecond > 5 {
		t.Errorf("workers logged %.1f warnings a second without a database: they retry in a tight loop", perSecond)
	}
	if total == 0 {
		t.Errorf("no worker noticed the database was gone")
	}

	if srv.runs != 1 || !srv.proc.running() {
		t.Fatalf("roster serve did not survive the outage:\n%s", srv.logs)
	}
	check(t, env, "after the database outage")
}
