package secret_test

import (
	"testing"

	"github.com/roster-app/roster/secret"
)

func TestRandomString(t *testing.T) {
	t.Run("n bytes make 4n/3 URL-safe characters", func(t *testing.T) {
		got := secret.RandomString(24)
		if len(got) != 32 {
			t.Errorf("len = %d, want 32", len(got))
		}
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				t.Fatalf("%q is not URL-safe", got)
			}
		}
	})
	t.Run("two calls differ", func(t *testing.T) {
		if a, b := secret.RandomString(16), secret.RandomString(16); a == b {
			t.Errorf("two random strings are both %q", a)
		}
	})
}

func TestHashAndEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"the same token", secret.Hash("rst_api_x"), secret.Hash("rst_api_x"), true},
		{"another token", secret.Hash("rst_api_x"), secret.Hash("rst_api_y"), false},
		{"a prefix", secret.Hash("rst_api_x"), secret.Hash("rst_api_x")[:10], false},
		{"empty against empty", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := secret.Equal(tt.a, tt.b); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("a hash is 64 hex digits", func(t *testing.T) {
		if h := secret.Hash("token"); len(h) != 64 {
			t.Errorf("len(Hash) = %d, want 64", len(h))
		}
	})
}
