package notify_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

const manageURL = "https://roster.example/bookings/CCL-7KQ2M9?t=secret-token"

// storedRow is what the notifier tests read back from the outbox.
type storedRow struct {
	DedupeKey string `db:"dedupe_key"`
	To        string `db:"to_addr"`
	Kind      string `db:"kind"`
	Method    string `db:"ics_method"`
}

func storedRows(t *testing.T, db *sqldb.DB) []storedRow {
	t.Helper()
	var rows []storedRow
	if err := db.Select(&rows, `SELECT dedupe_key, to_addr, kind, ics_method FROM outbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return rows
}

func newNotifier(t *testing.T, c *clock) *notify.BookingNotifier {
	t.Helper()
	n, err := notify.NewBookingNotifier(testConfig, c.Now, discard())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func notifyAll(t *testing.T, db *sqldb.DB, n *notify.BookingNotifier, notices ...booking.Notice) error {
	t.Helper()
	return db.InTx(context.Background(), func(tx *sqlx.Tx) error {
		for _, notice := range notices {
			if err := n.Notify(context.Background(), tx, notice); err != nil {
				return err
			}
		}
		return nil
	})
}

// deliverToMailbox sends everything due and returns what arrived, oldest
// first.
func deliverToMailbox(t *testing.T, db *sqldb.DB, c *clock) []notify.DevMessage {
	t.Helper()
	box := notify.NewDevMailbox(1000, discard(), c.Now)
	if _, err := newDeliverer(t, db, box, c).RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := box.Messages()
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
	return msgs
}

func TestBookingNotifier(t *testing.T) {
	e, s := lab()
	quiet, _ := lab()
	quiet.Hosts = append([]events.Host(nil), quiet.Hosts...)
	quiet.Hosts[0].NotifyBookings = false
	later := s
	later.ID, later.StartsAt, later.EndsAt = 11, s.StartsAt.AddDate(0, 0, 7), s.EndsAt.AddDate(0, 0, 7)
	offerExpires := time.Date(2027, 9, 17, 17, 0, 0, 0, time.UTC)
	refunded := adaBooking()
	refunded.Status, refunded.RefundedCents, refunded.Sequence = booking.Refunded, 4900, 1
	moved := adaBooking()
	moved.SessionID, moved.Sequence = later.ID, 1

	tests := []notifierCase{
		{
			name:    "confirmation to the attendee with an invite",
			notice:  booking.Notice{Kind: booking.NoticeConfirmed, Booking: adaBooking(), Event: e, Session: s, ManageURL: manageURL},
			rows:    []storedRow{{"booking:CCL-7KQ2M9:confirmation", "ada@example.com", "confirmation", "REQUEST"}},
			subject: "Booked: Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text: []string{"Wednesday 22 September 2027, 18:00–20:00 BST", "Online", "https://meet.example.com/ccl",
				"£49.00", "CCL-7KQ2M9", manageURL, "calendar.google.com", "outlook.live.com"},
			textOnly: []string{"Seats:    1", "Paid:     £49.00"},
			ics: []string{"METHOD:REQUEST", "UID:booking-CCL-7KQ2M9@roster.example", "SEQUENCE:0", "STATUS:CONFIRMED",
				"ORGANIZER;CN=James Downer:mailto:james@example.com", "DTSTART:20270922T170000Z"},
		},
		{
			name:     "cancellation with its refund cancels the invite",
			notice:   booking.Notice{Kind: booking.NoticeCancelled, Booking: refunded, Event: e, Session: s, ManageURL: manageURL},
			rows:     []storedRow{{"booking:CCL-7KQ2M9:cancellation", "ada@example.com", "cancellation", "CANCEL"}},
			subject:  "Cancelled: Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text:     []string{"is cancelled", "£49.00", "https://roster.example/events/career-clarity-lab"},
			textOnly: []string{"refunded £49.00"},
			ics:      []string{"METHOD:CANCEL", "UID:booking-CCL-7KQ2M9@roster.example", "SEQUENCE:2", "STATUS:CANCELLED"},
		},
		{
			name: "moved: an updated invite with the same UID",
			notice: booking.Notice{Kind: booking.NoticeMoved, Booking: moved, Event: e, Session: later, Previous: &s,
				ManageURL: manageURL},
			rows:    []storedRow{{"booking:CCL-7KQ2M9:moved:1", "ada@example.com", "moved", "REQUEST"}},
			subject: "Moved: Career Clarity Lab, now Wed 29 Sep 2027, 18:00 BST",
			text:    []string{"from Wednesday 22 September 2027, 18:00–20:00 BST", "Wednesday 29 September 2027, 18:00–20:00 BST", manageURL},
			ics:     []string{"METHOD:REQUEST", "UID:booking-CCL-7KQ2M9@roster.example", "SEQUENCE:1", "DTSTART:20270929T170000Z"},
		},
		{
			name: "waitlist offer to the person waiting",
			notice: booking.Notice{Kind: booking.NoticeWaitlistOffer, Event: e, Session: s,
				Offer: &booking.WaitlistEntry{ID: 7, SessionID: s.ID, Name: "Grace Hopper", Email: "grace@example.com", Seats: 2,
					Status: booking.Offered, OfferExpiresAt: &offerExpires},
				ClaimURL: "https://roster.example/waitlist/7/claim?t=offer-token"},
			rows:     []storedRow{{"waitlist:7:offer:1821200400", "grace@example.com", "waitlist_offer", ""}},
			subject:  "A place opened up: Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text:     []string{"Grace Hopper", "2 places", "Friday 17 September 2027, 18:00 BST", "https://roster.example/waitlist/7/claim?t=offer-token"},
			noInvite: true,
		},
		{
			name:     "a late payment's refund",
			notice:   booking.Notice{Kind: booking.NoticeLatePaymentRefund, Booking: adaBooking(), Event: e, Session: s},
			rows:     []storedRow{{"booking:CCL-7KQ2M9:late_payment_refund", "ada@example.com", "late_payment_refund", ""}},
			subject:  "Refunded: Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text:     []string{"£49.00", "in full", "CCL-7KQ2M9"},
			textOnly: []string{"refunded £49.00 in full"},
			noInvite: true,
		},
		{
			name:     "an expired hold",
			notice:   booking.Notice{Kind: booking.NoticeHoldExpired, Booking: adaBooking(), Event: e, Session: s},
			rows:     []storedRow{{"booking:CCL-7KQ2M9:hold_expired", "ada@example.com", "hold_expired", ""}},
			subject:  "Your reservation expired: Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text:     []string{"has expired", "No money was taken", "https://roster.example/events/career-clarity-lab"},
			noInvite: true,
		},
		{
			name:   "a new booking, to each host",
			notice: booking.Notice{Kind: booking.NoticeCoachNewBooking, Booking: adaBooking(), Event: e, Session: s, ManageURL: manageURL},
			rows: []storedRow{
				{"booking:CCL-7KQ2M9:coach_new_booking:james@example.com", "james@example.com", "coach_new_booking", ""},
				{"booking:CCL-7KQ2M9:coach_new_booking:parveen@example.com", "parveen@example.com", "coach_new_booking", ""},
			},
			subject:  "New booking: Ada Lovelace, Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text:     []string{"Ada Lovelace", "ada@example.com", "1 seat", "£49.00", "CCL-7KQ2M9"},
			notText:  []string{"secret-token"},
			noInvite: true,
		},
		{
			name:   "a host who turned booking emails off gets none",
			notice: booking.Notice{Kind: booking.NoticeCoachNewBooking, Booking: adaBooking(), Event: quiet, Session: s},
			rows: []storedRow{
				{"booking:CCL-7KQ2M9:coach_new_booking:parveen@example.com", "parveen@example.com", "coach_new_booking", ""},
			},
			subject:  "New booking: Ada Lovelace, Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text:     []string{"Ada Lovelace"},
			noInvite: true,
		},
		{
			name:   "a cancellation, to each host",
			notice: booking.Notice{Kind: booking.NoticeCoachCancellation, Booking: refunded, Event: e, Session: s, ManageURL: manageURL},
			rows: []storedRow{
				{"booking:CCL-7KQ2M9:coach_cancellation:james@example.com", "james@example.com", "coach_cancellation", ""},
				{"booking:CCL-7KQ2M9:coach_cancellation:parveen@example.com", "parveen@example.com", "coach_cancellation", ""},
			},
			subject:  "Cancelled: Ada Lovelace, Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST",
			text:     []string{"Ada Lovelace", "cancelled 1 seat", "£49.00"},
			notText:  []string{"secret-token"},
			noInvite: true,
		},
	}
	runNotifierCases(t, tests)
}

// notifierCase is a notice and what the notifier must make of it.
type notifierCase struct {
	name     string
	notice   booking.Notice
	rows     []storedRow
	subject  string
	text     []string // in the text body and, escaped, in the HTML body
	textOnly []string // in the text body
	notText  []string
	ics      []string // in the invite
	noInvite bool
}

// runNotifierCases notifies each case's notice twice (a retried request
// adds nothing) and checks what is stored and delivered.
func runNotifierCases(t *testing.T, tests []notifierCase) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := sqldbtest.MustOpenDB(t)
			c := newClock(start)
			n := newNotifier(t, c)
			// Twice: a notice raised again (a retried request) adds nothing.
			if err := notifyAll(t, db, n, tt.notice, tt.notice); err != nil {
				t.Fatal(err)
			}
			if got := storedRows(t, db); !equalRows(got, tt.rows) {
				t.Fatalf("stored %+v, want %+v", got, tt.rows)
			}
			msgs := deliverToMailbox(t, db, c)
			for _, m := range msgs {
				if m.Subject != tt.subject {
					t.Errorf("subject %q, want %q", m.Subject, tt.subject)
				}
				for _, want := range tt.text {
					if !strings.Contains(m.Text, want) {
						t.Errorf("text lacks %q:\n%s", want, m.Text)
					}
					if !strings.Contains(m.HTML, htmlEscape(want)) {
						t.Errorf("HTML lacks %q", htmlEscape(want))
					}
				}
				for _, want := range tt.textOnly {
					if !strings.Contains(m.Text, want) {
						t.Errorf("text lacks %q:\n%s", want, m.Text)
					}
				}
				for _, unwanted := range tt.notText {
					if strings.Contains(m.Text, unwanted) || strings.Contains(m.HTML, unwanted) {
						t.Errorf("message holds %q", unwanted)
					}
				}
				if tt.noInvite != (m.ICS == "") {
					t.Errorf("invite present: %v, want %v", m.ICS != "", !tt.noInvite)
				}
				for _, want := range tt.ics {
					if !strings.Contains(m.ICS, want+"\r\n") {
						t.Errorf("invite lacks %q:\n%s", want, m.ICS)
					}
				}
			}
		})
	}
}

func equalRows(a, b []storedRow) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func TestBookingNotifierSafety(t *testing.T) {
	ctx := context.Background()

	t.Run("user text is escaped in HTML", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		e, s := lab()
		e.Title = `<script>alert("x")</script> & Co`
		e.Location = `<img src=x onerror=alert(1)>`
		b := adaBooking()
		b.Name = `Ada <b>Lovelace</b>`
		notice := booking.Notice{Kind: booking.NoticeConfirmed, Booking: b, Event: e, Session: s, ManageURL: manageURL}
		coach := booking.Notice{Kind: booking.NoticeCoachNewBooking, Booking: b, Event: e, Session: s}
		if err := notifyAll(t, db, newNotifier(t, c), notice, coach); err != nil {
			t.Fatal(err)
		}
		for _, m := range deliverToMailbox(t, db, c) {
			for _, raw := range []string{"<script>", "<img", "<b>Lovelace"} {
				if strings.Contains(m.HTML, raw) {
					t.Errorf("%s HTML holds %q unescaped", m.Kind, raw)
				}
			}
			if !strings.Contains(m.HTML, "&lt;script&gt;") || !strings.Contains(m.Text, `<script>alert("x")</script> & Co`) {
				t.Errorf("%s: the title is not escaped in HTML and plain in text", m.Kind)
			}
		}
	})

	t.Run("a name with a line break cannot add a header", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		e, s := lab()
		b := adaBooking()
		b.Name = "Ada\r\nBcc: eve@example.com"
		notice := booking.Notice{Kind: booking.NoticeConfirmed, Booking: b, Event: e, Session: s, ManageURL: manageURL}
		if err := notifyAll(t, db, newNotifier(t, c), notice); err != nil {
			t.Fatal(err)
		}
		server := startSMTP(t, "127.0.0.1:0", nil, false)
		if _, err := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c).RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		received := server.received()
		if len(received) != 1 || len(received[0].To) != 1 || received[0].To[0] != "ada@example.com" {
			t.Fatalf("received %+v, want one message to ada@example.com alone", received)
		}
		header, _ := parseMessage(t, received[0].Data)
		if header.Get("Bcc") != "" || bytes.Contains(received[0].Data, []byte("\r\nBcc:")) {
			t.Errorf("the name added a Bcc header:\n%s", received[0].Data)
		}
	})

	t.Run("a rolled back change leaves no message", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		e, s := lab()
		notice := booking.Notice{Kind: booking.NoticeConfirmed, Booking: adaBooking(), Event: e, Session: s, ManageURL: manageURL}
		n := newNotifier(t, c)
		err := db.InTx(ctx, func(tx *sqlx.Tx) error {
			if err := n.Notify(ctx, tx, notice); err != nil {
				return err
			}
			return context.Canceled // the booking change failed after notifying
		})
		if err != context.Canceled {
			t.Fatalf("got %v", err)
		}
		if rows := storedRows(t, db); len(rows) != 0 {
			t.Errorf("stored %+v after a rollback", rows)
		}
	})

	t.Run("moving twice sends two updates", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		e, s := lab()
		b := adaBooking()
		b.Sequence = 1
		first := booking.Notice{Kind: booking.NoticeMoved, Booking: b, Event: e, Session: s, ManageURL: manageURL}
		b.Sequence = 2
		second := booking.Notice{Kind: booking.NoticeMoved, Booking: b, Event: e, Session: s, ManageURL: manageURL}
		if err := notifyAll(t, db, newNotifier(t, c), first, second); err != nil {
			t.Fatal(err)
		}
		if rows := storedRows(t, db); len(rows) != 2 || rows[1].DedupeKey != "booking:CCL-7KQ2M9:moved:2" {
			t.Errorf("stored %+v, want moved:1 and moved:2", rows)
		}
	})

	t.Run("bad notices are errors", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		e, s := lab()
		n := newNotifier(t, c)
		for _, notice := range []booking.Notice{
			{Kind: "party_invitation", Booking: adaBooking(), Event: e, Session: s},
			{Kind: booking.NoticeWaitlistOffer, Event: e, Session: s},
		} {
			if err := notifyAll(t, db, n, notice); err == nil {
				t.Errorf("Notify(%s) succeeded", notice.Kind)
			}
		}
	})

	t.Run("an event without hosts organizes its invite as the sender", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		e, s := lab()
		e.Hosts = nil
		notice := booking.Notice{Kind: booking.NoticeConfirmed, Booking: adaBooking(), Event: e, Session: s, ManageURL: manageURL}
		coach := booking.Notice{Kind: booking.NoticeCoachNewBooking, Booking: adaBooking(), Event: e, Session: s}
		if err := notifyAll(t, db, newNotifier(t, c), notice, coach); err != nil {
			t.Fatal(err)
		}
		msgs := deliverToMailbox(t, db, c)
		if len(msgs) != 1 || !strings.Contains(msgs[0].ICS, "ORGANIZER;CN=Roster:mailto:no-reply@roster.example") {
			t.Errorf("got %d messages, want 1 with the sender as organizer", len(msgs))
		}
	})
}

func TestCoachMessage(t *testing.T) {
	ctx := context.Background()
	e, s := lab()
	message := notify.CoachMessage{
		ID: "msg-1", Event: e, Session: s, From: events.Host{Email: "James@Example.com", Name: "James Downer"},
		Subject: "Bring a notebook",
		Body:    "Hello all,\nplease bring a notebook.\n\nSee you <soon> & well.",
		Recipients: []notify.Recipient{
			{Name: "Ada Lovelace", Email: "ada@example.com", BookingRef: "CCL-7KQ2M9", ManageURL: manageURL},
			{Name: "Grace Hopper", Email: "Grace@Example.com", BookingRef: "CCL-AAAAAA"},
		},
	}

	t.Run("one copy per attendee, replies to the coach, sent once", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		n := newNotifier(t, c)
		for i, want := range []int{2, 0} {
			var added int
			err := db.InTx(ctx, func(tx *sqlx.Tx) error {
				var err error
				added, err = n.EnqueueCoachMessage(ctx, tx, message)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if added != want || len(storedRows(t, db)) != 2 {
				t.Fatalf("enqueue %d: added %d, stored %d; want %d, 2", i+1, added, len(storedRows(t, db)), want)
			}
		}
		server := startSMTP(t, "127.0.0.1:0", nil, false)
		if _, err := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c).RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		received := server.received()
		if len(received) != 2 {
			t.Fatalf("received %d, want 2", len(received))
		}
		header, parts := parseMessage(t, received[0].Data)
		if got := header.Get("Reply-To"); got != "<james@example.com>" {
			t.Errorf("Reply-To %q, want <james@example.com>", got)
		}
		html, _ := findPart(parts, "text/html")
		if !strings.Contains(string(html.Body), "Hello all,<br>please bring a notebook.") ||
			!strings.Contains(string(html.Body), "See you &lt;soon&gt; &amp; well.") {
			t.Errorf("HTML body does not keep the message's lines, escaped:\n%s", html.Body)
		}
	})

	t.Run("a message without subject or body is invalid", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		n := newNotifier(t, newClock(start))
		bad := message
		bad.Subject, bad.Body = " ", ""
		err := db.InTx(ctx, func(tx *sqlx.Tx) error {
			_, err := n.EnqueueCoachMessage(ctx, tx, bad)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "subject") || !strings.Contains(err.Error(), "body") {
			t.Errorf("got %v, want a validation error naming subject and body", err)
		}
	})
}
