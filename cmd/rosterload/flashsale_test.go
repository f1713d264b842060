package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestFlashSale(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	sale := func(clients, capacity, attempts, seats int, price int64) flashSaleConfig {
		return flashSaleConfig{Base: srv.url, Token: srv.token, Clients: clients, Capacity: capacity,
			Attempts: attempts, Seats: seats, PriceCents: price, Currency: "GBP", Timeout: span(5 * time.Minute)}
	}
	t.Run("100 clients race for 10 seats: exactly 10 confirmed, 90 sold out", func(t *testing.T) {
		res, err := runFlashSale(ctx, sale(100, 10, 100, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Verified || !res.Verification.Verified {
			t.Errorf("not verified: %+v", res.Verification)
		}
		got := []int{res.Attempts, res.Booked, res.BookedByStatus["confirmed"], res.SoldOut, res.Verification.Seats}
		if want := []int{100, 10, 10, 90, 10}; !slices.Equal(got, want) {
			t.Errorf("attempts, booked, confirmed, sold out, seats verified = %v, want %v", got, want)
		}
		if len(res.Errors) != 0 {
			t.Errorf("errors %v: %v", res.Errors, res.ErrorSamples)
		}
		if res.Latency.Count != 100 || res.Latency.P50MS > res.Latency.P99MS || res.Latency.P99MS > res.Latency.MaxMS {
			t.Errorf("latency %+v", res.Latency)
		}
	})
	t.Run("more seats than attempts: every attempt books", func(t *testing.T) {
		res, err := runFlashSale(ctx, sale(8, 50, 30, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Verified || res.Booked != 30 || res.SoldOut != 0 || res.Verification.ExpectedSeats != 30 {
			t.Errorf("booked %d, sold out %d, verification %+v", res.Booked, res.SoldOut, res.Verification)
		}
	})
	t.Run("two servers on one database: each books, together exactly the capacity", func(t *testing.T) {
		servers := startServers(t, 2)
		cfg := flashSaleConfig{Base: servers[0].url, Replicas: []string{servers[1].url}, Token: servers[0].token,
			Clients: 20, Capacity: 12, Attempts: 60, Seats: 1, Currency: "GBP", Timeout: span(5 * time.Minute)}
		res, err := runFlashSale(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Verified || res.Booked != 12 || res.SoldOut != 48 || len(res.Errors) != 0 {
			t.Errorf("booked %d, sold out %d, errors %v, verification %+v", res.Booked, res.SoldOut, res.ErrorSamples, res.Verification)
		}
		// Which server wins which seat is up to the race; only the total is fixed.
		if got := res.BookedByServer[servers[0].url] + res.BookedByServer[servers[1].url]; got != 12 || len(res.BookedByServer) > 2 {
			t.Errorf("booked by server %v, want 12 in all from the two servers", res.BookedByServer)
		}
	})
	t.Run("a paid sale holds seats awaiting payment", func(t *testing.T) {
		res, err := runFlashSale(ctx, sale(20, 5, 20, 1, 4900))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Verified || res.BookedByStatus["pending_payment"] != 5 || res.SoldOut != 15 || res.Verification.CountedStatus != "pending_payment" {
			t.Errorf("booked %v, sold out %d, verification %+v, errors %v", res.BookedByStatus, res.SoldOut, res.Verification, res.ErrorSamples)
		}
	})
	t.Run("two seats a booking: only whole bookings fit", func(t *testing.T) {
		res, err := runFlashSale(ctx, sale(10, 7, 10, 2, 0))
		if err != nil {
			t.Fatal(err)
		}
		if !res.Verified || res.Booked != 3 || res.SoldOut != 7 || res.Verification.Seats != 6 {
			t.Errorf("booked %d, sold out %d, verification %+v", res.Booked, res.SoldOut, res.Verification)
		}
	})
	t.Run("a wrong token is an error, not a result", func(t *testing.T) {
		cfg := sale(2, 2, 2, 1, 0)
		cfg.Token = "wrong"
		if _, err := runFlashSale(ctx, cfg); err == nil {
			t.Error("no error")
		}
	})
}

func TestVerify(t *testing.T) {
	confirmed := func(n int) []listedBooking {
		var list []listedBooking
		for i := range n {
			list = append(list, listedBooking{Ref: fmt.Sprint("R", i), Status: "confirmed", Seats: 1})
		}
		return list
	}
	tests := []struct {
		name          string
		listed        []listedBooking
		expectedSeats int
		answered      int
		ok            bool
	}{
		{"exact", confirmed(10), 10, 10, true},
		{"oversold", confirmed(11), 10, 11, false},
		{"undersold", confirmed(9), 10, 9, false},
		{"a booking no client was told of", confirmed(10), 10, 9, false},
		{"a booking in another status", append(confirmed(10), listedBooking{Status: "cancelled", Seats: 1}), 10, 10, false},
		{"nothing to sell, nothing sold", nil, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := verify(tt.listed, "confirmed", tt.expectedSeats, tt.answered)
			if v.Verified != tt.ok || v.Verified != (len(v.Problems) == 0) {
				t.Errorf("verified %v, want %v; problems %v", v.Verified, tt.ok, v.Problems)
			}
		})
	}
}
