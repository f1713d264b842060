package main

import (
	"context"
	"strings"
	"testing"

	"github.com/roster-app/roster/sqldb/sqldbtest"
)

func TestUnsafeDefaults(t *testing.T) {
	t.Run("offline payments refuse a public http base URL", func(t *testing.T) {
		m, _, stderr := newMain(map[string]string{"DATABASE_URL": sqldbtest.URL(t), "ROSTER_BASE_URL": "http://roster.example.com"})
		err := m.Run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"})
		if err == nil || !strings.Contains(err.Error(), "offline payments") {
			t.Fatalf("serve returned %v, want a refusal of offline payments\n%s", err, stderr)
		}
	})
	t.Run("every relaxed default is named at start", func(t *testing.T) {
		m, _, _ := newMain(map[string]string{"DATABASE_URL": sqldbtest.URL(t)})
		var cfg Config
		if err := m.flags("serve", &cfg).Parse(nil); err != nil {
			t.Fatal(err)
		}
		a, err := m.open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		got := strings.Join(a.relaxedDefaults(), "\n")
		for _, want := range []string{"TEST MODE payments", "SMTP_URL unset", "every network interface (:8080)", "/metrics is open"} {
			if !strings.Contains(got, want) {
				t.Errorf("warnings lack %q:\n%s", want, got)
			}
		}
	})
	t.Run("a locked-down configuration has none", func(t *testing.T) {
		m, _, _ := newMain(map[string]string{"DATABASE_URL": sqldbtest.URL(t), "ROSTER_ADDR": "127.0.0.1:8080",
			"SMTP_URL": "smtp://mail.example.com:587", "ROSTER_METRICS_TOKEN": "0123456789abcdef0123",
			"STRIPE_SECRET_KEY": "sk_test_123", "STRIPE_WEBHOOK_SECRET": "whsec_123"})
		var cfg Config
		if err := m.flags("serve", &cfg).Parse(nil); err != nil {
			t.Fatal(err)
		}
		a, err := m.open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if got := a.relaxedDefaults(); len(got) != 0 {
			t.Errorf("warnings %q", got)
		}
	})
}
