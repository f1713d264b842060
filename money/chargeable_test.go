package money

import "testing"

func TestChargeable(t *testing.T) {
	for _, tc := range []struct {
		code string
		ok   bool
	}{
		{"GBP", true}, {"USD", true}, {"EUR", true}, {"JPY", true}, {"KWD", true},
		{"XXX", false}, {"XAU", false}, {"XAG", false}, {"CLF", false}, {"XDR", false},
		{"gbp", false}, {"", false}, {"GB", false}, {"ZZZ", false},
	} {
		t.Run(tc.code, func(t *testing.T) {
			if got := Chargeable(tc.code) == nil; got != tc.ok {
				t.Errorf("Chargeable(%q) ok = %v, want %v", tc.code, got, tc.ok)
			}
		})
	}
}
