package server_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/availability"
	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/server"
)

// packageEnv is the dashboard's server with a paid Career chat (45
// minutes, £90) that James hosts on weekdays 09:00–17:00 London time, and
// two packages of it made through the API: four chats for £300 and a
// free pair.
type packageEnv struct {
	*dashEnv
}

const (
	fourChatsJSON = `{"slug": "four-chats", "title": "Four chats", "appointment_type": "career-chat", "credits": 4,
		"price_cents": 30000, "currency": "GBP", "valid_days": 180}`
	giftJSON = `{"slug": "gift-pair", "title": "A pair of chats", "appointment_type": "career-chat", "credits": 3,
		"price_cents": 0, "currency": "GBP", "valid_days": 30}`
)

func newPackageEnv(t *testing.T) *packageEnv {
	t.Helper()
	e := &packageEnv{dashEnv: newDashEnv(t, server.Config{})}
	ctx := context.Background()
	if _, err := e.events.CreateAppointmentType(ctx, e.james.ID, events.AppointmentTypeInput{
		Slug: "career-chat", Title: "Career chat", DurationMinutes: 45, PriceCents: 9000, Currency: "GBP",
		Location: "Online", Status: events.Published}); err != nil {
		t.Fatal(err)
	}
	var week availability.Weekly
	for day := time.Monday; day <= time.Friday; day++ {
		week[day] = []availability.Interval{{Start: 9 * 60, End: 17 * 60}}
	}
	if _, err := e.booking.PutAvailability(ctx, e.james.ID, booking.Availability{Rules: availability.Rules{Zone: "Europe/London", Weekly: week}}); err != nil {
		t.Fatal(err)
	}
	e.mustDo("POST", "/api/v1/admin/packages", e.jamesToken, 201, fourChatsJSON)
	e.mustDo("POST", "/api/v1/admin/packages", e.jamesToken, 201, giftJSON)
	return e
}

// mustDo sends a request, requires the status and decodes a JSON body.
func (e *packageEnv) mustDo(method, path, token string, status int, body string) map[string]any {
	e.t.Helper()
	got, raw := e.do(method, path, token, body)
	if got != status {
		e.t.Fatalf("%s %s: %d %s, want %d", method, path, got, raw, status)
	}
	var out map[string]any
	if strings.HasPrefix(strings.TrimSpace(raw), "{") {
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			e.t.Fatal(err)
		}
	}
	return out
}

// purchase is a bought package: its ref and credit code.
type purchase struct{ Ref, Code string }

// buy buys a package through the API; a paid one is paid through the
// TEST MODE checkout pages, as a client's browser would.
func (e *packageEnv) buy(slug, email string) purchase {
	e.t.Helper()
	out := e.mustDo("POST", "/api/v1/packages/"+slug+"/purchase", "", 201, `{"name": "Ada Lovelace", "email": "`+email+`"}`)
	p := purchase{Ref: out["ref"].(string), Code: out["credit_code"].(string)}
	if out["status"] == "active" {
		return p
	}
	checkout, _ := out["checkout_url"].(string)
	u, err := url.Parse(checkout)
	if err != nil || !strings.HasPrefix(u.Path, "/checkout/test/") {
		e.t.Fatalf("checkout_url %q: %v", checkout, err)
	}
	b := e.newBrowser()
	if a := b.get(u.RequestURI()); a.status != 200 || !strings.Contains(a.body, "Pay £300.00 (test)") {
		e.t.Fatalf("TEST MODE checkout page: %d %.300s", a.status, a.body)
	}
	a := b.send("POST", u.Path+"/pay?ref="+p.Ref, url.Values{"t": {p.Code}}, nil)
	if a.status != 303 || !strings.HasPrefix(a.location, "/packages/purchases/"+p.Ref+"?t=") {
		e.t.Fatalf("TEST MODE pay: %d %q %.300s", a.status, a.location, a.body)
	}
	return p
}

func (e *packageEnv) purchase(p purchase) map[string]any {
	e.t.Helper()
	return e.mustDo("GET", "/api/v1/packages/purchases/"+p.Ref+"?t="+url.QueryEscape(p.Code), "", 200, "")
}

func TestPackagesAPI(t *testing.T) {
	e := newPackageEnv(t)
	t.Run("the coach lists the packages with their type", func(t *testing.T) {
		status, body := e.do("GET", "/api/v1/admin/packages", e.jamesToken, "")
		if status != 200 || !strings.Contains(body, `"slug":"four-chats"`) || !strings.Contains(body, `"appointment_type":"career-chat"`) {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("a bad package names every bad field", func(t *testing.T) {
		status, body := e.do("POST", "/api/v1/admin/packages", e.jamesToken, `{"title": "", "appointment_type": "career-chat", "credits": 0, "valid_days": 9999}`)
		for _, field := range []string{`"title"`, `"credits"`, `"valid_days"`} {
			if status != 422 || !strings.Contains(body, field) {
				t.Errorf("%d %s lacks %s", status, body, field)
			}
		}
	})
	t.Run("a taken slug is 409", func(t *testing.T) {
		if status, body := e.do("POST", "/api/v1/admin/packages", e.jamesToken, fourChatsJSON); status != 409 {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("anyone reads a published package", func(t *testing.T) {
		out := e.mustDo("GET", "/api/v1/packages/four-chats", "", 200, "")
		if out["credits"] != 4.0 || out["price_cents"] != 30000.0 {
			t.Errorf("%v", out)
		}
	})
	t.Run("a free package is active at once", func(t *testing.T) {
		p := e.buy("gift-pair", "gift@example.com")
		got := e.purchase(p)
		if got["status"] != "active" || got["credits_left"] != 3.0 || got["credits_used"] != 0.0 || got["expires_at"] == nil || got["credit_code"] != p.Code {
			t.Errorf("%v", got)
		}
	})
	t.Run("a paid package is active once paid in TEST MODE", func(t *testing.T) {
		out := e.mustDo("POST", "/api/v1/packages/four-chats/purchase", "", 201, `{"name": "Bo", "email": "bo@example.com"}`)
		if out["status"] != "pending_payment" || out["checkout_url"] == nil || !strings.Contains(out["manage_url"].(string), "/packages/purchases/") {
			t.Fatalf("%v", out)
		}
		p := e.buy("four-chats", "ada@example.com")
		if got := e.purchase(p); got["status"] != "active" || got["credits_bought"] != 4.0 || got["amount_cents"] != 30000.0 {
			t.Errorf("%v", got)
		}
	})
	t.Run("a bad purchase names name and email", func(t *testing.T) {
		status, body := e.do("POST", "/api/v1/packages/four-chats/purchase", "", `{"name": "", "email": "nope"}`)
		if status != 422 || !strings.Contains(body, `"name"`) || !strings.Contains(body, `"email"`) {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("a wrong credit code is 404", func(t *testing.T) {
		p := e.buy("gift-pair", "cy@example.com")
		other := e.buy("gift-pair", "dan@example.com")
		for _, code := range []string{"", "nope", other.Code, p.Code + "x"} {
			if status, body := e.do("GET", "/api/v1/packages/purchases/"+p.Ref+"?t="+url.QueryEscape(code), "", ""); status != 404 {
				t.Errorf("code %q: %d %s", code, status, body)
			}
		}
	})
	t.Run("grant, extend, refund and balances", func(t *testing.T) {
		granted := e.mustDo("POST", "/api/v1/admin/packages/four-chats/grants", e.jamesToken, 201,
			`{"name": "Eve Evans", "email": "eve@example.com", "credits": 2, "note": "sorry about Tuesday"}`)
		if granted["status"] != "active" || granted["source"] != "grant" || granted["credits_left"] != 2.0 || granted["note"] != "sorry about Tuesday" {
			t.Fatalf("%v", granted)
		}
		ref := granted["ref"].(string)
		before, _ := time.Parse(time.RFC3339, granted["expires_at"].(string))
		extended := e.mustDo("POST", "/api/v1/admin/package-purchases/"+ref+"/extend", e.jamesToken, 200, `{"days": 30}`)
		after, _ := time.Parse(time.RFC3339, extended["expires_at"].(string))
		if got := after.Sub(before); got != 30*24*time.Hour {
			t.Errorf("extended by %v, want 30 days", got)
		}
		paid := e.buy("four-chats", "fay@example.com")
		refunded := e.mustDo("POST", "/api/v1/admin/package-purchases/"+paid.Ref+"/refund", e.jamesToken, 202, `{}`)
		if refunded["status"] != "refunded" || refunded["credits_left"] != 0.0 || refunded["credits_voided"] != 4.0 {
			t.Errorf("%v", refunded)
		}
		if status, body := e.do("POST", "/api/v1/admin/package-purchases/"+paid.Ref+"/refund", e.jamesToken, `{"amount_cents": 1}`); status != 409 {
			t.Errorf("refund twice: %d %s", status, body)
		}
		e.clock.Advance(time.Hour) // the refunds worker makes the refund
		if _, err := e.booking.ProcessPackageRefunds(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := e.mustDo("GET", "/api/v1/admin/package-purchases/"+paid.Ref, e.jamesToken, 200, ""); got["refunded_cents"] != 30000.0 {
			t.Errorf("pro rata refund of four credits left: %v", got["refunded_cents"])
		}
		balances := e.mustDo("GET", "/api/v1/admin/package-balances", e.jamesToken, 200, "")
		if balances["credits_outstanding"] == 0.0 || !strings.Contains(mustJSON(t, balances["clients"]), `{"credits_left":2,"credits_used":0,"email":"eve@example.com"`) {
			t.Errorf("%v", balances)
		}
		status, body := e.do("GET", "/api/v1/admin/package-purchases", e.jamesToken, "")
		if status != 200 || !strings.Contains(body, ref) || !strings.Contains(body, paid.Ref) {
			t.Errorf("sales: %d %.300s", status, body)
		}
	})
	t.Run("another coach gets 404 for packages they do not host", func(t *testing.T) {
		mallory, err := e.coaches.CreateToken(context.Background(), e.other.ID, coaches.APIToken, "test")
		if err != nil {
			t.Fatal(err)
		}
		p := e.buy("gift-pair", "gus@example.com")
		for _, r := range []struct{ method, path, body string }{
			{"GET", "/api/v1/admin/package-purchases/" + p.Ref, ""},
			{"POST", "/api/v1/admin/package-purchases/" + p.Ref + "/extend", `{"days": 30}`},
			{"POST", "/api/v1/admin/package-purchases/" + p.Ref + "/refund", `{}`},
			{"POST", "/api/v1/admin/packages/gift-pair/grants", `{"name": "Mal", "email": "mal@example.com"}`},
			{"POST", "/api/v1/admin/packages", `{"slug": "stolen", "title": "Stolen", "appointment_type": "career-chat", "credits": 1}`},
		} {
			if status, body := e.do(r.method, r.path, mallory, r.body); status != 404 || strings.Contains(body, "gus@example.com") {
				t.Errorf("%s %s: %d %s", r.method, r.path, status, body)
			}
		}
		for _, path := range []string{"/api/v1/admin/packages", "/api/v1/admin/package-purchases"} {
			if status, body := e.do("GET", path, mallory, ""); status != 200 || body != "[]\n" {
				t.Errorf("%s: %d %q", path, status, body)
			}
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
