package notify_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// TestYourTimeLine reads the confirmation as the attendee's mail client
// does, through SMTP and its MIME parts: their own zone's times stand
// beside the event's when they differ, and nowhere when they do not.
func TestYourTimeLine(t *testing.T) {
	const newYork = "Wednesday 22 September 2027, 13:00–15:00 EDT"
	tests := []struct {
		name     string
		zone     string
		inPerson bool
		want     string // the "Your time" line's value; "" for no line
	}{
		{name: "an online visitor in New York sees both zones", zone: "America/New_York", want: newYork},
		{name: "an in-person visitor from New York sees both zones", zone: "America/New_York", inPerson: true, want: newYork},
		{name: "an in-person visitor in the event's zone sees one", zone: "Europe/London", inPerson: true},
		{name: "an online visitor in the event's zone sees one", zone: "Europe/London"},
		{name: "a visitor whose zone is unknown sees the event's", zone: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			db := sqldbtest.MustOpenDB(t)
			c := newClock(start)
			server := startSMTP(t, "127.0.0.1:0", nil, false)
			notifier, err := notify.NewBookingNotifier(testConfig, c.Now, discard())
			if err != nil {
				t.Fatal(err)
			}
			e, s := lab()
			if tt.inPerson {
				e.Location, e.OnlineURL = "The Old Library, Oxford", ""
			}
			b := adaBooking()
			b.Timezone = tt.zone
			notice := booking.Notice{Kind: booking.NoticeConfirmed, Booking: b, Event: e, Session: s,
				ManageURL: "https://roster.example/bookings/CCL-7KQ2M9?t=secret-token"}
			if err := db.InTx(ctx, func(tx *sqlx.Tx) error { return notifier.Notify(ctx, tx, notice) }); err != nil {
				t.Fatal(err)
			}
			if sent, err := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c).RunOnce(ctx); err != nil || sent != 1 {
				t.Fatalf("RunOnce: sent %d, err %v", sent, err)
			}
			_, parts := parseMessage(t, server.received()[0].Data)
			text, _ := findPart(parts, "text/plain")
			html, _ := findPart(parts, "text/html")
			if !strings.Contains(string(text.Body), "When:     Wednesday 22 September 2027, 18:00–20:00 BST") {
				t.Errorf("the text part lost the event's own time:\n%s", text.Body)
			}
			gotText := strings.Contains(string(text.Body), "Your time:")
			gotHTML := strings.Contains(string(html.Body), "Your time")
			if tt.want == "" {
				if gotText || gotHTML {
					t.Errorf("a needless \"Your time\" line (text %v, html %v):\n%s", gotText, gotHTML, text.Body)
				}
				return
			}
			if !strings.Contains(string(text.Body), "Your time: "+tt.want) {
				t.Errorf("text part has no \"Your time: %s\":\n%s", tt.want, text.Body)
			}
			if !gotHTML || !strings.Contains(string(html.Body), tt.want) {
				t.Errorf("HTML part has no \"Your time\" row with %s", tt.want)
			}
		})
	}
}
