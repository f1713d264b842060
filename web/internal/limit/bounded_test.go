package limit_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-app/roster/web/internal/limit"
)

func TestLimiterStaysBounded(t *testing.T) {
	start := time.Date(2027, 9, 22, 18, 0, 0, 0, time.UTC)
	t.Run("a flood of new keys never grows the table past its size", func(t *testing.T) {
		l := limit.NewSized(1, 5, 100)
		for i := range 10_000 {
			l.Allow(fmt.Sprintf("203.0.113.%d/%d", i%256, i), start)
		}
		if n := l.Len(); n > 100 {
			t.Fatalf("%d keys remembered, want at most 100", n)
		}
	})
	t.Run("the least recently used key is the one forgotten", func(t *testing.T) {
		l := limit.NewSized(1, 1, 2)
		l.Allow("busy", start)
		l.Allow("idle", start)
		l.Wait("busy", start) // Wait does not count as use
		l.Allow("busy", start)
		l.Allow("newcomer", start)
		if l.Wait("busy", start) == 0 {
			t.Error("the recently used key was forgotten")
		}
		if l.Wait("idle", start) != 0 {
			t.Error("the least recently used key is still remembered")
		}
	})
	t.Run("idle keys are swept", func(t *testing.T) {
		l := limit.New(60, 2)
		for i := range 50 {
			l.Allow(fmt.Sprint(i), start)
		}
		l.Allow("late", start.Add(5*time.Minute))
		if n := l.Len(); n != 1 {
			t.Errorf("%d keys after everyone went idle, want 1", n)
		}
	})
}

func TestLimiterRefund(t *testing.T) {
	start := time.Date(2027, 9, 22, 18, 0, 0, 0, time.UTC)
	l := limit.New(1, 2)
	for range 2 {
		l.Allow("k", start)
		l.Refund("k", start)
	}
	if ok, _ := l.Allow("k", start); !ok {
		t.Fatal("refunded tokens were not given back")
	}
	l.Refund("k", start)
	l.Refund("k", start)
	l.Refund("k", start)
	ok1, _ := l.Allow("k", start)
	ok2, _ := l.Allow("k", start)
	ok3, _ := l.Allow("k", start)
	if !ok1 || !ok2 || ok3 {
		t.Errorf("refunds filled the bucket past its burst: %v %v %v", ok1, ok2, ok3)
	}
}

func TestLimiterParallelTakesCountEveryRequest(t *testing.T) {
	start := time.Date(2027, 9, 22, 18, 0, 0, 0, time.UTC)
	l := limit.New(1, 5)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := l.Allow("198.51.100.7", start); ok {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := allowed.Load(); n != 5 {
		t.Errorf("%d of 64 parallel requests allowed, want the burst of 5", n)
	}
}
