package pagecache_test

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-app/roster/web/internal/pagecache"
)

func TestCache(t *testing.T) {
	now := time.Date(2027, 9, 22, 18, 0, 0, 0, time.UTC)
	cache := pagecache.New(time.Second, func() time.Time { return now })
	cache.Put("/events/lab", []byte("page"))
	tests := []struct {
		name  string
		after time.Duration
		want  bool
	}{
		{"fresh at once", 0, true},
		{"fresh up to its time-to-live", time.Second, true},
		{"gone after its time-to-live", time.Second + time.Nanosecond, false},
	}
	start := now
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now = start.Add(tt.after)
			if _, got := cache.Get("/events/lab"); got != tt.want {
				t.Errorf("Get after %s found %v, want %v", tt.after, got, tt.want)
			}
		})
	}
	t.Run("cleared by a change", func(t *testing.T) {
		now = start
		cache.Put("/events/lab", []byte("page"))
		cache.Clear()
		if _, ok := cache.Get("/events/lab"); ok {
			t.Error("a cleared page is still served")
		}
	})
}

func TestCacheStaysBounded(t *testing.T) {
	now := time.Date(2027, 9, 22, 18, 0, 0, 0, time.UTC)
	cache := pagecache.NewSized(time.Minute, func() time.Time { return now }, 8)
	for i := range 1000 {
		cache.Put(fmt.Sprint("event:", i), []byte("page"))
		now = now.Add(time.Millisecond)
	}
	if n := cache.Len(); n > 8 {
		t.Fatalf("%d entries, want at most 8", n)
	}
	if _, ok := cache.Get("event:999"); !ok {
		t.Error("the newest entry was evicted")
	}
	if _, ok := cache.Get("event:0"); ok {
		t.Error("the oldest entry survived a full cache")
	}
}

func TestGetOrLoad(t *testing.T) {
	now := time.Date(2027, 9, 22, 18, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }

	t.Run("visitors who miss together wait for one load", func(t *testing.T) {
		cache := pagecache.New(time.Second, clock)
		release := make(chan struct{})
		var loads atomic.Int32
		load := func() (any, error) {
			loads.Add(1)
			<-release
			return "page", nil
		}
		const visitors = 8
		results := make(chan any, visitors)
		for range visitors {
			go func() {
				v, err := cache.GetOrLoad("event:lab", load)
				if err != nil {
					t.Error(err)
				}
				results <- v
			}()
		}
		waitFor(t, func() bool { return loads.Load() == 1 && cache.Waiting("event:lab") == visitors-1 })
		close(release)
		for range visitors {
			if v := <-results; v != "page" {
				t.Errorf("got %v, want the loaded page", v)
			}
		}
		if n := loads.Load(); n != 1 {
			t.Errorf("%d loads, want 1", n)
		}
		if v, ok := cache.Get("event:lab"); !ok || v != "page" {
			t.Errorf("stored %v %v, want the page", v, ok)
		}
	})

	t.Run("a load begun before a change stores nothing", func(t *testing.T) {
		cache := pagecache.New(time.Second, clock)
		started, release := make(chan struct{}), make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			cache.GetOrLoad("event:lab", func() (any, error) {
				close(started)
				<-release
				return "before the change", nil
			})
		}()
		<-started
		cache.Clear()
		after := make(chan any, 1)
		go func() {
			v, _ := cache.GetOrLoad("event:lab", func() (any, error) { return "after the change", nil })
			after <- v
		}()
		var got any
		waitFor(t, func() bool {
			select {
			case got = <-after:
				return true
			default:
				return cache.Waiting("event:lab") > 0 // waits for the old load: wrong
			}
		})
		close(release)
		if got == nil {
			got = <-after
		}
		if got != "after the change" {
			t.Errorf("a visitor after the change got %v; want a load of their own", got)
		}
		<-done
		if v, _ := cache.Get("event:lab"); v != "after the change" {
			t.Errorf("stored %v, want what was loaded after the change", v)
		}
	})

	t.Run("past half its life an entry is loaded again by one visitor while the others get it", func(t *testing.T) {
		var passed atomic.Int64
		cache := pagecache.New(time.Second, func() time.Time { return now.Add(time.Duration(passed.Load())) })
		cache.GetOrLoad("event:lab", func() (any, error) { return "old", nil })
		passed.Store(int64(600 * time.Millisecond))
		started, release := make(chan struct{}), make(chan struct{})
		refreshed := make(chan any, 1)
		go func() {
			v, _ := cache.GetOrLoad("event:lab", func() (any, error) {
				close(started)
				<-release
				return "new", nil
			})
			refreshed <- v
		}()
		<-started
		other := make(chan any, 1)
		go func() {
			v, _ := cache.GetOrLoad("event:lab", func() (any, error) { return "a second load", nil })
			other <- v
		}()
		var got any
		waitFor(t, func() bool {
			select {
			case got = <-other:
				return true
			default:
				return cache.Waiting("event:lab") > 0 // waits for the refresh: wrong
			}
		})
		close(release)
		if got != "old" {
			t.Errorf("another visitor during the refresh got %v, want the entry still fresh", got)
		}
		if v := <-refreshed; v != "new" {
			t.Errorf("the refreshing visitor got %v", v)
		}
		if v, _ := cache.Get("event:lab"); v != "new" {
			t.Errorf("stored %v, want the refreshed value", v)
		}
	})

	t.Run("an entry past its time-to-live is never served, refreshed or not", func(t *testing.T) {
		var passed atomic.Int64
		cache := pagecache.New(time.Second, func() time.Time { return now.Add(time.Duration(passed.Load())) })
		cache.GetOrLoad("event:lab", func() (any, error) { return "old", nil })
		passed.Store(int64(600 * time.Millisecond))
		if _, err := cache.GetOrLoad("event:lab", func() (any, error) { return nil, errors.New("refresh failed") }); err == nil {
			t.Fatal("the refresh's error was not returned to its caller")
		}
		if v, _ := cache.GetOrLoad("event:lab", func() (any, error) { return "retried", nil }); v != "retried" {
			t.Errorf("after a failed refresh got %v, want the next visitor's own refresh", v)
		}
		passed.Store(int64(1600*time.Millisecond) + 1)
		if v, _ := cache.GetOrLoad("event:lab", func() (any, error) { return "newest", nil }); v != "newest" {
			t.Errorf("got %v past the time-to-live, want a new load", v)
		}
	})

	t.Run("a failed load is not stored", func(t *testing.T) {
		cache := pagecache.New(time.Second, clock)
		failure := errors.New("database down")
		if _, err := cache.GetOrLoad("event:lab", func() (any, error) { return nil, failure }); !errors.Is(err, failure) {
			t.Errorf("err %v, want the load's", err)
		}
		if _, ok := cache.Get("event:lab"); ok {
			t.Error("a failed load was stored")
		}
	})

	t.Run("a visitor who waited for a failed load loads for themselves", func(t *testing.T) {
		cache := pagecache.New(time.Second, clock)
		started, release := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			_, err := cache.GetOrLoad("event:lab", func() (any, error) {
				close(started)
				<-release
				return nil, errors.New("the first visitor went away")
			})
			first <- err
		}()
		<-started
		second := make(chan any, 1)
		go func() {
			v, _ := cache.GetOrLoad("event:lab", func() (any, error) { return "page", nil })
			second <- v
		}()
		waitFor(t, func() bool { return cache.Waiting("event:lab") == 1 })
		close(release)
		if err := <-first; err == nil {
			t.Error("the first visitor's load did not fail")
		}
		if v := <-second; v != "page" {
			t.Errorf("the second visitor got %v, want their own load", v)
		}
	})
}

// waitFor polls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting")
		}
		runtime.Gosched()
	}
}
