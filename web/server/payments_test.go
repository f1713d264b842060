package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/payments/stripemocktest"
	"github.com/roster-app/roster/web/server"
)

// noRedirects is a client that shows each redirect instead of following it.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestOfflineCheckout(t *testing.T) {
	e := newEnv(t)
	e.createLab()
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		resp, err := noRedirects.PostForm(e.srv.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, resp)
		return resp
	}
	book := func(email string) string {
		t.Helper()
		resp := post("/events/career-clarity-lab/book", url.Values{"session_id": {"1"}, "name": {"Ada"}, "email": {email}, "seats": {"2"}})
		if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "http://roster.test/checkout/test/offline_cs_") {
			t.Fatalf("book: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		return strings.TrimPrefix(resp.Header.Get("Location"), "http://roster.test")
	}
	seatsLeft := func() string {
		_, body := e.do("GET", "/api/v1/events/career-clarity-lab", "", "")
		i := strings.Index(body, `"seats_left":`)
		return body[i+13 : i+15]
	}
	t.Run("book, pay on the TEST MODE page, land confirmed", func(t *testing.T) {
		checkout := book("ada@example.com")
		status, page := e.do("GET", checkout, "", "")
		if status != 200 || !strings.Contains(page, "TEST MODE") || !strings.Contains(page, "£98.00") {
			t.Fatalf("checkout page %d %s", status, page)
		}
		if got := seatsLeft(); got != "10" {
			t.Errorf("seats left while held: %s, want 10", got)
		}
		u, _ := url.Parse(checkout)
		resp := post(u.Path+"/pay?ref="+u.Query().Get("ref"), url.Values{"t": {u.Query().Get("t")}})
		if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "paid=1") {
			t.Fatalf("pay: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		status, page = e.do("GET", resp.Header.Get("Location"), "", "")
		if status != 200 || !strings.Contains(page, "Confirmed") || !strings.Contains(page, "Cancelling now refunds £98.00") {
			t.Errorf("booking page after paying: %d %s", status, page)
		}
		ref := u.Query().Get("ref")
		_, outbox := e.do("GET", "/api/v1/admin/outbox?booking="+ref, e.jamesToken, "")
		if !strings.Contains(outbox, `"kind":"confirmation"`) {
			t.Errorf("no confirmation in the outbox: %s", outbox)
		}
		if status, _ := e.do("GET", "/api/v1/admin/outbox?booking="+ref, e.otherToken, ""); status != 404 {
			t.Errorf("another coach reads the outbox: %d", status)
		}
		status, ics := e.do("GET", "/bookings/"+ref+"/invite.ics?t="+u.Query().Get("t"), "", "")
		if status != 200 || !strings.Contains(ics, "METHOD:REQUEST") || !strings.Contains(ics, "UID:booking-"+ref+"@roster.test") {
			t.Errorf("invite %d %s", status, ics)
		}
	})
	t.Run("abandon releases the hold", func(t *testing.T) {
		checkout := book("bo@example.com")
		u, _ := url.Parse(checkout)
		resp := post(u.Path+"/abandon?ref="+u.Query().Get("ref"), url.Values{"t": {u.Query().Get("t")}})
		if resp.StatusCode != 303 || !strings.HasSuffix(resp.Header.Get("Location"), "?released=1") {
			t.Fatalf("abandon: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if got := seatsLeft(); got != "10" {
			t.Errorf("seats left after abandoning: %s, want 10", got)
		}
	})
	t.Run("the API returns the checkout URL", func(t *testing.T) {
		status, body := e.do("POST", "/api/v1/bookings", "", `{"session_id": 2, "name": "Cy", "email": "cy@example.com", "seats": 1}`)
		if status != 201 || !strings.Contains(body, `"checkout_url":"http://roster.test/checkout/test/offline_cs_`) || !strings.Contains(body, `"status":"pending_payment"`) {
			t.Errorf("%d %s", status, body)
		}
	})
	t.Run("a checkout page needs the booking's token", func(t *testing.T) {
		checkout := book("di@example.com")
		u, _ := url.Parse(checkout)
		if status, _ := e.do("GET", u.Path+"?ref="+u.Query().Get("ref")+"&t=wrong", "", ""); status != 404 {
			t.Errorf("wrong token: %d", status)
		}
	})
}

// stripeEvent is a Stripe webhook payload for a Checkout Session; its
// payment intent is the checkout's own (a PaymentIntent has one amount).
func stripeEvent(id, typ, ref, cs string, amount int64, paid string) []byte {
	return []byte(fmt.Sprintf(`{"id": %q, "object": "event", "api_version": "2023-10-16", "created": %d, "type": %q,
	  "data": {"object": {"id": %q, "object": "checkout.session", "client_reference_id": %q, "metadata": {"booking_ref": %q},
	    "amount_total": %d, "currency": "gbp", "payment_status": %q, "payment_intent": "pi_for_%s", "status": "complete"}}}`,
		id, now.Unix(), typ, cs, ref, ref, amount, paid, cs))
}

func TestStripeWebhook(t *testing.T) {
	const secret = "whsec_roster_web_test"
	stripe, err := payments.NewStripe(payments.StripeConfig{SecretKey: stripemocktest.SecretKey, WebhookSecret: secret,
		APIBase: stripemocktest.Start(t), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, server.Config{BaseURL: "http://roster.test"}, stripe)
	e.createLab()
	status, body := e.do("POST", "/api/v1/bookings", "", `{"session_id": 1, "name": "Ada", "email": "ada@example.com", "seats": 1}`)
	var b struct {
		Ref         string `json:"ref"`
		CheckoutURL string `json:"checkout_url"`
		ManageURL   string `json:"manage_url"`
	}
	json.Unmarshal([]byte(body), &b)
	if status != 201 || b.CheckoutURL == "" {
		t.Fatalf("paid booking against stripe-mock: %d %s", status, body)
	}
	ref, token := manage(b.ManageURL)
	deliver := func(payload []byte, sign func([]byte) string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", e.srv.URL+"/webhooks/stripe", strings.NewReader(string(payload)))
		if sign != nil {
			req.Header.Set("Stripe-Signature", sign(payload))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, readAll(t, resp)
	}
	signed := func(secret string, at time.Time) func([]byte) string {
		return func(p []byte) string {
			return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: p, Secret: secret, Timestamp: at}).Header
		}
	}
	bookingStatus := func() string {
		_, body := e.do("GET", "/api/v1/bookings/"+ref+"?t="+token, "", "")
		var got struct{ Status string }
		json.Unmarshal([]byte(body), &got)
		return got.Status
	}
	completed := stripeEvent("evt_1", "checkout.session.completed", ref, "cs_test_1", 4900, "paid")
	tests := []struct {
		name    string
		payload []byte
		sign    func([]byte) string
		status  int
		after   string
	}{
		{"unsigned", completed, nil, 400, "pending_payment"},
		{"forged", completed, signed("whsec_wrong", now), 400, "pending_payment"},
		{"stale", completed, signed(secret, now.Add(-10*time.Minute)), 400, "pending_payment"},
		{"malformed", []byte(`{"id": `), signed(secret, now), 400, "pending_payment"},
		{"wrong amount is not confirmed", stripeEvent("evt_0", "checkout.session.completed", ref, "cs_test_0", 100, "paid"), signed(secret, now), 200, "pending_payment"},
		{"valid", completed, signed(secret, now), 200, "confirmed"},
		{"duplicate", completed, signed(secret, now), 200, "confirmed"},
		{"expired after completed", stripeEvent("evt_2", "checkout.session.expired", ref, "cs_test_1", 4900, "unpaid"), signed(secret, now), 200, "confirmed"},
		{"unknown booking", stripeEvent("evt_3", "checkout.session.completed", "CCL-NOSUCH", "cs_test_9", 4900, "paid"), signed(secret, now), 200, "confirmed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := deliver(tt.payload, tt.sign)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			if got := bookingStatus(); got != tt.after {
				t.Errorf("booking %s, want %s", got, tt.after)
			}
		})
	}
	_, seats := e.do("GET", "/api/v1/events/career-clarity-lab", "", "")
	if !strings.Contains(seats, `"seats_left":11`) {
		t.Errorf("seats after the webhooks: %s", seats)
	}
}
