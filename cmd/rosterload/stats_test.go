package main

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	t.Run("1 to 100 ms, shuffled", func(t *testing.T) {
		ds := make([]time.Duration, 100)
		for i := range ds {
			ds[i] = time.Duration(i+1) * time.Millisecond
		}
		rand.Shuffle(len(ds), func(i, j int) { ds[i], ds[j] = ds[j], ds[i] })
		got := summarize(ds)
		want := latency{Count: 100, MinMS: 1, MeanMS: 50.5, P50MS: 50, P95MS: 95, P99MS: 99, MaxMS: 100}
		if got != want {
			t.Errorf("got %+v, want %+v", got, want)
		}
	})
	t.Run("one slow request in 1000 is the max, not p99", func(t *testing.T) {
		ds := make([]time.Duration, 1000)
		for i := range ds {
			ds[i] = time.Millisecond
		}
		ds[500] = time.Second
		got := summarize(ds)
		if got.P99MS != 1 || got.MaxMS != 1000 {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("one request is every quantile", func(t *testing.T) {
		got := summarize([]time.Duration{1500 * time.Microsecond})
		if got.P50MS != 1.5 || got.P99MS != 1.5 || got.MaxMS != 1.5 || got.MinMS != 1.5 {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("no requests", func(t *testing.T) {
		if got := summarize(nil); got != (latency{}) {
			t.Errorf("got %+v", got)
		}
	})
}
