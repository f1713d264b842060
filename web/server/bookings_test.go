package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roster-app/roster/web/server"
)

// freeJSON is a free workshop with one date of 10 seats and one of 2.
const freeJSON = `{"slug": "taster", "title": "Free Taster", "timezone": "Europe/London", "currency": "GBP",
  "price_cents": 0, "status": "published",
  "sessions": [{"starts_at": "2027-09-22T18:00:00+01:00", "ends_at": "2027-09-22T20:00:00+01:00", "capacity": 10},
               {"starts_at": "2027-09-29T18:00:00+01:00", "ends_at": "2027-09-29T20:00:00+01:00", "capacity": 2}]}`

func (e *env) createFree() {
	e.t.Helper()
	if status, body := e.do("POST", "/api/v1/admin/events", e.jamesToken, freeJSON); status != 201 {
		e.t.Fatalf("create: %d %s", status, body)
	}
}

type created struct {
	Ref         string `json:"ref"`
	Status      string `json:"status"`
	ManageURL   string `json:"manage_url"`
	Seats       int    `json:"seats"`
	SessionID   int64  `json:"session_id"`
	AmountCents int64  `json:"amount_cents"`
}

func (e *env) bookAPI(body string) (int, created, string) {
	e.t.Helper()
	status, raw := e.do("POST", "/api/v1/bookings", "", body)
	var c created
	json.Unmarshal([]byte(raw), &c)
	return status, c, raw
}

// manage splits a manage URL into the path and query the server sees.
func manage(u string) (ref, token string) {
	parsed, _ := url.Parse(u)
	return strings.TrimPrefix(parsed.Path, "/bookings/"), parsed.Query().Get("t")
}

func TestBookingAPI(t *testing.T) {
	e := newEnv(t)
	e.createLab()  // sessions 1 and 2
	e.createFree() // sessions 3 and 4
	status, b, raw := e.bookAPI(`{"session_id": 3, "name": "Ada Lovelace", "email": "ada@example.com", "seats": 2}`)
	if status != 201 || b.Status != "confirmed" || b.Seats != 2 || !strings.HasPrefix(b.ManageURL, "http://roster.test/bookings/FT-") {
		t.Fatalf("free booking: %d %s", status, raw)
	}
	ref, token := manage(b.ManageURL)
	t.Run("paid booking is a hold", func(t *testing.T) {
		status, paid, raw := e.bookAPI(`{"session_id": 1, "name": "Ada", "email": "ada@example.com", "seats": 1}`)
		if status != 201 || paid.Status != "pending_payment" || paid.AmountCents != 4900 {
			t.Errorf("%d %s", status, raw)
		}
	})
	t.Run("get with the token", func(t *testing.T) {
		status, body := e.do("GET", "/api/v1/bookings/"+ref+"?t="+token, "", "")
		if status != 200 || !strings.Contains(body, `"status":"confirmed"`) || !strings.Contains(body, `"session_id":3`) {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("wrong or another booking's token is 404", func(t *testing.T) {
		_, other, _ := e.bookAPI(`{"session_id": 3, "name": "Bo", "email": "bo@example.com", "seats": 1}`)
		_, otherToken := manage(other.ManageURL)
		for _, tok := range []string{"", "wrong", otherToken} {
			if status, body := e.do("GET", "/api/v1/bookings/"+ref+"?t="+tok, "", ""); status != 404 || strings.Contains(body, "ada@") {
				t.Errorf("token %q: %d %s", tok, status, body)
			}
		}
	})
	t.Run("already booked", func(t *testing.T) {
		status, _, raw := e.bookAPI(`{"session_id": 3, "name": "Ada", "email": "ada@example.com", "seats": 1}`)
		if status != 409 || !strings.Contains(raw, `"code":"already_booked"`) {
			t.Errorf("%d %s", status, raw)
		}
	})
	t.Run("move, then cancel", func(t *testing.T) {
		status, body := e.do("POST", "/api/v1/bookings/"+ref+"/move?t="+token, "", `{"session_id": 4}`)
		if status != 200 || !strings.Contains(body, `"session_id":4`) {
			t.Fatalf("move: %d %s", status, body)
		}
		status, body = e.do("POST", "/api/v1/bookings/"+ref+"/move?t="+token, "", `{"session_id": 1}`)
		if status != 422 {
			t.Errorf("move to another event: %d %s", status, body)
		}
		status, body = e.do("POST", "/api/v1/bookings/"+ref+"/cancel?t="+token, "", "")
		if status != 200 || !strings.Contains(body, `"status":"cancelled"`) {
			t.Fatalf("cancel: %d %s", status, body)
		}
		status, body = e.do("POST", "/api/v1/bookings/"+ref+"/cancel?t="+token, "", "")
		if status != 409 {
			t.Errorf("second cancel: %d %s", status, body)
		}
	})
	t.Run("sold out is 409 sold_out", func(t *testing.T) {
		e.bookAPI(`{"session_id": 4, "name": "Cy", "email": "cy@example.com", "seats": 2}`)
		status, _, raw := e.bookAPI(`{"session_id": 4, "name": "Di", "email": "di@example.com", "seats": 1}`)
		if status != 409 || !strings.Contains(raw, `"code":"sold_out"`) {
			t.Errorf("%d %s", status, raw)
		}
		status, body := e.do("POST", "/api/v1/sessions/4/waitlist", "", `{"name": "Di", "email": "di@example.com"}`)
		if status != 201 || !strings.Contains(body, `"status":"waiting"`) {
			t.Errorf("waitlist: %d %s", status, body)
		}
	})
	t.Run("coach lists, moves and cancels; others cannot", func(t *testing.T) {
		status, body := e.do("GET", "/api/v1/admin/sessions/3/bookings", e.jamesToken, "")
		if status != 200 || !strings.Contains(body, "bo@example.com") {
			t.Fatalf("list: %d %s", status, body)
		}
		if status, body := e.do("GET", "/api/v1/admin/sessions/3/bookings", e.otherToken, ""); status != 404 || strings.Contains(body, "bo@") {
			t.Errorf("another coach lists: %d %s", status, body)
		}
		var list []created
		json.Unmarshal([]byte(body), &list)
		var boRef string
		for _, b := range list {
			if b.Status == "confirmed" {
				boRef = b.Ref
			}
		}
		if status, _ := e.do("POST", "/api/v1/admin/bookings/"+boRef+"/cancel", e.otherToken, ""); status != 404 {
			t.Errorf("another coach cancels: %d", status)
		}
		if status, body := e.do("POST", "/api/v1/admin/bookings/"+boRef+"/cancel", e.jamesToken, ""); status != 200 {
			t.Errorf("host cancels: %d %s", status, body)
		}
	})
}

func TestBookingBadInput(t *testing.T) {
	e := newEnv(t)
	e.createFree()
	tests := []struct {
		name, body string
		status     int
		field      string
	}{
		{"missing fields", `{}`, 422, "session_id"},
		{"missing name", `{"session_id": 1, "email": "a@example.com"}`, 422, "name"},
		{"seats zero", `{"session_id": 1, "name": "A", "email": "a@example.com", "seats": 0}`, 422, "seats"},
		{"seats negative", `{"session_id": 1, "name": "A", "email": "a@example.com", "seats": -1}`, 422, "seats"},
		{"seats huge", `{"session_id": 1, "name": "A", "email": "a@example.com", "seats": 99999999999}`, 422, "seats"},
		{"seats not a number", `{"session_id": 1, "name": "A", "email": "a@example.com", "seats": "two"}`, 422, "seats"},
		{"seats fractional", `{"session_id": 1, "name": "A", "email": "a@example.com", "seats": 1.5}`, 422, "seats"},
		{"malformed email", `{"session_id": 1, "name": "A", "email": "a@@example", "seats": 1}`, 422, "email"},
		{"CR/LF in email", `{"session_id": 1, "name": "A", "email": "a@example.com\r\nBcc: b@example.com", "seats": 1}`, 422, "email"},
		{"20 kB name", `{"session_id": 1, "name": "` + strings.Repeat("x", 20000) + `", "email": "a@example.com", "seats": 1}`, 422, "name"},
		{"null byte in name", `{"session_id": 1, "name": "A\u0000B", "email": "a@example.com", "seats": 1}`, 422, "name"},
		{"unknown date", `{"session_id": 999, "name": "A", "email": "a@example.com", "seats": 1}`, 404, ""},
		{"session id a string", `{"session_id": "one", "name": "A", "email": "a@example.com"}`, 422, "session_id"},
		{"invalid JSON", `{"session_id": 1,`, 400, "body"},
		{"not an object", `[1,2,3]`, 400, "body"},
		{"a key named twice", `{"session_id": 1, "name": "A", "name": "B", "email": "a@example.com"}`, 400, "name"},
		{"a key in the wrong case", `{"session_id": 1, "Name": "A", "email": "a@example.com"}`, 400, "Name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, raw := e.do("POST", "/api/v1/bookings", "", tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", status, tt.status, raw)
			}
			var got struct {
				Error struct {
					Code   string
					Fields map[string]string
				}
			}
			if err := json.Unmarshal([]byte(raw), &got); err != nil || got.Error.Code == "" {
				t.Fatalf("not the error shape: %.300s", raw)
			}
			if tt.field != "" && got.Error.Fields[tt.field] == "" {
				t.Errorf("fields %v, want %q named", got.Error.Fields, tt.field)
			}
		})
	}
	status, body := e.do("GET", "/api/v1/events/taster", "", "")
	if status != 200 || !strings.Contains(body, `"seats_left":10`) {
		t.Errorf("seats changed by bad requests: %s", body)
	}
}

func TestIdempotencyKeyHeader(t *testing.T) {
	e := newEnv(t)
	e.createFree()
	send := func(body string) (int, string) {
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/bookings", strings.NewReader(body))
		req.Header.Set("Idempotency-Key", "abc-123")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	body := `{"session_id": 1, "name": "Ada", "email": "ada@example.com", "seats": 1}`
	s1, b1 := send(body)
	s2, b2 := send(body)
	var c1, c2 created
	json.Unmarshal([]byte(b1), &c1)
	json.Unmarshal([]byte(b2), &c2)
	if s1 != 201 || s2 != 200 || c1.Ref == "" || c1.Ref != c2.Ref {
		t.Errorf("first %d %s, second %d %s: want one booking", s1, b1, s2, b2)
	}
	if s3, b3 := send(`{"session_id": 1, "name": "Ada", "email": "ada@example.com", "seats": 2}`); s3 != 409 {
		t.Errorf("same key, other body: %d %s", s3, b3)
	}
}

func TestBurstThroughHTTP(t *testing.T) {
	e := newEnv(t)
	e.createFree()
	var wg sync.WaitGroup
	statuses := make(chan int, 300)
	start := make(chan struct{})
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := http.Post(e.srv.URL+"/api/v1/bookings", "application/json",
				strings.NewReader(fmt.Sprintf(`{"session_id": 1, "name": "R", "email": "r%d@example.com", "seats": 1}`, i)))
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[201] != 10 || count[409] != 290 {
		t.Errorf("statuses %v, want 10×201 and 290×409", count)
	}
	t.Logf("300 clients for 10 seats through HTTP: %.0f requests/s", 300/time.Since(began).Seconds())
}

func TestBookingPages(t *testing.T) {
	e := newEnv(t)
	e.createFree()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) *http.Response {
		resp, err := client.PostForm(e.srv.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	read := func(resp *http.Response) string {
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	t.Run("event page offers the form", func(t *testing.T) {
		status, body := e.do("GET", "/events/taster", "", "")
		if status != 200 || !strings.Contains(body, `action="/events/taster/book"`) || !strings.Contains(body, `name="form_token"`) {
			t.Errorf("%d", status)
		}
	})
	t.Run("bad input re-renders with the field named", func(t *testing.T) {
		resp := post("/events/taster/book", url.Values{"session_id": {"1"}, "name": {""}, "email": {"nope"}, "seats": {"x"}})
		body := read(resp)
		if resp.StatusCode != 422 || !strings.Contains(body, `id="name-error"`) || !strings.Contains(body, `id="email-error"`) || !strings.Contains(body, `id="seats-error"`) {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
		if !strings.Contains(body, `value="nope"`) {
			t.Error("the form lost what was typed")
		}
	})
	var bookingURL string
	t.Run("a free booking lands on its page", func(t *testing.T) {
		form := url.Values{"session_id": {"1"}, "name": {"Ada <b>Lovelace</b>"}, "email": {"ada@example.com"}, "seats": {"2"}, "form_token": {"n1"}}
		resp := post("/events/taster/book", form)
		read(resp)
		if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/bookings/FT-") {
			t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		bookingURL = resp.Header.Get("Location")
		again := post("/events/taster/book", form)
		read(again)
		if ref, _ := manage(again.Header.Get("Location")); again.StatusCode != 303 || !strings.HasPrefix(bookingURL, "/bookings/"+ref+"?") {
			t.Errorf("double submit went to %s, want the same booking", again.Header.Get("Location"))
		}
		status, body := e.do("GET", bookingURL, "", "")
		if status != 200 || !strings.Contains(body, "Confirmed") || !strings.Contains(body, "Ada &lt;b&gt;Lovelace&lt;/b&gt;") {
			t.Errorf("booking page %d %s", status, body)
		}
	})
	t.Run("move and cancel from the page", func(t *testing.T) {
		ref, token := manage(bookingURL)
		resp := post("/bookings/"+ref+"/move", url.Values{"t": {token}, "session_id": {"2"}})
		read(resp)
		if resp.StatusCode != 303 {
			t.Fatalf("move %d", resp.StatusCode)
		}
		resp = post("/bookings/"+ref+"/cancel", url.Values{"t": {"wrong"}})
		if read(resp); resp.StatusCode != 404 {
			t.Errorf("cancel with a wrong token: %d", resp.StatusCode)
		}
		resp = post("/bookings/"+ref+"/cancel", url.Values{"t": {token}})
		read(resp)
		if resp.StatusCode != 303 {
			t.Fatalf("cancel %d", resp.StatusCode)
		}
		_, body := e.do("GET", resp.Header.Get("Location"), "", "")
		if !strings.Contains(body, "Cancelled") {
			t.Error("booking page does not say cancelled")
		}
	})
	t.Run("a full date offers the waitlist", func(t *testing.T) {
		read(post("/events/taster/book", url.Values{"session_id": {"2"}, "name": {"A"}, "email": {"a@example.com"}, "seats": {"2"}}))
		status, body := e.do("GET", "/events/taster", "", "")
		if status != 200 || !strings.Contains(body, "/events/taster/sessions/2/waitlist") {
			t.Fatalf("no waitlist form: %d", status)
		}
		resp := post("/events/taster/sessions/2/waitlist", url.Values{"name": {"W"}, "email": {"w@example.com"}, "seats": {"1"}})
		if body := read(resp); resp.StatusCode != 200 || !strings.Contains(body, "on the waitlist") {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
		resp = post("/events/taster/book", url.Values{"session_id": {"2"}, "name": {"B"}, "email": {"b@example.com"}, "seats": {"1"}})
		if body := read(resp); resp.StatusCode != 409 || !strings.Contains(body, "is now full: no seats are left. Join its waitlist") {
			t.Errorf("booking a full date: %d", resp.StatusCode)
		}
	})
}

func TestBookingRateLimit(t *testing.T) {
	e := newEnvConfig(t, server.Config{BaseURL: "http://roster.test", BookingsPerMinute: 1})
	e.createFree()
	var last *http.Response
	for i := range 11 {
		resp, err := http.Post(e.srv.URL+"/api/v1/bookings", "application/json",
			strings.NewReader(fmt.Sprintf(`{"session_id": 1, "name": "R", "email": "r%d@example.com", "seats": 1}`, i)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 429 {
			last = resp
			break
		}
	}
	if last == nil {
		t.Fatal("eleven bookings in a burst from one address were all accepted, want the eleventh refused")
	}
	if last.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	resp, err := http.Get(e.srv.URL + "/events/taster")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("reading pages is not limited: %d", resp.StatusCode)
	}
}

func TestMessageAttendeesAPI(t *testing.T) {
	e := newEnv(t)
	e.createFree()
	_, b, _ := e.bookAPI(`{"session_id": 1, "name": "Ada", "email": "ada@example.com", "seats": 1}`)
	body := `{"id": "m1", "subject": "Bring a notebook", "body": "See you on Wednesday."}`
	status, resp := e.do("POST", "/api/v1/admin/sessions/1/message", e.jamesToken, body)
	if status != 202 || !strings.Contains(resp, `"recipients":1`) {
		t.Fatalf("%d %s", status, resp)
	}
	e.do("POST", "/api/v1/admin/sessions/1/message", e.jamesToken, body)
	_, outbox := e.do("GET", "/api/v1/admin/outbox?booking="+b.Ref, e.jamesToken, "")
	if strings.Count(outbox, `"kind":"coach_message"`) != 1 {
		t.Errorf("outbox %s, want the message stored once", outbox)
	}
	if status, _ := e.do("POST", "/api/v1/admin/sessions/1/message", e.otherToken, body); status != 404 {
		t.Errorf("another coach: %d", status)
	}
	if status, _ := e.do("POST", "/api/v1/admin/sessions/1/message", e.jamesToken, `{"subject": "", "body": ""}`); status != 422 {
		t.Errorf("empty message: %d", status)
	}
}
