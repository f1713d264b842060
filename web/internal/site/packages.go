package site

import "github.com/roster-app/roster/booking"

// PackagesSold counts the purchases that were sold and paid for: not
// grants, and not checkouts still unpaid or abandoned.
func PackagesSold(sales []booking.PackageSale) int {
	n := 0
	for _, p := range sales {
		if p.Source == booking.SourceSale && p.Status != booking.PurchasePending && p.Status != booking.PurchaseAbandoned {
			n++
		}
	}
	return n
}
