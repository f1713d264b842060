package payments

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/roster-app/roster/fault"
)

// FuzzParseWebhookSignature complements FuzzParseWebhook, which signs every
// payload correctly: here the Stripe-Signature header is fuzzed too. Bad
// input is refused with fault.Invalid and nothing else, and an event is
// accepted only if the header carries a v1 signature that a fresh,
// independent check confirms: an HMAC-SHA256 with the webhook secret of
// "<t>.<payload>" for a t= in the header within the tolerance of now. So a
// signature reused with another payload, an old signature with a fresh t=
// appended or put first, or a mangled header never passes.
func FuzzParseWebhookSignature(f *testing.F) {
	good := stripeEventJSON("evt_1", EventCheckoutCompleted, stripe.APIVersion, sessionJSON("CCL-7KQ2M9", "pi_3Pxyz", "complete", "paid"))
	fresh := webhookNow.Add(-30 * time.Second)
	stale := webhookNow.Add(-time.Hour)
	freshHeader := sign(good, testWebhookSecret, fresh)
	staleHeader := sign(good, testWebhookSecret, stale)
	for _, seed := range []struct {
		payload []byte
		header  string
	}{
		{good, freshHeader},
		{good, staleHeader},
		{good, staleHeader + fmt.Sprintf(",t=%d", fresh.Unix())},
		{good, fmt.Sprintf("t=%d,", fresh.Unix()) + staleHeader},
		{good, strings.Replace(freshHeader, "v1=", "v0=", 1)},
		{good, freshHeader + ",v1=" + strings.Repeat("0", 64)},
		{good, strings.ToUpper(freshHeader)},
		{good, " " + strings.ReplaceAll(freshHeader, ",", " , ")},
		{good, fmt.Sprintf("t=%d,v1=", fresh.Unix())},
		{good, "t=,v1=,t=,v1="},
		{good, fmt.Sprintf("t=%d.5,v1=abc", fresh.Unix())},
		{good, fmt.Sprintf("t=-%d,v1=abc", fresh.Unix())},
		{good, "t=99999999999999999999999,v1=abc"},
		{[]byte(strings.Replace(string(good), "9800", "98", 1)), freshHeader},
		{append(append([]byte{}, good...), ' '), freshHeader},
		{[]byte{}, sign([]byte{}, testWebhookSecret, fresh)},
		{[]byte("\xff\xfe"), sign([]byte("\xff\xfe"), testWebhookSecret, fresh)},
		{good, sign(good, "whsec_other", fresh)},
		{good, ""},
	} {
		f.Add(seed.payload, seed.header)
	}
	s := &Stripe{webhookSecret: testWebhookSecret}
	f.Fuzz(func(t *testing.T, payload []byte, header string) {
		e, err := s.ParseWebhook(payload, header, webhookNow)
		if err != nil {
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("error %v is not %s", err, fault.Invalid)
			}
			return
		}
		if !verifies(payload, header, testWebhookSecret, webhookNow) {
			t.Fatalf("accepted a webhook whose signature does not verify: header %q", header)
		}
		if e.ID == "" || e.Type == "" {
			t.Fatalf("accepted an event without id or type: %+v", e)
		}
	})
}

// verifies is the reference check of a Stripe-Signature header, written
// from Stripe's documentation rather than from stripe-go: some t= value
// within WebhookTolerance of now for which some v1= value is the hex
// HMAC-SHA256 of "<t>.<payload>" under secret.
func verifies(payload []byte, header, secret string, now time.Time) bool {
	var stamps, signatures []string
	for _, pair := range strings.Split(header, ",") {
		key, value, ok := strings.Cut(pair, "=")
		switch {
		case !ok:
		case key == "t":
			stamps = append(stamps, value)
		case key == "v1":
			signatures = append(signatures, value)
		}
	}
	for _, stamp := range stamps {
		seconds, err := strconv.ParseInt(stamp, 10, 64)
		if err != nil {
			continue
		}
		if skew := now.Sub(time.Unix(seconds, 0)); skew > WebhookTolerance || skew < -WebhookTolerance {
			continue
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(stamp + "."))
		mac.Write(payload)
		want := hex.EncodeToString(mac.Sum(nil))
		for _, sig := range signatures {
			if hmac.Equal([]byte(sig), []byte(want)) {
				return true
			}
		}
	}
	return false
}
