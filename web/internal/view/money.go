package view

import "github.com/roster-app/roster/money"

// FormatMoney formats a price for a page: "£49.00", or "Free" for nothing.
func FormatMoney(cents int64, code string) string {
	if cents == 0 {
		return "Free"
	}
	return money.Format(cents, code)
}
