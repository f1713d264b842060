package server_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/web/server"
)

// addPackageFixture gives the sweep a package for its package routes:
// James hosts the Authz Call type and sells the free Authz Pack of it,
// which Fay has bought (s.purchase: its ref and token, which is also its
// credit code).
func (s *sweepEnv) addPackageFixture() {
	s.t.Helper()
	if _, err := s.events.CreateAppointmentType(context.Background(), s.james.ID, events.AppointmentTypeInput{
		Slug: "authz-call", Title: "Authz Call", DurationMinutes: 30, Currency: "GBP", Status: events.Published}); err != nil {
		s.t.Fatal(err)
	}
	s.packageSlug = "authz-pack"
	s.mustJSON("POST", "/api/v1/admin/packages", s.jamesToken, 201, `{"slug": "authz-pack", "title": "Authz Pack",
		"appointment_type": "authz-call", "credits": 2, "price_cents": 0}`)
	var bought struct {
		Ref        string `json:"ref"`
		CreditCode string `json:"credit_code"`
	}
	raw := s.mustJSON("POST", "/api/v1/packages/authz-pack/purchase", "", 201, `{"name": "Fay Fairweather", "email": "fay@example.com"}`)
	if err := json.Unmarshal(raw, &bought); err != nil || bought.CreditCode == "" {
		s.t.Fatalf("buy the Authz Pack: %v %s", err, raw)
	}
	s.purchase = sweepBooking{Ref: bought.Ref, Token: bought.CreditCode}
}

// purchaseRoute reports whether a route's :ref names a package purchase
// (/packages/purchases/:ref, /api/v1/admin/package-purchases/:ref).
func purchaseRoute(path string) bool {
	return strings.Contains(path, "/purchases/:ref") || strings.Contains(path, "/package-purchases/:ref")
}

// TestPurchaseRouteTokens checks the other side of TestBookingRouteTokens
// (which tries every purchase route with tokens that are not its own):
// the purchase's own token opens its pages, and opens nothing else.
func TestPurchaseRouteTokens(t *testing.T) {
	s := newSweepEnv(t, server.Config{BaseURL: "http://roster.test"})
	var swept []string
	for _, r := range sweepRoutes(t, s.echo) {
		if purchaseRoute(r.Path) && !strings.HasPrefix(r.Path, "/api/v1/admin/") && !strings.HasPrefix(r.Path, "/dashboard") {
			swept = append(swept, r.String())
		}
	}
	if len(swept) < 3 {
		t.Fatalf("found only %v purchase routes", swept)
	}
	code := url.QueryEscape(s.purchase.Token)
	for _, path := range []string{"/packages/purchases/" + s.purchase.Ref, "/api/v1/packages/purchases/" + s.purchase.Ref} {
		if resp, body := s.request("GET", path+"?t="+code, nil, ""); resp.StatusCode != 200 || !strings.Contains(body, "Fay") {
			t.Errorf("GET %s with its own code: %d %.200s", path, resp.StatusCode, body)
		}
	}
	for _, path := range []string{"/bookings/" + s.ada.Ref, "/api/v1/bookings/" + s.ada.Ref} {
		if resp, body := s.request("GET", path+"?t="+code, nil, ""); resp.StatusCode != 404 || s.leaks(body) != "" {
			t.Errorf("GET %s with Fay's credit code: %d %.200s", path, resp.StatusCode, body)
		}
	}
}
