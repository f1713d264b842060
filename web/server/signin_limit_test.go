package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/roster-app/roster/web/server"
)

// TestSignInAttemptsAreTakenBeforeTheWork sends guesses in parallel: each
// must be counted before bcrypt runs, so no more than the allowance of
// guesses is ever checked, however many arrive at once.
func TestSignInAttemptsAreTakenBeforeTheWork(t *testing.T) {
	from := func(address string) http.Header { return http.Header{"X-Forwarded-For": {address}} }
	parallel := func(e *dashEnv, n int, form func(i int) url.Values, address string) map[int]int {
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b := e.newBrowser()
				<-start
				a := b.send("POST", "/dashboard/login", form(i), from(address))
				mu.Lock()
				statuses[a.status]++
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		return statuses
	}
	t.Run("30 parallel wrong passwords for one account: 5 are checked", func(t *testing.T) {
		e := newDashEnv(t, server.Config{TrustProxy: true})
		got := parallel(e, 30, func(int) url.Values {
			return url.Values{"email": {"james@example.com"}, "password": {"guess"}}
		}, "198.51.100.7")
		if got[http.StatusUnauthorized] != 5 || got[http.StatusTooManyRequests] != 25 {
			t.Errorf("statuses %v, want 5×401 and 25×429", got)
		}
	})
	t.Run("40 parallel guesses at different emails from one address: 10 are checked", func(t *testing.T) {
		e := newDashEnv(t, server.Config{TrustProxy: true})
		got := parallel(e, 40, func(i int) url.Values {
			return url.Values{"email": {fmt.Sprintf("guess%d@example.com", i)}, "password": {"guess"}}
		}, "198.51.100.8")
		if got[http.StatusUnauthorized] != 10 || got[http.StatusTooManyRequests] != 30 {
			t.Errorf("statuses %v, want 10×401 and 30×429", got)
		}
	})
	t.Run("an attacker cannot lock the coach out from another address", func(t *testing.T) {
		e := newDashEnv(t, server.Config{TrustProxy: true})
		for range 8 {
			e.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {"james@example.com"}, "password": {"guess"}}, from("203.0.113.66"))
		}
		if a := e.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {"james@example.com"}, "password": {"guess"}}, from("203.0.113.66")); a.status != http.StatusTooManyRequests {
			t.Fatalf("the attacker's address: %d, want 429", a.status)
		}
		a := e.newBrowser().send("POST", "/dashboard/login", url.Values{"email": {"james@example.com"}, "password": {coachPassword}}, from("192.0.2.10"))
		if a.status != http.StatusSeeOther {
			t.Errorf("the coach from their own address: %d, want 303", a.status)
		}
	})
}
