// Package money formats amounts held as integer minor units of an ISO 4217
// currency, so a price reads the same on the page and in the email.
package money

import (
	"fmt"
	"strings"

	"golang.org/x/text/currency"
)

// symbols are written before an amount; other currencies get their ISO code.
var symbols = map[string]string{
	"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥", "INR": "₹", "AUD": "A$", "CAD": "CA$", "NZD": "NZ$", "CHF": "CHF ",
}

// Format writes an amount in minor units of an ISO 4217 currency with the
// currency's own number of decimals: 4900 GBP is "£49.00", 500 JPY is
// "¥500", 123456 EUR is "€1,234.56". An unknown code is written as it is.
func Format(minor int64, code string) string {
	unit, err := currency.ParseISO(code)
	if err != nil {
		return fmt.Sprintf("%d %s", minor, code)
	}
	scale, _ := currency.Standard.Rounding(unit)
	symbol, ok := symbols[code]
	if !ok {
		symbol = code + " "
	}
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	if scale == 0 {
		return sign + symbol + groupThousands(fmt.Sprint(minor))
	}
	div := int64(1)
	for range scale {
		div *= 10
	}
	return fmt.Sprintf("%s%s%s.%0*d", sign, symbol, groupThousands(fmt.Sprint(minor/div)), scale, minor%div)
}

func groupThousands(digits string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Decimals is the number of minor-unit digits of an ISO 4217 currency: 2
// for GBP, 0 for JPY, 3 for KWD; 2 for an unknown code.
func Decimals(code string) int {
	unit, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(unit)
	return scale
}

// ParseMajor reads an amount typed by a person in major units ("12.50",
// "12", "12.5") as minor units of the currency (1250 for GBP). It returns
// false for anything else: a sign, more decimals than the currency has,
// thousands separators, or an amount too large to hold.
func ParseMajor(text, code string) (int64, bool) {
	decimals := Decimals(code)
	whole, frac, hasPoint := strings.Cut(strings.TrimSpace(text), ".")
	if whole == "" || len(whole) > 12 || len(frac) > decimals || hasPoint && frac == "" || !digitsOnly(whole) || !digitsOnly(frac) {
		return 0, false
	}
	var minor int64
	for _, r := range whole + frac + strings.Repeat("0", decimals-len(frac)) {
		minor = minor*10 + int64(r-'0')
	}
	return minor, true
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
