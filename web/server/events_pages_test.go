package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestEventListPages pages through the public event list with a cursor.
func TestEventListPages(t *testing.T) {
	e := newEnv(t)
	// 25 events, several starting at the same instant (the cursor must
	// break the tie by id), one with 30 dates.
	for i := range 25 {
		start := time.Date(2027, 10, 1+i/3, 18, 0, 0, 0, time.UTC)
		dates := 1
		if i == 7 {
			dates = 30
		}
		var sessions []string
		for d := range dates {
			at := start.AddDate(0, 0, d*7)
			sessions = append(sessions, fmt.Sprintf(`{"starts_at": %q, "ends_at": %q, "capacity": 5}`, at.Format(time.RFC3339), at.Add(time.Hour).Format(time.RFC3339)))
		}
		body := fmt.Sprintf(`{"slug": "event-%02d", "title": "Event %d", "timezone": "UTC", "currency": "GBP", "price_cents": 0,
			"status": "published", "hosts": ["james@example.com"], "sessions": [%s]}`, i, i, strings.Join(sessions, ","))
		if status, raw := e.do("POST", "/api/v1/admin/events", e.jamesToken, body); status != 201 {
			t.Fatalf("create %d: %d %s", i, status, raw)
		}
	}
	type listed struct {
		Slug     string            `json:"slug"`
		Sessions []json.RawMessage `json:"sessions"`
	}
	page := func(query string) (int, []listed, http.Header) {
		resp, err := http.Get(e.srv.URL + "/api/v1/events" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out []listed
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out, resp.Header
	}
	t.Run("pages of ten cover every event once, in order", func(t *testing.T) {
		var slugs []string
		query, pages := "?limit=10", 0
		for {
			status, list, header := page(query)
			if status != 200 {
				t.Fatalf("status %d for %s", status, query)
			}
			pages++
			for _, ev := range list {
				slugs = append(slugs, ev.Slug)
			}
			next := header.Get("Next-Cursor")
			if next == "" {
				break
			}
			if !strings.Contains(header.Get("Link"), `rel="next"`) || !strings.Contains(header.Get("Link"), "cursor="+next) {
				t.Errorf("Link %q", header.Get("Link"))
			}
			query = "?limit=10&cursor=" + next
			if pages > 5 {
				t.Fatal("the cursor never ends")
			}
		}
		if pages != 3 || len(slugs) != 25 {
			t.Fatalf("%d pages, %d events: %v", pages, len(slugs), slugs)
		}
		for i, slug := range slugs {
			if want := fmt.Sprintf("event-%02d", i); slug != want {
				t.Fatalf("event %d is %s, want %s: %v", i, slug, want, slugs)
			}
		}
	})
	t.Run("the default page is 20 events", func(t *testing.T) {
		if _, list, header := page(""); len(list) != 20 || header.Get("Next-Cursor") == "" {
			t.Errorf("%d events, next %q", len(list), header.Get("Next-Cursor"))
		}
	})
	t.Run("an event lists at most ten of its dates", func(t *testing.T) {
		_, list, _ := page("?limit=100")
		for _, ev := range list {
			if len(ev.Sessions) > 10 {
				t.Errorf("%s lists %d dates", ev.Slug, len(ev.Sessions))
			}
		}
	})
	for _, bad := range []string{"?limit=0", "?limit=101", "?limit=x", "?cursor=not-a-cursor", "?cursor=" + strings.Repeat("A", 5000)} {
		t.Run("refuses "+bad[:min(len(bad), 30)], func(t *testing.T) {
			if status, _, _ := page(bad); status != http.StatusUnprocessableEntity && status != http.StatusBadRequest {
				t.Errorf("status %d", status)
			}
		})
	}
}
