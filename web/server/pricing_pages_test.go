package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestPricingPages: the event page lists ticket types with what is on
// sale, a ?code= link fills the code in, "Check the price" shows the
// reduced total without booking, and the form books a mix of types.
func TestPricingPages(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	if status, raw := e.do("PATCH", "/api/v1/admin/events/career-clarity-lab", e.jamesToken, `{"ticket_types": [
		{"name": "Standard", "price_cents": 4900},
		{"name": "Concession", "price_cents": 2500, "quota": 0},
		{"name": "Late", "price_cents": 5900, "on_sale_from": "2027-09-01T00:00:00Z"}]}`); status != 200 {
		t.Fatalf("patch: %d %s", status, raw)
	}
	if status, raw := e.do("POST", "/api/v1/admin/discount-codes", e.jamesToken, `{"code": "CLARITY20", "percent_off": 20}`); status != 201 {
		t.Fatalf("code: %d %s", status, raw)
	}
	status, page := e.do("GET", "/events/career-clarity-lab?code=clarity20", "", "")
	for _, want := range []string{"Standard</strong> £49.00", "Concession</strong> £25.00 <span class=\"status\">· sold out", "on sale from", `name="tickets.`, `value="CLARITY20"`, "Check the price first"} {
		if status != 200 || !strings.Contains(page, want) {
			t.Errorf("event page %d lacks %q", status, want)
		}
	}
	var stdField string
	if i := strings.Index(page, `name="tickets.`); i >= 0 {
		stdField = page[i+6 : i+6+strings.Index(page[i+6:], `"`)]
	}
	form := url.Values{"session_id": {"1"}, "name": {"Ada"}, "email": {"ada@example.com"}, stdField: {"2"}, "discount_code": {"CLARITY20"}, "action": {"quote"}}
	resp, err := noRedirects.PostForm(e.srv.URL+"/events/career-clarity-lab/book", form)
	if err != nil {
		t.Fatal(err)
	}
	body := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(body, "2 × Standard") || !strings.Contains(body, "−£19.60") || !strings.Contains(body, "£78.40") {
		t.Fatalf("quote: %d %s", resp.StatusCode, body)
	}
	if _, raw := e.do("GET", "/api/v1/events/career-clarity-lab", "", ""); !strings.Contains(raw, `"seats_left":12`) {
		t.Errorf("checking the price booked seats: %s", raw)
	}
	form.Del("action")
	resp, err = noRedirects.PostForm(e.srv.URL+"/events/career-clarity-lab/book", form)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, resp)
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "/checkout/test/") {
		t.Fatalf("book: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	form.Set("email", "bo@example.com")
	form.Set("discount_code", "NOPE")
	resp, err = noRedirects.PostForm(e.srv.URL+"/events/career-clarity-lab/book", form)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != 422 || !strings.Contains(body, `id="code-error"`) {
		t.Errorf("a bad code: %d, want 422 with the message beside the field", resp.StatusCode)
	}
}
