package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/roster-app/roster/docs"
)

// The coaching fixture: James works 09:00–12:00 and 13:00–17:00 London
// time on weekdays, is off on Friday 4 December 2026 and works only
// 10:00–11:00 on Saturday 5 December; he offers a free 45-minute "Career
// chat" every hour and a paid "Deep dive". The clock stands at Thursday 26
// November 2026, 12:00 UTC (12:00 in London, 07:00 in New York).
const jamesHours = `{"timezone": "Europe/London",
  "weekly": {"mon": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
             "tue": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
             "wed": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
             "thu": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
             "fri": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
             "sat": [], "sun": []},
  "overrides": [{"date": "2026-12-04", "intervals": []},
                {"date": "2026-12-05", "intervals": [{"start": "10:00", "end": "11:00"}]}]}`

const careerChatJSON = `{"slug": "career-chat", "title": "Career chat", "description": "A **45-minute** call.",
  "duration_minutes": 45, "price_cents": 0, "currency": "GBP", "location": "Online",
  "online_url": "https://meet.example.com/james", "hosts": ["james@example.com"], "assignment": "any",
  "buffer_before_minutes": 0, "buffer_after_minutes": 15, "min_notice_minutes": 240, "horizon_days": 60,
  "slot_interval_minutes": 60, "max_per_day": 4, "reminder_offsets_minutes": [1440, 60], "status": "published"}`

const deepDiveJSON = `{"slug": "deep-dive", "title": "Deep dive", "duration_minutes": 90, "price_cents": 9000,
  "currency": "GBP", "location": "Online", "online_url": "https://meet.example.com/deep", "status": "published"}`

// checked sends a request with optional headers, checks the response
// against docs/openapi.yaml and returns the status and body.
func (e *env) checked(method, path, token, body string, header http.Header) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := docs.CheckResponse(req, resp); err != nil {
		e.t.Error(err)
	}
	raw, _ := readBody(resp)
	return resp.StatusCode, raw
}

func readBody(resp *http.Response) (string, error) {
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

// setUpCoaching gives James his hours and both appointment types.
func (e *env) setUpCoaching() {
	e.t.Helper()
	if status, body := e.checked("PUT", "/api/v1/admin/availability", e.jamesToken, jamesHours, nil); status != 200 {
		e.t.Fatalf("put availability: %d %s", status, body)
	}
	for _, body := range []string{careerChatJSON, deepDiveJSON} {
		if status, raw := e.checked("POST", "/api/v1/admin/appointment-types", e.jamesToken, body, nil); status != 201 {
			e.t.Fatalf("create type: %d %s", status, raw)
		}
	}
}

type slotList struct {
	Timezone string `json:"timezone"`
	Slots    []struct {
		Start string `json:"start"`
		End   string `json:"end"`
	} `json:"slots"`
}

type appointmentCreated struct {
	Ref         string `json:"ref"`
	Status      string `json:"status"`
	ManageURL   string `json:"manage_url"`
	CheckoutURL string `json:"checkout_url"`
	Start       string `json:"start"`
	End         string `json:"end"`
	Host        struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	} `json:"host"`
}

func mustDecode[T any](t *testing.T, raw string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return v
}

func TestAvailabilityAPI(t *testing.T) {
	e := newEnv(t)
	t.Run("a coach with no hours has none, in UTC", func(t *testing.T) {
		status, body := e.checked("GET", "/api/v1/admin/availability", e.jamesToken, "", nil)
		if status != 200 || !strings.Contains(body, `"timezone":"UTC"`) || !strings.Contains(body, `"mon":[]`) {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("PUT then GET round trip", func(t *testing.T) {
		status, put := e.checked("PUT", "/api/v1/admin/availability", e.jamesToken, jamesHours, nil)
		if status != 200 {
			t.Fatalf("put: %d %s", status, put)
		}
		_, got := e.checked("GET", "/api/v1/admin/availability", e.jamesToken, "", nil)
		for _, want := range []string{`"timezone":"Europe/London"`, `"mon":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"17:00"}]`,
			`"sat":[]`, `{"date":"2026-12-04","intervals":[]}`, `{"date":"2026-12-05","intervals":[{"start":"10:00","end":"11:00"}]}`} {
			if !strings.Contains(got, want) {
				t.Errorf("GET lacks %s: %s", want, got)
			}
		}
		if strings.Replace(put, `"updated_at"`, "", 1) != strings.Replace(got, `"updated_at"`, "", 1) {
			t.Errorf("PUT answered %s, GET %s", put, got)
		}
	})
	t.Run("bad fields are named by their path and nothing is saved", func(t *testing.T) {
		status, body := e.checked("PUT", "/api/v1/admin/availability", e.jamesToken, `{"timezone": "Mars/Olympus",
			"weekly": {"mon": [{"start": "9am", "end": "12:00"}, {"start": "13:00", "end": "25:00"}], "funday": []},
			"overrides": [{"date": "2026-02-30", "intervals": []}],
			"busy_feed_url": "http://127.0.0.1/cal.ics"}`, nil)
		if status != 422 {
			t.Fatalf("%d %s", status, body)
		}
		fields := mustDecode[struct {
			Error struct{ Fields map[string]string } `json:"error"`
		}](t, body).Error.Fields
		for _, field := range []string{"timezone", "weekly.mon[0].start", "weekly.mon[1].end", "weekly.funday", "overrides[0].date"} {
			if fields[field] == "" {
				t.Errorf("no message for %s: %v", field, fields)
			}
		}
		_, got := e.checked("GET", "/api/v1/admin/availability", e.jamesToken, "", nil)
		if !strings.Contains(got, "Europe/London") {
			t.Errorf("a refused PUT changed the availability: %s", got)
		}
	})
	t.Run("a feed on a private address is refused", func(t *testing.T) {
		body := strings.Replace(jamesHours, `"overrides"`, `"busy_feed_url": "http://127.0.0.1/cal.ics", "overrides"`, 1)
		status, raw := e.checked("PUT", "/api/v1/admin/availability", e.jamesToken, body, nil)
		if status != 422 || !strings.Contains(raw, `"busy_feed_url"`) {
			t.Fatalf("%d %s", status, raw)
		}
	})
	t.Run("each coach has their own", func(t *testing.T) {
		_, body := e.checked("GET", "/api/v1/admin/availability", e.otherToken, "", nil)
		if strings.Contains(body, "Europe/London") {
			t.Errorf("Mallory sees James's hours: %s", body)
		}
	})
}

func TestAppointmentTypeAPI(t *testing.T) {
	e := newEnv(t)
	e.setUpCoaching()
	t.Run("GET one shows every knob and the join link to a host", func(t *testing.T) {
		status, body := e.checked("GET", "/api/v1/admin/appointment-types/career-chat", e.jamesToken, "", nil)
		for _, want := range []string{`"duration_minutes":45`, `"buffer_after_minutes":15`, `"min_notice_minutes":240`,
			`"slot_interval_minutes":60`, `"max_per_day":4`, `"assignment":"any"`, `"online_url":"https://meet.example.com/james"`,
			`"hosts":["james@example.com"]`} {
			if status != 200 || !strings.Contains(body, want) {
				t.Errorf("%d: lacks %s: %s", status, want, body)
			}
		}
	})
	t.Run("the list has both", func(t *testing.T) {
		_, body := e.checked("GET", "/api/v1/admin/appointment-types", e.jamesToken, "", nil)
		if !strings.Contains(body, "career-chat") || !strings.Contains(body, "deep-dive") {
			t.Errorf("%s", body)
		}
	})
	t.Run("PATCH changes only what it names", func(t *testing.T) {
		status, body := e.checked("PATCH", "/api/v1/admin/appointment-types/deep-dive", e.jamesToken, `{"title": "Deep dive call", "max_per_day": 2}`, nil)
		if status != 200 || !strings.Contains(body, `"title":"Deep dive call"`) || !strings.Contains(body, `"max_per_day":2`) || !strings.Contains(body, `"price_cents":9000`) {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("a taken slug is 422 with a free one suggested", func(t *testing.T) {
		status, body := e.checked("POST", "/api/v1/admin/appointment-types", e.jamesToken, careerChatJSON, nil)
		if status != 422 || !strings.Contains(body, `career-chat-2`) {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("bad knobs are 422 by name", func(t *testing.T) {
		status, body := e.checked("POST", "/api/v1/admin/appointment-types", e.jamesToken,
			`{"title": "", "duration_minutes": 0, "currency": "XXX", "horizon_days": 999, "assignment": "some"}`, nil)
		for _, field := range []string{`"title"`, `"duration_minutes"`, `"currency"`, `"horizon_days"`, `"assignment"`} {
			if status != 422 || !strings.Contains(body, field) {
				t.Errorf("%d: no message for %s: %s", status, field, body)
			}
		}
	})
	t.Run("another coach cannot see or change it", func(t *testing.T) {
		for _, method := range []string{"GET", "PATCH"} {
			body := ""
			if method == "PATCH" {
				body = `{"title": "Mine now"}`
			}
			if status, raw := e.checked(method, "/api/v1/admin/appointment-types/career-chat", e.otherToken, body, nil); status != 404 {
				t.Errorf("%s as Mallory: %d %s", method, status, raw)
			}
		}
	})
	t.Run("the public form has no join link", func(t *testing.T) {
		status, body := e.checked("GET", "/api/v1/coaching/career-chat", "", "", nil)
		if status != 200 || strings.Contains(body, "meet.example.com") || !strings.Contains(body, `"title":"Career chat"`) {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("a draft type is not public", func(t *testing.T) {
		e.checked("PATCH", "/api/v1/admin/appointment-types/deep-dive", e.jamesToken, `{"status": "draft"}`, nil)
		if status, body := e.checked("GET", "/api/v1/coaching/deep-dive", "", "", nil); status != 404 {
			t.Errorf("%d %s", status, body)
		}
	})
}

func TestSlotsAndAppointmentBooking(t *testing.T) {
	e := newEnv(t)
	e.setUpCoaching()
	slots := func(query string) slotList {
		t.Helper()
		status, body := e.checked("GET", "/api/v1/coaching/career-chat/slots?"+query, "", "", nil)
		if status != 200 {
			t.Fatalf("slots %s: %d %s", query, status, body)
		}
		return mustDecode[slotList](t, body)
	}
	t.Run("slots of a day in the coach's zone by default", func(t *testing.T) {
		got := slots("from=2026-11-27&to=2026-11-27")
		if got.Timezone != "Europe/London" || len(got.Slots) != 7 || got.Slots[0].Start != "2026-11-27T09:00:00Z" || got.Slots[0].End != "2026-11-27T09:45:00Z" {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("slots in the visitor's zone carry its offset", func(t *testing.T) {
		got := slots("from=2026-11-27&to=2026-11-27&timezone=America/New_York")
		if got.Timezone != "America/New_York" || len(got.Slots) == 0 || got.Slots[0].Start != "2026-11-27T04:00:00-05:00" {
			t.Fatalf("%+v", got)
		}
	})
	t.Run("overrides: a day off and shorter hours", func(t *testing.T) {
		if got := slots("from=2026-12-04&to=2026-12-04"); len(got.Slots) != 0 {
			t.Errorf("day off has slots: %+v", got)
		}
		if got := slots("from=2026-12-05&to=2026-12-05"); len(got.Slots) != 1 || got.Slots[0].Start != "2026-12-05T10:00:00Z" {
			t.Errorf("Saturday override: %+v", got)
		}
	})
	t.Run("bad ranges are 422 naming the field", func(t *testing.T) {
		for query, field := range map[string]string{
			"from=2026-13-01":                        "from",
			"from=2026-11-27&to=2026-11-26":          "to",
			"from=2026-11-27&to=2027-03-01":          "to",
			"timezone=Mars/Olympus":                  "timezone",
			"from=2026-11-27&to=x&timezone=Nowhere/": "to",
		} {
			status, body := e.checked("GET", "/api/v1/coaching/career-chat/slots?"+query, "", "", nil)
			if status != 422 || !strings.Contains(body, `"`+field+`"`) {
				t.Errorf("%s: %d %s, want 422 naming %s", query, status, body, field)
			}
		}
	})
	var first appointmentCreated
	t.Run("book a listed slot, then the same start again is 409", func(t *testing.T) {
		body := `{"start": "2026-12-01T09:00:00Z", "name": "Ada Lovelace", "email": "ada@example.com", "timezone": "America/New_York"}`
		status, raw := e.checked("POST", "/api/v1/coaching/career-chat/bookings", "", body, nil)
		if status != 201 {
			t.Fatalf("%d %s", status, raw)
		}
		first = mustDecode[appointmentCreated](t, raw)
		if first.Status != "confirmed" || first.Start != "2026-12-01T04:00:00-05:00" || first.Host.Email != "james@example.com" || first.ManageURL == "" || first.CheckoutURL != "" {
			t.Errorf("%s", raw)
		}
		status, raw = e.checked("POST", "/api/v1/coaching/career-chat/bookings", "", strings.Replace(body, "ada@", "bob@", 1), nil)
		if status != 409 || !strings.Contains(raw, `"slot_unavailable"`) {
			t.Errorf("second booking of the start: %d %s", status, raw)
		}
		for _, s := range slots("from=2026-12-01&to=2026-12-01").Slots {
			if s.Start == "2026-12-01T09:00:00Z" {
				t.Errorf("the booked slot is still listed")
			}
		}
	})
	t.Run("a start that was never a slot is 409", func(t *testing.T) {
		status, raw := e.checked("POST", "/api/v1/coaching/career-chat/bookings", "",
			`{"start": "2026-11-27T09:07:00Z", "name": "Cy", "email": "cy@example.com"}`, nil)
		if status != 409 || !strings.Contains(raw, "slot_unavailable") {
			t.Errorf("%d %s", status, raw)
		}
	})
	t.Run("bad input is 422 by field", func(t *testing.T) {
		status, raw := e.checked("POST", "/api/v1/coaching/career-chat/bookings", "", `{"start": "tomorrow", "name": "", "email": "nope"}`, nil)
		if status != 422 || !strings.Contains(raw, `"start"`) {
			t.Errorf("%d %s", status, raw)
		}
	})
	t.Run("GET the booking shows the appointment", func(t *testing.T) {
		ref, token := manage(first.ManageURL)
		status, raw := e.checked("GET", "/api/v1/bookings/"+ref+"?t="+token, "", "", nil)
		if status != 200 || !strings.Contains(raw, `"start":"2026-12-01T04:00:00-05:00"`) || !strings.Contains(raw, `"appointment_type":"career-chat"`) {
			t.Errorf("%d %s", status, raw)
		}
	})
	t.Run("reschedule to another slot", func(t *testing.T) {
		ref, token := manage(first.ManageURL)
		status, raw := e.checked("POST", "/api/v1/bookings/"+ref+"/reschedule?t="+token, "", `{"start": "2026-11-30T14:00:00+00:00"}`, nil)
		if status != 200 || !strings.Contains(raw, `"start":"2026-11-30T09:00:00-05:00"`) {
			t.Fatalf("%d %s", status, raw)
		}
		// The old time is free again; the new one is taken.
		status, raw = e.checked("POST", "/api/v1/coaching/career-chat/bookings", "",
			`{"start": "2026-12-01T09:00:00Z", "name": "Bob", "email": "bob@example.com"}`, nil)
		if status != 201 {
			t.Errorf("the old time after rescheduling: %d %s", status, raw)
		}
		status, raw = e.checked("POST", "/api/v1/bookings/"+ref+"/reschedule?t="+token, "", `{"start": "2026-12-01T09:00:00Z"}`, nil)
		if status != 409 || !strings.Contains(raw, "slot_unavailable") {
			t.Errorf("reschedule onto a taken slot: %d %s", status, raw)
		}
		status, raw = e.checked("POST", "/api/v1/bookings/"+ref+"/reschedule?t=wrong", "", `{"start": "2026-11-30T15:00:00Z"}`, nil)
		if status != 404 {
			t.Errorf("reschedule with a wrong token: %d %s", status, raw)
		}
	})
	t.Run("the coach is told of the client's reschedule, with the old time", func(t *testing.T) {
		ref, _ := manage(first.ManageURL)
		status, raw := e.checked("GET", "/api/v1/admin/outbox?booking="+ref, e.jamesToken, "", nil)
		if status != 200 || !strings.Contains(raw, `"kind":"coach_moved"`) || !strings.Contains(raw, `"to":"james@example.com"`) {
			t.Errorf("outbox of %s: %d %s", ref, status, raw)
		}
	})
	t.Run("a paid type answers with a checkout", func(t *testing.T) {
		status, raw := e.checked("POST", "/api/v1/coaching/deep-dive/bookings", "",
			`{"start": "2026-12-01T13:00:00Z", "name": "Dee", "email": "dee@example.com"}`, nil)
		got := mustDecode[appointmentCreated](t, raw)
		if status != 201 || got.Status != "pending_payment" || got.CheckoutURL == "" {
			t.Errorf("%d %s", status, raw)
		}
	})
	t.Run("Idempotency-Key replays", func(t *testing.T) {
		body := `{"start": "2026-12-02T10:00:00Z", "name": "Eve", "email": "eve@example.com"}`
		h := http.Header{"Idempotency-Key": {"eve-1"}}
		s1, r1 := e.checked("POST", "/api/v1/coaching/career-chat/bookings", "", body, h)
		s2, r2 := e.checked("POST", "/api/v1/coaching/career-chat/bookings", "", body, h)
		if s1 != 201 || s2 != 200 || mustDecode[appointmentCreated](t, r1).Ref != mustDecode[appointmentCreated](t, r2).Ref {
			t.Errorf("%d %s / %d %s", s1, r1, s2, r2)
		}
	})
}

// TestAppointmentRace sends twenty clients at one slot over HTTP: exactly
// one gets it.
func TestAppointmentRace(t *testing.T) {
	e := newEnv(t)
	e.setUpCoaching()
	const clients = 20
	statuses := make([]int, clients)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			body := `{"start": "2026-11-30T10:00:00Z", "name": "Client", "email": "c` + string(rune('a'+i)) + `@example.com"}`
			req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/coaching/career-chat/bookings", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if count[201] != 1 || count[409] != clients-1 {
		t.Fatalf("statuses %v, want one 201 and %d 409", count, clients-1)
	}
}
