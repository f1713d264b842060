package faulttest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// TestCrashMidBatch kills roster serve with SIGKILL during a flash sale
// on one free date, when concurrent bookings of the date are being
// committed in batches (group commit), and checks what a batch promises:
// every booking answered 201 is stored, confirmed and announced in the
// outbox, nothing is oversold, and an Idempotency-Key sent again after
// the restart answers with the booking it made, if it made one, and never
// makes a second.
func TestCrashMidBatch(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) {
		crashMidBatch(t, filepath.Join(t.TempDir(), "roster.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		if !sqldbtest.OnPostgres() {
			t.Skipf("%s not set", sqldbtest.PostgresEnv)
		}
		crashMidBatch(t, sqldbtest.URL(t))
	})
}

func crashMidBatch(t *testing.T, dbURL string) {
	mail := startMail(t, "", "")
	settings := map[string]string{"DATABASE_URL": dbURL, "SMTP_URL": mail.url()}
	env := rosterEnv(settings)
	token := addCoach(t, env)
	srv := startServer(t, settings)
	const capacity, clients, killAfter = 240, 200, 30
	sale := createEvent(t, srv, token, "crash-batch", 0, capacity)

	type attempt struct {
		key, body string
		r         reply
		b         booked
	}
	attempts := make([]attempt, clients)
	for i := range attempts {
		attempts[i].key = fmt.Sprintf("crash-batch-%d", i)
		attempts[i].body = fmt.Sprintf(`{"session_id": %s, "name": "Batch %d", "email": "batch%d@example.com", "seats": %d}`,
			sale.Sessions[0].ID, i, i, 1+i%2)
	}
	var answered atomic.Int32
	killNow, start := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	for i := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			a := &attempts[i]
			a.r, a.b = bookWithKey(srv, a.key, a.body)
			if a.r.Err == nil && answered.Add(1) == killAfter {
				close(killNow)
			}
		}()
	}
	close(start)
	select {
	case <-killNow:
	case <-time.After(60 * time.Second):
		t.Fatal("the sale did not get 30 answers within 60s")
	}
	transactions, requests := groupCommits(t, srv)
	srv.kill()
	wg.Wait()
	if requests <= transactions {
		t.Errorf("%d requests in %d transactions before the crash: no batch held two bookings, so this test tested nothing", requests, transactions)
	}
	tally := map[string]int{}
	for _, a := range attempts {
		if a.r.Err != nil {
			tally["no answer"]++
		} else {
			tally[fmt.Sprintf("%d %s%s", a.r.Status, a.b.Status, a.r.errorCode())]++
		}
	}
	t.Logf("%d bookings in %d transactions before the crash; the sale's answers: %v", requests, transactions, tally)

	check(t, env, "on the database a SIGKILL in the middle of a batch left")
	db := openDB(t, dbURL)
	ctx := context.Background()
	for _, a := range attempts {
		if a.r.Err != nil || a.r.Status != http.StatusCreated {
			continue
		}
		var stored struct {
			Status string `db:"status"`
			Mail   int    `db:"mail"`
		}
		err := db.GetContext(ctx, &stored, db.Rebind(`SELECT status, (SELECT COUNT(*) FROM outbox o
			WHERE o.booking_ref = b.ref AND o.kind = 'confirmation') AS mail FROM bookings b WHERE ref = ?`), a.b.Ref)
		switch {
		case err != nil:
			t.Errorf("booking %s was answered 201 but is not stored: %v", a.b.Ref, err)
		case stored.Status != "confirmed" || stored.Mail != 1:
			t.Errorf("booking %s was answered 201 confirmed but is stored %s with %d confirmations", a.b.Ref, stored.Status, stored.Mail)
		}
	}

	// The same requests again, with the same keys: a 201 replays its
	// booking (200); a request the crash cut off either made its booking (and
	// replays it) or makes it now, or finds the date sold out.
	srv.start()
	for _, a := range attempts {
		again, b := bookWithKey(srv, a.key, a.body)
		switch {
		case again.Err != nil:
			t.Errorf("%s again: %v", a.key, again.Err)
		case a.r.Err == nil && a.r.Status == http.StatusCreated && (again.Status != http.StatusOK || b.Ref != a.b.Ref):
			t.Errorf("%s was booked as %s; sent again it answers %s, want 200 and the same booking", a.key, a.b.Ref, again)
		case again.Status >= 300 && again.errorCode() != "sold_out":
			t.Errorf("%s again: %s", a.key, again)
		}
	}
	var people, bookings int
	if err := db.GetContext(ctx, &bookings, `SELECT COUNT(*) FROM bookings WHERE email LIKE 'batch%'`); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &people, `SELECT COUNT(DISTINCT email) FROM bookings WHERE email LIKE 'batch%'`); err != nil {
		t.Fatal(err)
	}
	if bookings != people {
		t.Errorf("%d bookings for %d people: a key sent twice booked twice", bookings, people)
	}
	left, err := seatsLeft(srv, sale.Slug)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after the retries: %d bookings, %d of %d seats left", bookings, left, capacity)
	srv.stop()
	check(t, env, "after the retries and a SIGTERM")
}

// bookWithKey posts body to the booking API with an Idempotency-Key.
func bookWithKey(s *server, key, body string) (reply, booked) {
	r := send("POST", s.URL+"/api/v1/bookings", "", []byte(body), map[string]string{"Idempotency-Key": key})
	var b booked
	if r.Err == nil && r.Status < 300 {
		json.Unmarshal(r.Body, &b)
	}
	return r, b
}

// groupCommits reads the server's group-commit counters from /metrics:
// the batched transactions it ran and the booking requests they carried.
func groupCommits(t *testing.T, s *server) (transactions, requests int64) {
	t.Helper()
	r := send("GET", s.URL+"/metrics", "", nil, nil)
	if r.Err != nil || r.Status != http.StatusOK {
		t.Fatalf("GET /metrics: %s", r)
	}
	lines := bufio.NewScanner(bytes.NewReader(r.Body))
	for lines.Scan() {
		name, value, ok := strings.Cut(lines.Text(), " ")
		if !ok {
			continue
		}
		n, _ := strconv.ParseFloat(value, 64)
		switch name {
		case "roster_booking_group_commits_total":
			transactions = int64(n)
		case "roster_booking_group_committed_requests_total":
			requests = int64(n)
		}
	}
	return transactions, requests
}
