package main

import (
	"context"
	"testing"
	"time"
)

func TestBrowse(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	sale, err := runFlashSale(ctx, flashSaleConfig{Base: srv.url, Token: srv.token, Clients: 2, Capacity: 5,
		Attempts: 2, Seats: 1, Currency: "GBP", Timeout: span(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	slug := sale.Event.Slug
	browse := func(cfg browseConfig) browseResult {
		t.Helper()
		cfg.Base, cfg.Clients = srv.url, 4
		if cfg.Duration == 0 {
			cfg.Duration = span(time.Minute)
		}
		res, err := runBrowse(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	allOK := func(t *testing.T, p phase, want int) {
		t.Helper()
		if p.Requests != want || p.Status["200"] != want || len(p.Status) != 1 || p.Latency.Count != want {
			t.Errorf("requests %d, status %v, latency %+v, errors %v; want %d answered 200", p.Requests, p.Status, p.Latency, p.ErrorSamples, want)
		}
	}
	t.Run("event page and API answer, in turn, all 200", func(t *testing.T) {
		res := browse(browseConfig{Slug: slug, MaxRequests: 200})
		allOK(t, res.Primary, 200)
		for _, path := range []string{"/events/" + slug, "/api/v1/events/" + slug} {
			if got := res.Primary.ByPath[path]; got.Requests != 100 || got.Status["200"] != 100 {
				t.Errorf("%s: %+v", path, got)
			}
		}
		if res.Compare != nil {
			t.Errorf("compared without --compare")
		}
	})
	t.Run("the first listed event when no slug is given", func(t *testing.T) {
		res := browse(browseConfig{MaxRequests: 10})
		allOK(t, res.Primary, 10)
		if res.Primary.Paths[0] != "/events/"+slug {
			t.Errorf("paths %v", res.Primary.Paths)
		}
	})
	t.Run("compare with /healthz", func(t *testing.T) {
		res := browse(browseConfig{Paths: []string{"/events/" + slug}, Compare: "/healthz", MaxRequests: 100})
		allOK(t, res.Primary, 100)
		if res.Compare == nil {
			t.Fatal("no comparison")
		}
		allOK(t, *res.Compare, 100)
		if res.Compare.Paths[0] != "/healthz" || res.Ratio <= 0 {
			t.Errorf("compare paths %v, ratio %v", res.Compare.Paths, res.Ratio)
		}
	})
	t.Run("bounded by duration alone", func(t *testing.T) {
		res := browse(browseConfig{Paths: []string{"/healthz"}, Duration: span(50 * time.Millisecond), MaxRequests: maxRequests})
		allOK(t, res.Primary, res.Primary.Requests)
		if res.Primary.Requests == 0 {
			t.Error("no requests")
		}
	})
	t.Run("an unknown path is counted, not hidden", func(t *testing.T) {
		res := browse(browseConfig{Paths: []string{"/events/no-such-event"}, MaxRequests: 5})
		if res.Primary.Status["404"] != 5 {
			t.Errorf("status %v", res.Primary.Status)
		}
	})
}
