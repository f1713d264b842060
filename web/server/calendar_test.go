package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/roster-app/roster/coaches"
)

func TestCalendarFiles(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	dst := `{"slug": "spring", "title": "Spring, Forward; & Co", "timezone": "Europe/London", "currency": "GBP", "status": "published",
	  "sessions": [{"starts_at": "2027-03-28T18:00:00+01:00", "ends_at": "2027-03-28T19:00:00+01:00", "capacity": 5}]}`
	if status, body := e.do("POST", "/api/v1/admin/events", e.jamesToken, dst); status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	t.Run("a date as .ics", func(t *testing.T) {
		resp, err := http.Get(e.srv.URL + "/events/career-clarity-lab/sessions/1/calendar.ics")
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
			t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, want := range []string{"METHOD:PUBLISH\r\n", "DTSTART:20270922T170000Z\r\n", "DTEND:20270922T190000Z\r\n", "UID:session-1@roster.test\r\n", "PRODID:-//Roster//Roster//EN", "DTSTAMP:"} {
			if !strings.Contains(body, want) {
				t.Errorf("file lacks %q:\n%s", want, body)
			}
		}
		req, _ := http.NewRequest("GET", e.srv.URL+"/events/career-clarity-lab/sessions/1/calendar.ics", nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		again, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		again.Body.Close()
		if again.StatusCode != 304 {
			t.Errorf("If-None-Match with the ETag: %d, want 304", again.StatusCode)
		}
	})
	t.Run("the day clocks go forward", func(t *testing.T) {
		status, body := e.do("GET", "/events/spring/sessions/3/calendar.ics", "", "")
		if status != 200 || !strings.Contains(body, "DTSTART:20270328T170000Z") || !strings.Contains(body, `SUMMARY:Spring\, Forward\; & Co`) {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("the event page offers no calendar links for dates nobody has booked", func(t *testing.T) {
		_, body := e.do("GET", "/events/career-clarity-lab", "", "")
		for _, unwanted := range []string{"calendar.google.com", "outlook.live.com", "outlook.office.com", "/sessions/1/calendar.ics"} {
			if strings.Contains(body, unwanted) {
				t.Errorf("event page links to %q", unwanted)
			}
		}
	})
	t.Run("event feed", func(t *testing.T) {
		status, body := e.do("GET", "/events/career-clarity-lab/calendar.ics", "", "")
		if status != 200 || strings.Count(body, "BEGIN:VEVENT") != 2 {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("unknown date is 404", func(t *testing.T) {
		if status, _ := e.do("GET", "/events/career-clarity-lab/sessions/3/calendar.ics", "", ""); status != 404 {
			t.Errorf("another event's date: %d", status)
		}
	})
	t.Run("coach feed with seats booked; rotating revokes the old link", func(t *testing.T) {
		e.do("POST", "/api/v1/bookings", "", `{"session_id": 1, "name": "Ada", "email": "ada@example.com", "seats": 2}`)
		token, err := e.coaches.CreateToken(context.Background(), e.james.ID, coaches.FeedToken, "feed")
		if err != nil {
			t.Fatal(err)
		}
		status, body := e.do("GET", "/coaches/feed.ics?token="+token, "", "")
		if status != 200 || !strings.Contains(body, "SUMMARY:Career Clarity Lab (2/12 booked)") || strings.Count(body, "BEGIN:VEVENT") != 3 {
			t.Fatalf("%d %s", status, body)
		}
		if status, _ := e.do("GET", "/coaches/feed.ics?token="+e.jamesToken, "", ""); status != 401 {
			t.Errorf("an API token opens the feed: %d", status)
		}
		status, body = e.do("POST", "/api/v1/admin/feed", e.jamesToken, "")
		var rotated struct{ URL string }
		json.Unmarshal([]byte(body), &rotated)
		if status != 201 || !strings.HasPrefix(rotated.URL, "webcal://roster.test/coaches/feed.ics?token=") {
			t.Fatalf("rotate: %d %s", status, body)
		}
		if status, _ := e.do("GET", "/coaches/feed.ics?token="+token, "", ""); status != 401 {
			t.Errorf("old feed link after rotation: %d, want 401", status)
		}
		newToken := rotated.URL[strings.Index(rotated.URL, "token=")+6:]
		if status, _ := e.do("GET", "/coaches/feed.ics?token="+newToken, "", ""); status != 200 {
			t.Errorf("new feed link: %d", status)
		}
	})
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}
