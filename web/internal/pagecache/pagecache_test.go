package pagecache_test

import (
	"fmt"
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
