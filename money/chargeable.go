package money

import (
	"fmt"
	"strings"
)

// stripeCurrencies are the ISO 4217 codes Stripe accepts as presentment
// currencies for card payments (Stripe's docs, "Supported currencies",
// docs.stripe.com/currencies). Codes that ISO lists but no card can be
// charged in — XXX (no currency), XAU and XAG (gold, silver), CLF and
// other units of account, withdrawn codes — are deliberately absent.
var stripeCurrencies = strings.Fields(`
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL
BSD BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CVE CZK DJF DKK DOP DZD EGP ETB EUR
FJD FKP GBP GEL GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR ISK JMD JOD JPY
KES KGS KHR KMF KRW KWD KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP
MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
QAR RON RSD RUB RWF SAR SBD SCR SEK SGD SHP SLE SOS SRD STD SZL THB TJS TND TOP
TRY TTD TWD TZS UAH UGX USD UYU UZS VND VUV WST XAF XCD XOF XPF YER ZAR ZMW`)

var chargeable = func() map[string]bool {
	m := make(map[string]bool, len(stripeCurrencies))
	for _, code := range stripeCurrencies {
		m[code] = true
	}
	return m
}()

// Chargeable reports whether code (an upper-case ISO 4217 code such as
// "GBP") is a currency a card payment can be taken in. It returns an error
// naming the code for anything else: unknown codes, lower-case input, and
// ISO codes that are not money one can pay with (XXX, XAU, CLF…).
func Chargeable(code string) error {
	if !chargeable[code] {
		return fmt.Errorf("money: %q is not a currency card payments can be taken in", code)
	}
	return nil
}
