package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// TestTwoReplicasOneSlot runs two roster serve processes on one PostgreSQL
// database and sends twenty clients, split across both, at one slot of a
// single-host appointment type: exactly one is booked, the rest are told
// slot_unavailable, and no coach is in two places at once.
func TestTwoReplicasOneSlot(t *testing.T) {
	sqldbtest.RequirePostgres(t)
	dsn := sqldbtest.URL(t)
	bin := buildBinaries(t, "roster")
	roster := bin["roster"]
	run(t, roster, "demo", "--database-url", dsn)
	token := strings.TrimSpace(run(t, roster, "token", "create", "--coach", "james@example.com", "--database-url", dsn))
	sink := startSink(t)
	replicas := []string{startReplica(t, roster, dsn, sink.addr), startReplica(t, roster, dsn, sink.addr)}

	call := func(method, url, token, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(raw)
	}
	if status, body := call("POST", replicas[0]+"/api/v1/admin/appointment-types", token,
		`{"slug": "solo-chat", "title": "Solo chat", "duration_minutes": 30, "currency": "GBP", "status": "published"}`); status != 201 {
		t.Fatalf("create type: %d %s", status, body)
	}
	from := time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02")
	to := time.Now().UTC().AddDate(0, 0, 9).Format("2006-01-02")
	status, body := call("GET", replicas[1]+"/api/v1/coaching/solo-chat/slots?from="+from+"&to="+to, "", "")
	var list struct {
		Slots []struct{ Start string } `json:"slots"`
	}
	if err := json.Unmarshal([]byte(body), &list); status != 200 || err != nil || len(list.Slots) == 0 {
		t.Fatalf("slots: %d %s", status, body)
	}
	start := list.Slots[0].Start

	const clients = 20
	statuses := make([]int, clients)
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			body := fmt.Sprintf(`{"start": %q, "name": "Client %d", "email": "client%d@example.com"}`, start, i, i)
			req, _ := http.NewRequest("POST", replicas[i%2]+"/api/v1/coaching/solo-chat/bookings", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	close(ready)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != clients-1 {
		t.Errorf("statuses %v, want one 201 and %d 409 slot_unavailable", count, clients-1)
	}
	if out := run(t, roster, "check", "--database-url", dsn); strings.Contains(out, "violat") {
		t.Errorf("roster check: %s", out)
	}
}
