package dashboard

import (
	"testing"
	"time"
)

func TestHistoryWords(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	w := historyWords{coachID: 3, zone: london, dates: map[int64]string{5: "22 Sep 2027, 18:00"}, hosts: map[int64]string{4: "Parveen Downer"}}
	tests := []struct {
		name, reason, want string
	}{
		{"a card payment", "payment received", "Paid by card"},
		{"a refund made, with the provider's id hidden", "refund 7 of 9800 GBP made (offline_re_3f9a)", "Refund of £98.00 sent"},
		{"a refund queued by the coach looking", "refund 7 of 4900 GBP queued: cancelled by coach 3", "Refund of £49.00 queued (cancelled by you)"},
		{"a refund the provider reports", "refund of 4900 recorded at the provider", "The payment provider reports £49.00 refunded in all"},
		{"a co-host's cancellation names them", "cancelled by coach 4", "Cancelled by Parveen Downer"},
		{"a coach no longer hosting", "cancelled by coach 9", "Cancelled by a co-host"},
		{"the attendee's cancellation", "cancelled by attendee", "Cancelled by the attendee"},
		{"a move names the date it left", "moved by coach 3 from session 5", "Moved by you from 22 Sep 2027, 18:00"},
		{"a reschedule in the event's zone", "rescheduled by attendee from 2027-07-01T17:00:00Z", "Rescheduled by the attendee from 1 Jul 2027, 18:00"},
		{"an expired checkout", "checkout.session.expired", "The checkout closed without payment"},
		{"a check-in", "checked in by coach 3", "Checked in by you"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.say(tt.reason, "GBP"); got != tt.want {
				t.Errorf("say(%q) = %q, want %q", tt.reason, got, tt.want)
			}
		})
	}
}

func TestPaymentLogWords(t *testing.T) {
	tests := []struct {
		name, eventType, outcome, wantWhat, wantResult string
	}{
		{"a paid checkout", "checkout.session.completed", "confirmed", "Paid by card", "Booking confirmed"},
		{"a checkout left unpaid", "checkout.session.expired", "hold released", "Checkout closed without payment", "Seats released"},
		{"a refund at the provider", "charge.refunded", "refunded 9800", "Refund confirmed by the payment provider", "Recorded: £98.00 refunded in all"},
		{"a duplicate", "checkout.session.completed", "duplicate: already applied", "Paid by card", "Already handled (the provider sent it again)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := paymentEventWords(tt.eventType); got != tt.wantWhat {
				t.Errorf("paymentEventWords(%q) = %q, want %q", tt.eventType, got, tt.wantWhat)
			}
			if got := outcomeWords(tt.outcome, "GBP"); got != tt.wantResult {
				t.Errorf("outcomeWords(%q) = %q, want %q", tt.outcome, got, tt.wantResult)
			}
		})
	}
}
