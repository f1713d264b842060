package limit_test

import (
	"testing"
	"time"

	"github.com/roster-app/roster/web/internal/limit"
)

func TestLimiter(t *testing.T) {
	start := time.Date(2027, 9, 22, 18, 0, 0, 0, time.UTC)
	t.Run("a burst, then one every interval", func(t *testing.T) {
		l := limit.New(2, 3) // one every 30 s, bursts of 3
		for i := range 3 {
			if ok, _ := l.Allow("198.51.100.7", start); !ok {
				t.Fatalf("request %d of the burst refused", i+1)
			}
		}
		ok, wait := l.Allow("198.51.100.7", start)
		if ok || wait != 30*time.Second {
			t.Fatalf("fourth request: ok %v, wait %s; want refused for 30s", ok, wait)
		}
		if got := l.Wait("198.51.100.7", start.Add(10*time.Second)); got != 20*time.Second {
			t.Errorf("Wait 10s later = %s, want 20s", got)
		}
		if ok, _ := l.Allow("198.51.100.7", start.Add(30*time.Second)); !ok {
			t.Error("refused after the interval")
		}
	})
	t.Run("keys are counted apart", func(t *testing.T) {
		l := limit.New(1, 1)
		l.Allow("a", start)
		if ok, _ := l.Allow("b", start); !ok {
			t.Error("another key was refused")
		}
	})
	t.Run("no limit allows everything", func(t *testing.T) {
		l := limit.New(0, 0)
		for range 100 {
			if ok, _ := l.Allow("a", start); !ok {
				t.Fatal("refused without a limit")
			}
		}
		if got := l.Wait("a", start); got != 0 {
			t.Errorf("Wait = %s without a limit", got)
		}
	})
	t.Run("Wait takes nothing", func(t *testing.T) {
		l := limit.New(1, 1)
		for range 5 {
			l.Wait("a", start)
		}
		if ok, _ := l.Allow("a", start); !ok {
			t.Error("Wait used up the allowance")
		}
	})
}
