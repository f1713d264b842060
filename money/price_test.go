package money

import (
	"slices"
	"testing"
)

func TestAllocate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		total   int64
		weights []int64
		want    []int64
	}{
		{"in proportion when it divides", 1000, []int64{7800, 2600}, []int64{750, 250}},
		{"a penny left over goes to the largest remainder", 100, []int64{1, 1, 1}, []int64{34, 33, 33}},
		{"ties go to the earlier line", 1, []int64{50, 50}, []int64{1, 0}},
		{"the sum is exact", 999, []int64{3900, 4900, 2500}, []int64{345, 433, 221}},
		{"zero lines get nothing", 10, []int64{0, 5, 5}, []int64{0, 5, 5}},
		{"nothing to allocate", 0, []int64{5, 5}, []int64{0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Allocate(tc.total, tc.weights)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Allocate(%d, %v) = %v, want %v", tc.total, tc.weights, got, tc.want)
			}
			var sum int64
			for _, s := range got {
				sum += s
			}
			if sum != tc.total {
				t.Errorf("shares add up to %d, want %d", sum, tc.total)
			}
		})
	}
}

func TestPrice(t *testing.T) {
	standard := Line{Name: "Standard", UnitCents: 4900, Quantity: 2}
	concession := Line{Name: "Concession", UnitCents: 2500, Quantity: 1}
	for _, tc := range []struct {
		name                                  string
		lines                                 []Line
		d                                     Discount
		tax                                   Tax
		subtotal, discount, net, taxed, gross int64
		lineDiscounts                         []int64
	}{
		{"mixed types, no discount, no tax", []Line{standard, concession}, Discount{}, Tax{},
			12300, 0, 12300, 0, 12300, []int64{0, 0}},
		{"percentage off spread by amount", []Line{standard, concession}, Discount{PercentOff: 20}, Tax{},
			12300, 2460, 9840, 0, 9840, []int64{1960, 500}},
		{"percentage rounds half up", []Line{{UnitCents: 1, Quantity: 5}}, Discount{PercentOff: 10}, Tax{},
			5, 1, 4, 0, 4, []int64{1}},
		{"fixed amount off", []Line{standard, concession}, Discount{AmountOffCents: 1000}, Tax{},
			12300, 1000, 11300, 0, 11300, []int64{797, 203}},
		{"a discount larger than the order makes it free", []Line{concession}, Discount{AmountOffCents: 5000}, Tax{},
			2500, 2500, 0, 0, 0, []int64{2500}},
		{"100 percent off is free", []Line{standard}, Discount{PercentOff: 100}, Tax{RateBasisPoints: 2000},
			9800, 9800, 0, 0, 0, []int64{9800}},
		{"exclusive VAT is added", []Line{standard}, Discount{}, Tax{RateBasisPoints: 2000},
			9800, 0, 9800, 1960, 11760, []int64{0}},
		{"exclusive VAT rounds half up per line", []Line{{UnitCents: 1, Quantity: 3}, {UnitCents: 2, Quantity: 1}}, Discount{}, Tax{RateBasisPoints: 2500},
			5, 0, 5, 2, 7, []int64{0, 0}}, // 0.75→1 and 0.5→1
		{"inclusive VAT is taken out of the price", []Line{{UnitCents: 4900, Quantity: 1}}, Discount{}, Tax{RateBasisPoints: 2000, Inclusive: true},
			4900, 0, 4083, 817, 4900, []int64{0}}, // 4900/1.2 = 4083.33
		{"inclusive VAT on a discounted price", []Line{standard, concession}, Discount{PercentOff: 20}, Tax{RateBasisPoints: 2000, Inclusive: true},
			12300, 2460, 8200, 1640, 9840, []int64{1960, 500}}, // 7840/1.2=6533.3, 2000/1.2=1666.7
		{"inclusive VAT rounding at half a penny", []Line{{UnitCents: 21, Quantity: 1}}, Discount{}, Tax{RateBasisPoints: 500, Inclusive: true},
			21, 0, 20, 1, 21, []int64{0}}, // 21/1.05 = 20
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := Price("GBP", tc.lines, tc.d, tc.tax)
			got := []int64{q.SubtotalCents, q.DiscountCents, q.NetCents, q.TaxCents, q.GrossCents}
			want := []int64{tc.subtotal, tc.discount, tc.net, tc.taxed, tc.gross}
			if !slices.Equal(got, want) {
				t.Errorf("subtotal, discount, net, tax, gross = %v, want %v", got, want)
			}
			var lineDiscounts []int64
			var gross int64
			for _, l := range q.Lines {
				lineDiscounts = append(lineDiscounts, l.DiscountCents)
				gross += l.GrossCents
				if l.NetCents+l.TaxCents != l.GrossCents {
					t.Errorf("line %q: net %d + tax %d != gross %d", l.Name, l.NetCents, l.TaxCents, l.GrossCents)
				}
			}
			if !slices.Equal(lineDiscounts, tc.lineDiscounts) {
				t.Errorf("line discounts = %v, want %v", lineDiscounts, tc.lineDiscounts)
			}
			if gross != q.GrossCents {
				t.Errorf("lines add up to %d, quote says %d", gross, q.GrossCents)
			}
			if q.Free() != (tc.gross == 0) {
				t.Errorf("Free() = %v with gross %d", q.Free(), q.GrossCents)
			}
		})
	}
}

func TestProRata(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		paid, refundOf, total int64
		want                  int64
	}{
		{"the whole booking returns what was paid", 9840, 12300, 12300, 9840},
		{"a part returns its share, rounded down", 9840, 2500, 12300, 2000},
		{"a third of an odd amount rounds down", 100, 1, 3, 33},
		{"nothing paid, nothing back", 0, 12300, 12300, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ProRata(tc.paid, tc.refundOf, tc.total); got != tc.want {
				t.Errorf("ProRata(%d, %d, %d) = %d, want %d", tc.paid, tc.refundOf, tc.total, got, tc.want)
			}
		})
	}
}

func TestParseMajor(t *testing.T) {
	for _, tc := range []struct {
		text, code string
		want       int64
		ok         bool
	}{
		{"12.50", "GBP", 1250, true}, {"12.5", "GBP", 1250, true}, {"12", "GBP", 1200, true}, {" 0.01 ", "GBP", 1, true},
		{"500", "JPY", 500, true}, {"1.234", "KWD", 1234, true},
		{"12.505", "GBP", 0, false}, {"5.5", "JPY", 0, false}, {"-1", "GBP", 0, false}, {"1,000", "GBP", 0, false},
		{"", "GBP", 0, false}, {"12.", "GBP", 0, false}, {".5", "GBP", 0, false}, {"£12", "GBP", 0, false},
	} {
		t.Run(tc.code+" "+tc.text, func(t *testing.T) {
			got, ok := ParseMajor(tc.text, tc.code)
			if got != tc.want || ok != tc.ok {
				t.Errorf("ParseMajor(%q, %s) = %d, %v; want %d, %v", tc.text, tc.code, got, ok, tc.want, tc.ok)
			}
		})
	}
}
