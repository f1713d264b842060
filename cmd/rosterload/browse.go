package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// browseConfig is what the browse scenario runs.
type browseConfig struct {
	Base     string `json:"base"`
	Clients  int    `json:"clients"`
	Duration span   `json:"duration"`
	// MaxRequests ends a phase early once that many requests are sent;
	// zero means the hard limit, maxRequests.
	MaxRequests int `json:"max_requests"`
	// Slug is the event whose page and API answer are fetched when Paths
	// is empty; empty means the first event GET /api/v1/events lists.
	Slug string `json:"slug,omitempty"`
	// Paths are fetched in turn, so each gets an equal share of the
	// requests.
	Paths []string `json:"paths"`
	// Compare, if set, is a path measured right after Paths with the same
	// clients, duration and limit, e.g. /healthz.
	Compare string `json:"compare,omitempty"`
}

func (c *browseConfig) validate() error {
	base, err := checkBase(c.Base)
	if err != nil {
		return err
	}
	c.Base = base
	if c.MaxRequests == 0 {
		c.MaxRequests = maxRequests
	}
	errs := []error{
		inRange("--clients", c.Clients, 1, maxClients),
		inRange("--requests", c.MaxRequests, 1, maxRequests),
		checkTimeout("--duration", time.Duration(c.Duration)),
	}
	for _, p := range append(c.Paths, c.Compare) {
		if p != "" && !strings.HasPrefix(p, "/") {
			errs = append(errs, fmt.Errorf("path %q must start with /", p))
		}
	}
	return errors.Join(errs...)
}

// browseResult is what a browse run measured.
type browseResult struct {
	Primary phase  `json:"primary"`
	Compare *phase `json:"compare,omitempty"`
	// Ratio is the primary paths' requests/s ÷ the compare path's.
	Ratio float64 `json:"ratio,omitempty"`
}

// phase is one measured stretch of requests.
type phase struct {
	Paths []string `json:"paths"`
	// Requests counts the answered and the failed.
	Requests       int     `json:"requests"`
	DurationMS     float64 `json:"duration_ms"`
	RequestsPerSec float64 `json:"requests_per_sec"`
	// Status counts answers by HTTP status; "transport" counts requests
	// that got none.
	Status       counts  `json:"status"`
	ErrorSamples samples `json:"error_samples,omitempty"`
	Latency      latency `json:"latency"`
	// ByPath breaks the phase down when it fetched more than one path.
	ByPath map[string]pathStats `json:"by_path,omitempty"`
}

type pathStats struct {
	Requests       int     `json:"requests"`
	RequestsPerSec float64 `json:"requests_per_sec"`
	Status         counts  `json:"status"`
	Latency        latency `json:"latency"`
}

// runBrowse has cfg.Clients clients fetch cfg.Paths (by default an event's
// public page and its API answer, in turn) as fast as they are answered
// for cfg.Duration or cfg.MaxRequests requests, whichever ends first; then,
// if cfg.Compare is set, the same for that path, and reports the ratio of
// the two rates. It returns an error when the run could not be made.
func runBrowse(ctx context.Context, cfg browseConfig) (browseResult, error) {
	if err := cfg.validate(); err != nil {
		return browseResult{}, err
	}
	client := newHTTPClient(cfg.Clients)
	defer client.CloseIdleConnections()
	paths := cfg.Paths
	if len(paths) == 0 {
		slug := cfg.Slug
		if slug == "" {
			var err error
			if slug, err = firstEventSlug(ctx, client, cfg.Base); err != nil {
				return browseResult{}, err
			}
		}
		paths = []string{"/events/" + url.PathEscape(slug), "/api/v1/events/" + url.PathEscape(slug)}
	}
	var (
		res browseResult
		err error
	)
	if res.Primary, err = runPhase(ctx, client, cfg, paths); err != nil {
		return res, err
	}
	if cfg.Compare != "" {
		compare, err := runPhase(ctx, client, cfg, []string{cfg.Compare})
		if err != nil {
			return res, err
		}
		res.Compare = &compare
		res.Ratio = ratio(res.Primary.RequestsPerSec, compare.RequestsPerSec)
	}
	return res, nil
}

// firstEventSlug returns the slug of the first event the public API lists.
func firstEventSlug(ctx context.Context, c *http.Client, base string) (string, error) {
	var list []struct {
		Slug string `json:"slug"`
	}
	if err := callJSON(ctx, c, http.MethodGet, base+"/api/v1/events", "", nil, http.StatusOK, &list); err != nil {
		return "", fmt.Errorf("find an event to browse: %w", err)
	}
	if len(list) == 0 || list[0].Slug == "" {
		return "", errors.New("find an event to browse: the server lists none; pass --slug or --path, or start the server with --demo")
	}
	return list[0].Slug, nil
}

// browseTally is what one client saw, per path.
type browseTally struct {
	durations [][]time.Duration
	status    []counts
	samples   samples
}

// runPhase measures one stretch: every client opens its connection with
// one unmeasured request, waits at the barrier, then fetches paths[n mod
// len(paths)] for request number n until the duration is over or the
// request limit reached. Requests in flight when the duration ends are
// finished and counted, and the phase lasts until the last one returns.
func runPhase(ctx context.Context, c *http.Client, cfg browseConfig, paths []string) (phase, error) {
	var (
		next        atomic.Int64
		ready, done sync.WaitGroup
		start       = make(chan struct{})
		aborted     bool      // set before start is closed, read after
		deadline    time.Time // likewise
		tallies     = make([]browseTally, cfg.Clients)
		warmErrs    = make([]error, cfg.Clients)
	)
	for w := range cfg.Clients {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			warmErrs[w] = warmUp(ctx, c, cfg.Base+paths[0])
			ready.Done()
			<-start
			if aborted {
				return
			}
			tally := browseTally{durations: make([][]time.Duration, len(paths)), status: make([]counts, len(paths))}
			for i := range paths {
				tally.status[i] = counts{}
			}
			defer func() { tallies[w] = tally }()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				n := next.Add(1) - 1
				if n >= int64(cfg.MaxRequests) {
					return
				}
				i := int(n % int64(len(paths)))
				began := time.Now()
				status, _, err := fetch(ctx, c, http.MethodGet, cfg.Base+paths[i], "", nil, false)
				tally.durations[i] = append(tally.durations[i], time.Since(began))
				if err != nil {
					tally.status[i]["transport"]++
					tally.samples.add(err.Error())
					continue
				}
				tally.status[i][statusKey(status)]++
			}
		}()
	}
	ready.Wait()
	if err := errors.Join(warmErrs...); err != nil {
		aborted = true
		close(start)
		done.Wait()
		return phase{}, err
	}
	began := time.Now()
	deadline = began.Add(time.Duration(cfg.Duration))
	close(start)
	done.Wait()
	elapsed := time.Since(began)
	if err := ctx.Err(); err != nil {
		return phase{}, err
	}

	ph := phase{Paths: paths, DurationMS: millis(elapsed), Status: counts{}}
	var all []time.Duration
	byPath := make(map[string]pathStats, len(paths))
	for i, p := range paths {
		var ds []time.Duration
		st := counts{}
		for _, t := range tallies {
			ds = append(ds, t.durations[i]...)
			st.add(t.status[i])
		}
		all = append(all, ds...)
		ph.Status.add(st)
		byPath[p] = pathStats{Requests: len(ds), RequestsPerSec: perSecond(len(ds), elapsed), Status: st, Latency: summarize(ds)}
	}
	for _, t := range tallies {
		ph.ErrorSamples.merge(t.samples)
	}
	ph.Requests = len(all)
	ph.RequestsPerSec = perSecond(len(all), elapsed)
	ph.Latency = summarize(all)
	if len(paths) > 1 {
		ph.ByPath = byPath
	}
	return ph, nil
}
