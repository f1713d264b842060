package main

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"
)

// latency summarises recorded request durations. Quantiles are exact: the
// durations are sorted and the nearest-rank value is taken (the smallest
// recorded duration with at least q of all durations at or below it), so
// p99 of 100 requests is exactly the 99th fastest, not an estimate.
type latency struct {
	Count  int     `json:"count"`
	MinMS  float64 `json:"min_ms"`
	MeanMS float64 `json:"mean_ms"`
	P50MS  float64 `json:"p50_ms"`
	P95MS  float64 `json:"p95_ms"`
	P99MS  float64 `json:"p99_ms"`
	MaxMS  float64 `json:"max_ms"`
}

// summarize sorts ds in place and summarises it; an empty ds gives zeros.
func summarize(ds []time.Duration) latency {
	if len(ds) == 0 {
		return latency{}
	}
	slices.Sort(ds)
	var total time.Duration
	for _, d := range ds {
		total += d
	}
	return latency{
		Count:  len(ds),
		MinMS:  millis(ds[0]),
		MeanMS: millis(total / time.Duration(len(ds))),
		P50MS:  millis(quantile(ds, 0.50)),
		P95MS:  millis(quantile(ds, 0.95)),
		P99MS:  millis(quantile(ds, 0.99)),
		MaxMS:  millis(ds[len(ds)-1]),
	}
}

// quantile returns the nearest-rank q-quantile of sorted, which must not
// be empty: the value at rank ceil(q·n).
func quantile(sorted []time.Duration, q float64) time.Duration {
	rank := int(math.Ceil(q * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// millis is d in milliseconds, to the microsecond.
func millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Microsecond)) / 1000
}

// perSecond is n events over elapsed, to two decimals; zero for no time.
func perSecond(n int, elapsed time.Duration) float64 {
	if elapsed <= 0 {
		return 0
	}
	return math.Round(float64(n)/elapsed.Seconds()*100) / 100
}

// ratio is a ÷ b to three decimals; zero when b is zero.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(a/b*1000) / 1000
}

// counts tallies outcomes by name ("200", "409 sold_out", "transport").
type counts map[string]int

func (c counts) add(other counts) {
	for k, v := range other {
		c[k] += v
	}
}

// statusKey names an HTTP status in counts.
func statusKey(status int) string { return strconv.Itoa(status) }

// samples keeps the first few distinct error messages of a run, enough
// to diagnose it without flooding the report.
type samples []string

const maxSamples = 5

func (s *samples) add(msg string) {
	if len(*s) < maxSamples && !slices.Contains(*s, msg) {
		*s = append(*s, msg)
	}
}

func (s *samples) merge(other samples) {
	for _, msg := range other {
		s.add(msg)
	}
}

// span is a duration that reads as "10s" in JSON.
type span time.Duration

func (s span) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(s).String()) }
