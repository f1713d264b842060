package faulttest

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

// TestStripeOutage runs roster against stripe-mock: a paid booking opens a
// checkout, Stripe's webhook confirms it once however often it is
// delivered, and an event sent while roster is down is applied when
// Stripe retries. Then stripe-mock is stopped: free bookings go on, paid
// bookings fail cleanly (503 payment_unavailable, an HTML message on the
// form) and give their seats back at once. When stripe-mock returns, paid
// bookings work again without a restart.
func TestStripeOutage(t *testing.T) {
	t.Parallel()
	mock := startStripeMock(t)
	dbURL := filepath.Join(t.TempDir(), "roster.db")
	settings := map[string]string{
		"DATABASE_URL":          dbURL,
		"STRIPE_SECRET_KEY":     stripeSecretKey,
		"STRIPE_WEBHOOK_SECRET": stripeWebhookSecret,
		"STRIPE_API_BASE":       mock.url(),
	}
	env := rosterEnv(settings)
	token := addCoach(t, env)
	srv := startServer(t, settings)
	free := createEvent(t, srv, token, "stripe-free", 0, 20)
	paid := createEvent(t, srv, token, "stripe-paid", 4900, 20)
	db := openDB(t, dbURL)
	ctx := context.Background()
	paidSeats := func() int {
		t.Helper()
		n, err := seatsLeft(srv, paid.Slug)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	statusOf := func(b booked) string {
		t.Helper()
		u, err := url.Parse(b.ManageURL)
		if err != nil {
			t.Fatalf("manage URL %q: %v", b.ManageURL, err)
		}
		r := send("GET", srv.URL+"/api/v1"+u.Path+"?"+u.RawQuery, "", nil, nil)
		var got booked
		if r.Status != http.StatusOK || jsonInto(r, &got) != nil {
			t.Fatalf("GET booking %s: %s", b.Ref, r)
		}
		return got.Status
	}
	confirmations := func(ref string) int {
		t.Helper()
		var n int
		if err := db.GetContext(ctx, &n, db.Rebind(`SELECT COUNT(*) FROM outbox WHERE booking_ref = ? AND kind = 'confirmation'`), ref); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// The provider is up: a paid booking is a hold with a checkout.
	r, first := book(srv, paid, "Paid First", "paid1@example.com", 1)
	if r.Status != http.StatusCreated || first.Status != "pending_payment" || first.CheckoutURL == "" {
		t.Fatalf("paid booking with Stripe up: %s; want 201 pending_payment with a checkout_url", r)
	}
	if n := paidSeats(); n != 19 {
		t.Errorf("%d seats left while one is held, want 19", n)
	}

	// Stripe confirms it; the same event again changes nothing.
	payload, signature := signedWebhook("evt_faulttest_1", first.Ref, 4900)
	if r := deliverWebhook(srv, payload, signature); r.Status != http.StatusOK || !strings.Contains(string(r.Body), "confirmed") {
		t.Fatalf("webhook: %s", r)
	}
	if r := deliverWebhook(srv, payload, signature); r.Status != http.StatusOK || !strings.Contains(string(r.Body), "duplicate") {
		t.Errorf("the same webhook again: %s, want 200 duplicate", r)
	}
	if got := statusOf(first); got != "confirmed" {
		t.Errorf("booking %s is %s after its payment, want confirmed", first.Ref, got)
	}

	// An event delivered while roster is down is not lost: Stripe retries
	// it, as it retries one whose answer the crash swallowed.
	r, second := book(srv, paid, "Paid Second", "paid2@example.com", 1)
	if r.Status != http.StatusCreated || second.CheckoutURL == "" {
		t.Fatalf("second paid booking: %s", r)
	}
	srv.kill()
	payload2, signature2 := signedWebhook("evt_faulttest_2", second.Ref, 4900)
	if r := deliverWebhook(srv, payload2, signature2); r.Err == nil {
		t.Fatalf("webhook to a killed server answered: %s", r)
	}
	srv.start()
	if r := deliverWebhook(srv, payload2, signature2); r.Status != http.StatusOK || !strings.Contains(string(r.Body), "confirmed") {
		t.Errorf("Stripe's retry after the restart: %s, want 200 confirmed", r)
	}
	if r := deliverWebhook(srv, payload, signature); r.Status != http.StatusOK || !strings.Contains(string(r.Body), "duplicate") {
		t.Errorf("a retry of an event applied before the crash: %s, want 200 duplicate", r)
	}
	for _, b := range []booked{first, second} {
		if got := statusOf(b); got != "confirmed" {
			t.Errorf("booking %s is %s, want confirmed", b.Ref, got)
		}
		if n := confirmations(b.Ref); n != 1 {
			t.Errorf("booking %s has %d confirmations in the outbox, want 1", b.Ref, n)
		}
	}
	check(t, env, "after webhooks across a crash")

	// The provider goes away.
	mock.stop()
	before := paidSeats()
	if r, b := book(srv, free, "Free During Outage", "free@example.com", 1); r.Status != http.StatusCreated || b.Status != "confirmed" {
		t.Errorf("free booking with Stripe down: %s, want 201 confirmed", r)
	}
	r, _ = book(srv, paid, "Paid During Outage", "paid3@example.com", 2)
	if r.Status != http.StatusServiceUnavailable || r.errorCode() != "payment_unavailable" {
		t.Errorf("paid booking with Stripe down: %s, want 503 payment_unavailable", r)
	}
	if r.Took > maxAnswer {
		t.Errorf("paid booking with Stripe down took %s", r.Took)
	}
	t.Logf("paid booking with Stripe down answered %d %s in %s", r.Status, r.errorCode(), r.Took.Round(1e6))
	form := url.Values{"session_id": {string(paid.Sessions[0].ID)}, "name": {"Form During Outage"}, "email": {"paid4@example.com"}, "seats": {"1"}}
	r = send("POST", srv.URL+"/events/"+paid.Slug+"/book", "", []byte(form.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	if r.Status != http.StatusServiceUnavailable || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(strings.ToLower(string(r.Body)), "payment") {
		t.Errorf("booking form with Stripe down: %d %s %.300s, want 503 and a page that says payments are unavailable", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	if n := paidSeats(); n != before {
		t.Errorf("%d seats left after paid bookings failed, want the %d there were before", n, before)
	}
	var held int
	if err := db.GetContext(ctx, &held, `SELECT COUNT(*) FROM bookings WHERE status = 'pending_payment'`); err != nil || held != 0 {
		t.Errorf("%d holds left by failed checkouts (%v), want 0", held, err)
	}
	check(t, env, "with the payment provider down")

	// It comes back: paid bookings work again, no restart needed.
	mock.start()
	r, third := book(srv, paid, "Paid After", "paid5@example.com", 1)
	if r.Status != http.StatusCreated || third.CheckoutURL == "" {
		t.Errorf("paid booking after Stripe returned: %s, want 201 with a checkout_url", r)
	}
	check(t, env, "after the payment provider returned")
}
