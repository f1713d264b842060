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
)

// slotStarts lists the Career chat's free starts on Monday 30 November and
// Tuesday 1 December 2026, through the slots API.
func (e *packageEnv) slotStarts() []string {
	e.t.Helper()
	status, body := e.do("GET", "/api/v1/coaching/career-chat/slots?from=2026-11-30&to=2026-12-01&timezone=Europe/London", "", "")
	var list struct {
		Slots []struct{ Start string }
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil || status != 200 || len(list.Slots) < 20 {
		e.t.Fatalf("slots: %d %v %.300s", status, err, body)
	}
	out := make([]string, len(list.Slots))
	for i, s := range list.Slots {
		out[i] = s.Start
	}
	return out
}

func creditBooking(start, email, code string) string {
	return fmt.Sprintf(`{"start": %q, "name": "Ada Lovelace", "email": %q, "timezone": "Europe/London", "credit_code": %q}`, start, email, code)
}

func TestBookWithCredit(t *testing.T) {
	e := newPackageEnv(t)
	starts := e.slotStarts()
	p := e.buy("four-chats", "ada@example.com")
	var booked struct {
		Ref, Status, CheckoutURL, ManageURL string
	}
	t.Run("a credit pays for a call and confirms it at once", func(t *testing.T) {
		out := e.mustDo("POST", "/api/v1/coaching/career-chat/bookings", "", 201, creditBooking(starts[0], "ada@example.com", p.Code))
		booked.Ref, booked.Status, booked.ManageURL = out["ref"].(string), out["status"].(string), out["manage_url"].(string)
		if booked.Status != "confirmed" || out["checkout_url"] != nil {
			t.Fatalf("%v", out)
		}
		got := e.purchase(p)
		if got["credits_left"] != 3.0 || got["credits_used"] != 1.0 || !strings.Contains(mustJSON(t, got["appointments"]), booked.Ref) {
			t.Errorf("%v", got)
		}
		page := e.newBrowser().get("/packages/purchases/" + p.Ref + "?t=" + url.QueryEscape(p.Code))
		if !strings.Contains(page.body, booked.Ref) || !strings.Contains(page.body, "Monday 30 November 2026") || !strings.Contains(page.body, `<strong class="credits-left">3</strong> of 4`) {
			t.Errorf("the package page: %.800s", page.body)
		}
	})
	t.Run("an unknown credit code names credit_code", func(t *testing.T) {
		status, body := e.do("POST", "/api/v1/coaching/career-chat/bookings", "", creditBooking(starts[1], "ada@example.com", "nope"))
		if status != 422 || !strings.Contains(body, `"credit_code"`) {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("cancelling inside the refund window gives the credit back", func(t *testing.T) {
		u, _ := url.Parse(booked.ManageURL)
		e.mustDo("POST", "/api/v1/bookings/"+booked.Ref+"/cancel?t="+url.QueryEscape(u.Query().Get("t")), "", 200, "")
		if got := e.purchase(p); got["credits_left"] != 4.0 || got["credits_used"] != 0.0 {
			t.Errorf("%v", got)
		}
	})
	t.Run("the type's page offers its packages", func(t *testing.T) {
		page := e.newBrowser().get("/coaching/career-chat")
		for _, want := range []string{"Save with a package", `href="/packages/four-chats"`, "4 calls for £300.00 (£75.00 a call)", `href="/packages/gift-pair"`} {
			if page.status != 200 || !strings.Contains(page.body, want) {
				t.Errorf("%d: lacks %q", page.status, want)
			}
		}
	})
	t.Run("the package page's button opens the slot picker with the code", func(t *testing.T) {
		b := e.newBrowser()
		page := b.get("/coaching/career-chat?credit=" + url.QueryEscape(p.Code))
		if page.status != 200 || !strings.Contains(page.body, "credit="+url.QueryEscape(p.Code)) {
			t.Fatalf("%d: the slot links lose the code: %.500s", page.status, page.body)
		}
		picked := b.get("/coaching/career-chat?credit=" + url.QueryEscape(p.Code) + "&start=" + url.QueryEscape(starts[2]))
		if !strings.Contains(picked.body, `name="credit_code"`) || !strings.Contains(picked.body, `value="`+p.Code+`"`) {
			t.Fatalf("the form lacks the code: %.800s", picked.body)
		}
		a := b.send("POST", "/coaching/career-chat/book", url.Values{"start": {starts[2]}, "name": {"Ada"}, "email": {"ada@example.com"},
			"tz": {"Europe/London"}, "credit_code": {p.Code}}, nil)
		if a.status != 303 || !strings.HasPrefix(a.location, "/bookings/") {
			t.Fatalf("%d %q %.300s", a.status, a.location, a.body)
		}
		if got := e.purchase(p); got["credits_left"] != 3.0 {
			t.Errorf("%v", got)
		}
	})
}

// TestCreditRace sends 20 bookings at once, each for another free slot,
// all paying with one package of 3 credits: exactly 3 are booked and the
// rest are refused with no_credits_left (invariant 9).
func TestCreditRace(t *testing.T) {
	e := newPackageEnv(t)
	starts := e.slotStarts()
	p := e.buy("gift-pair", "ada@example.com")
	const clients = 20
	type result struct {
		status int
		body   string
	}
	results := make([]result, clients)
	var wg sync.WaitGroup
	release := make(chan struct{})
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-release
			resp, err := http.Post(e.srv.URL+"/api/v1/coaching/career-chat/bookings", "application/json",
				strings.NewReader(creditBooking(starts[i], fmt.Sprintf("client%d@example.com", i), p.Code)))
			if err != nil {
				results[i] = result{body: err.Error()}
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			results[i] = result{resp.StatusCode, string(b)}
		}()
	}
	close(release)
	wg.Wait()
	booked := 0
	for i, r := range results {
		switch {
		case r.status == 201:
			booked++
		case r.status == 409 && strings.Contains(r.body, `"code":"no_credits_left"`):
		default:
			t.Errorf("client %d: %d %s", i, r.status, r.body)
		}
	}
	if booked != 3 {
		t.Errorf("%d bookings made with 3 credits", booked)
	}
	if got := e.purchase(p); got["credits_left"] != 0.0 || got["credits_used"] != 3.0 || len(got["appointments"].([]any)) != 3 {
		t.Errorf("%v", got)
	}
}
