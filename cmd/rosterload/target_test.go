package main

import (
	"context"
	"errors"
	"testing"
)

func TestLoopbackGuard(t *testing.T) {
	tests := []struct {
		base string
		ok   bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://localhost", true},
		{"http://LOCALHOST:8080/", true},
		{"http://[::1]:8080", true},
		{"https://127.8.9.10:8443", true},
		{"http://10.0.0.1", false},
		{"http://example.com", false},
		{"http://192.168.1.10", false},
		{"http://0.0.0.0:8080", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.nip.io", false},
		{"http://[::ffff:10.0.0.1]", false},
		{"http://[2001:db8::1]:8080", false},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			_, err := checkBase(tt.base)
			if tt.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tt.ok && !errors.Is(err, errNotLoopback) {
				t.Errorf("err = %v, want errNotLoopback", err)
			}
		})
	}
	t.Run("malformed bases are refused", func(t *testing.T) {
		for _, base := range []string{"", "127.0.0.1:8080", "ftp://127.0.0.1", "http://user:pass@127.0.0.1", "http://127.0.0.1/?x=1"} {
			if _, err := checkBase(base); err == nil {
				t.Errorf("%q accepted", base)
			}
		}
	})
	t.Run("every scenario checks its target before sending anything", func(t *testing.T) {
		ctx := context.Background()
		if _, err := runFlashSale(ctx, flashSaleConfig{Base: "http://10.0.0.1", Token: "t", Clients: 1, Capacity: 1, Attempts: 1, Seats: 1, Timeout: span(1e9)}); !errors.Is(err, errNotLoopback) {
			t.Errorf("flash-sale: %v", err)
		}
		if _, err := runBrowse(ctx, browseConfig{Base: "http://example.com", Clients: 1, Duration: span(1e9), MaxRequests: 1}); !errors.Is(err, errNotLoopback) {
			t.Errorf("browse: %v", err)
		}
		if _, err := runMail(ctx, mailConfig{DatabaseURL: "postgres://postgres@10.0.0.1/roster", Messages: 1, Batch: 1, Workers: 1, Timeout: span(1e9)}); !errors.Is(err, errNotLoopback) {
			t.Errorf("mail: %v", err)
		}
	})
	t.Run("the dialer refuses what a name or redirect resolves to off the machine", func(t *testing.T) {
		for _, addr := range []string{"10.0.0.1:80", "192.168.1.10:443", "[2001:db8::1]:80"} {
			conn, err := newDialer().DialContext(context.Background(), "tcp", addr)
			if err == nil {
				conn.Close()
			}
			if !errors.Is(err, errNotLoopback) {
				t.Errorf("%s: err = %v, want errNotLoopback", addr, err)
			}
		}
	})
}

func TestDatabaseGuard(t *testing.T) {
	tests := []struct {
		dsn string
		ok  bool
	}{
		{"roster.db", true},
		{"file:/tmp/x.db?_pragma=busy_timeout(5000)", true},
		{"postgres://postgres@127.0.0.1:5432/load?sslmode=disable", true},
		{"postgres://postgres@localhost/load", true},
		{"postgres:///load?host=/var/run/postgresql", true},
		{"postgres://db.example.com/load", false},
		{"postgresql://10.1.2.3:5432/load", false},
		{"postgres://127.0.0.1/load?host=db.example.com", false},
	}
	for _, tt := range tests {
		err := checkDatabaseURL(tt.dsn)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok %v", tt.dsn, err, tt.ok)
		}
	}
}
