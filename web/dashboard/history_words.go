package dashboard

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/roster-app/roster/payments"
	"github.com/roster-app/roster/web/internal/view"
)

// The booking history and the payments log store reasons and outcomes as
// booking writes them, which name ids, minor units and provider event
// types. The dashboard tells the same things in a coach's words: "Refund
// of £98.00 sent", "Paid by card", with dates in the event's zone. Old rows
// read the same as new ones, since nothing stored is rewritten.

// historyWords is what a booking's history needs to say its reasons in
// words: who is looking, and the event's dates and zone.
type historyWords struct {
	coachID int64
	zone    *time.Location
	// dates names the event's dates by session id ("Wed 22 Sep, 18:00").
	dates map[int64]string
	// hosts names the event's hosts by coach id.
	hosts map[int64]string
}

var (
	refundMadeRE     = regexp.MustCompile(`^refund \d+ of (\d+) ([A-Z]{3}) made \(.*\)$`)
	refundQueuedRE   = regexp.MustCompile(`^refund \d+ of (\d+) ([A-Z]{3}) queued: (.*)$`)
	refundRecordedRE = regexp.MustCompile(`^refund of (\d+) recorded at the provider$`)
	byCoachRE        = regexp.MustCompile(` by coach (\d+)`)
	fromSessionRE    = regexp.MustCompile(` from session (\d+)$`)
	fromInstantRE    = regexp.MustCompile(` from (\d{4}-\d\d-\d\dT\S+)$`)
	claimedOfferRE   = regexp.MustCompile(`^claimed waitlist offer \d+$`)
)

// reasonsInWords are the fixed reasons booking records, said for coaches.
var reasonsInWords = map[string]string{
	"booked":                          "Booked",
	"appointment booked":              "Appointment booked",
	"payment received":                "Paid by card",
	"late payment: seat retaken":      "Paid by card after the hold ended; a seat was still free",
	"hold expired":                    "The hold ended before payment; the seats were released",
	"cancelled by attendee":           "Cancelled by the attendee",
	"moved by attendee":               "Moved by the attendee",
	payments.EventCheckoutExpired:     "The checkout closed without payment",
	payments.EventCheckoutAsyncFailed: "The payment failed",
}

// say turns one stored reason into a sentence for the coach, for a
// booking in currency (the currency of its amounts without one).
func (w historyWords) say(reason, currency string) string {
	if words, ok := reasonsInWords[reason]; ok {
		return words
	}
	if m := refundMadeRE.FindStringSubmatch(reason); m != nil {
		return "Refund of " + w.money(m[1], m[2]) + " sent"
	}
	if m := refundQueuedRE.FindStringSubmatch(reason); m != nil {
		// A refund by hand says "refund by coach 3": "queued (by you)".
		return "Refund of " + w.money(m[1], m[2]) + " queued (" + strings.TrimPrefix(w.who(m[3]), "refund ") + ")"
	}
	if m := refundRecordedRE.FindStringSubmatch(reason); m != nil {
		return "The payment provider reports " + w.money(m[1], currency) + " refunded in all"
	}
	if claimedOfferRE.MatchString(reason) {
		return "Booked from the waitlist"
	}
	if after, ok := strings.CutPrefix(reason, "changed by the coach: "); ok {
		return "Changed by a host (" + after + "); the attendee was sent an updated invite"
	}
	if after, ok := strings.CutPrefix(reason, "payment arrived for a date that is "); ok {
		return "A payment arrived for a date that is " + after
	}
	if after, ok := strings.CutPrefix(reason, "late payment, "); ok {
		return "Late payment, refunded: " + after
	}
	said := w.who(reason)
	if m := fromSessionRE.FindStringSubmatch(said); m != nil {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		from, ok := w.dates[id]
		if !ok {
			from = "another date"
		}
		said = strings.TrimSuffix(said, m[0]) + " from " + from
	}
	if m := fromInstantRE.FindStringSubmatch(said); m != nil {
		if at, err := time.Parse(time.RFC3339, m[1]); err == nil {
			said = strings.TrimSuffix(said, m[0]) + " from " + shortTime(at, w.zone)
		}
	}
	return capitalise(said)
}

// who replaces "by coach 12" with "by you", the co-host's name or "by a
// co-host", and "by attendee" with "by the attendee".
func (w historyWords) who(reason string) string {
	reason = byCoachRE.ReplaceAllStringFunc(reason, func(m string) string {
		id, _ := strconv.ParseInt(byCoachRE.FindStringSubmatch(m)[1], 10, 64)
		if id == w.coachID {
			return " by you"
		}
		if name, ok := w.hosts[id]; ok {
			return " by " + name
		}
		return " by a co-host"
	})
	return strings.ReplaceAll(reason, " by attendee", " by the attendee")
}

func (w historyWords) money(minor, currency string) string {
	cents, err := strconv.ParseInt(minor, 10, 64)
	if err != nil || currency == "" {
		return minor
	}
	return view.FormatMoney(cents, currency)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// paymentEventWords says what a payment event is, for the payments log.
func paymentEventWords(eventType string) string {
	switch eventType {
	case payments.EventCheckoutCompleted:
		return "Paid by card"
	case payments.EventCheckoutAsyncSucceeded:
		return "A delayed payment cleared"
	case payments.EventCheckoutAsyncFailed:
		return "A delayed payment failed"
	case payments.EventCheckoutExpired:
		return "Checkout closed without payment"
	case payments.EventChargeRefunded:
		return "Refund confirmed by the payment provider"
	}
	return "Other news from the payment provider"
}

// outcomeWords says what Roster did about a payment event.
func outcomeWords(outcome, currency string) string {
	switch {
	case outcome == "confirmed":
		return "Booking confirmed"
	case outcome == "confirmed late: seat retaken":
		return "Booking confirmed: the payment came after the hold ended, and a seat was still free"
	case outcome == "hold released":
		return "Seats released"
	case outcome == "hold released; attendee told the payment failed":
		return "Seats released; the attendee was told the payment failed"
	case outcome == "duplicate: already applied":
		return "Already handled (the provider sent it again)"
	case outcome == "waiting: payment not yet settled":
		return "Waiting for the payment to clear"
	case strings.HasPrefix(outcome, "refunding late payment: "):
		return "Refunding the payment: " + strings.TrimPrefix(outcome, "refunding late payment: ")
	case strings.HasPrefix(outcome, "refunding: "):
		return "Refunding the payment: " + strings.TrimPrefix(outcome, "refunding: ")
	case strings.HasPrefix(outcome, "refunded "):
		minor := strings.TrimPrefix(outcome, "refunded ")
		if cents, err := strconv.ParseInt(minor, 10, 64); err == nil && currency != "" {
			return fmt.Sprintf("Recorded: %s refunded in all", view.FormatMoney(cents, currency))
		}
		return "Refund recorded"
	case strings.HasPrefix(outcome, "ignored: "):
		return "Nothing to do (" + strings.TrimPrefix(outcome, "ignored: ") + ")"
	}
	return capitalise(outcome)
}
