package web

import (
	"fmt"
	"strings"

	"golang.org/x/text/currency"
)

var currencySymbols = map[string]string{
	"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥", "INR": "₹", "AUD": "A$", "CAD": "CA$", "NZD": "NZ$", "CHF": "CHF ",
}

// FormatMoney formats an amount in minor units for its ISO 4217 currency:
// 4900 GBP is "£49.00", 500 JPY is "¥500". A zero amount is "Free".
func FormatMoney(cents int64, code string) string {
	if cents == 0 {
		return "Free"
	}
	unit, err := currency.ParseISO(code)
	if err != nil {
		return fmt.Sprintf("%d %s", cents, code)
	}
	scale, _ := currency.Standard.Rounding(unit)
	symbol, ok := currencySymbols[code]
	if !ok {
		symbol = code + " "
	}
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	if scale == 0 {
		return sign + symbol + groupThousands(fmt.Sprint(cents))
	}
	div := int64(1)
	for range scale {
		div *= 10
	}
	return fmt.Sprintf("%s%s%s.%0*d", sign, symbol, groupThousands(fmt.Sprint(cents/div)), scale, cents%div)
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
