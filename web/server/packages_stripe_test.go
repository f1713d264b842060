package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/payments/stripemocktest"
	"github.com/roster-app/roster/web/server"
)

// TestPackageStripeCheckout buys a paid package through stripe-mock and
// confirms it with Stripe's signed webhook: a payment of the wrong amount
// never activates it; the right one does, once.
func TestPackageStripeCheckout(t *testing.T) {
	const secret = "whsec_roster_package_test"
	stripe, err := payments.NewStripe(payments.StripeConfig{SecretKey: stripemocktest.SecretKey, WebhookSecret: secret,
		APIBase: stripemocktest.Start(t), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, server.Config{BaseURL: "http://roster.test"}, stripe)
	if _, err := e.events.CreateAppointmentType(context.Background(), e.james.ID, events.AppointmentTypeInput{
		Slug: "career-chat", Title: "Career chat", DurationMinutes: 45, PriceCents: 9000, Currency: "GBP", Status: events.Published}); err != nil {
		t.Fatal(err)
	}
	if status, body := e.do("POST", "/api/v1/admin/packages", e.jamesToken, fourChatsJSON); status != 201 {
		t.Fatalf("create package: %d %s", status, body)
	}
	status, body := e.do("POST", "/api/v1/packages/four-chats/purchase", "", `{"name": "Ada", "email": "ada@example.com"}`)
	var bought struct {
		Ref         string `json:"ref"`
		Status      string `json:"status"`
		CreditCode  string `json:"credit_code"`
		CheckoutURL string `json:"checkout_url"`
	}
	if err := json.Unmarshal([]byte(body), &bought); err != nil || status != 201 || bought.Status != "pending_payment" || bought.CheckoutURL == "" {
		t.Fatalf("paid package against stripe-mock: %d %s", status, body)
	}
	purchaseStatus := func() string {
		_, body := e.do("GET", "/api/v1/packages/purchases/"+bought.Ref+"?t="+url.QueryEscape(bought.CreditCode), "", "")
		var got struct{ Status string }
		json.Unmarshal([]byte(body), &got)
		return got.Status
	}
	deliver := func(payload []byte) {
		t.Helper()
		signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: now})
		req, _ := http.NewRequest("POST", e.srv.URL+"/webhooks/stripe", strings.NewReader(string(payload)))
		req.Header.Set("Stripe-Signature", signed.Header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if got := readAll(t, resp); resp.StatusCode != 200 {
			t.Fatalf("webhook: %d %s", resp.StatusCode, got)
		}
	}
	tests := []struct {
		name    string
		payload []byte
		after   string
	}{
		{"a payment of the wrong amount is not honoured", stripeEvent("evt_p0", "checkout.session.completed", bought.Ref, "cs_test_p", 100, "paid"), "pending_payment"},
		{"the payment activates the package", stripeEvent("evt_p1", "checkout.session.completed", bought.Ref, "cs_test_p", 30000, "paid"), "active"},
		{"a duplicate changes nothing", stripeEvent("evt_p1", "checkout.session.completed", bought.Ref, "cs_test_p", 30000, "paid"), "active"},
		{"an expiry after payment changes nothing", stripeEvent("evt_p2", "checkout.session.expired", bought.Ref, "cs_test_p", 30000, "unpaid"), "active"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			deliver(tt.payload)
			if got := purchaseStatus(); got != tt.after {
				t.Errorf("purchase %s, want %s", got, tt.after)
			}
		})
	}
}
