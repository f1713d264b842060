package notify_test

import (
	"context"
	netmail "net/mail"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/coaches"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// Who a message is from and where replies go, read from the MIME headers
// an SMTP server receives: a coach's message is from the coach "via
// Roster" on the site's own address and replies reach the coach; an
// attendee's booking emails reply to the host; a coach's notice of a
// booking replies to the attendee.
func TestSenderAndReplyTo(t *testing.T) {
	ctx := context.Background()
	e, s := lab()
	db := sqldbtest.MustOpenDB(t)
	c := newClock(start)
	n := newNotifier(t, c)
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := n.EnqueueCoachMessage(ctx, tx, notify.CoachMessage{
			ID: "msg-1", Event: e, Session: s, From: events.Host{Email: "James@Example.com", Name: "James Downer"},
			Subject: "Bring a notebook", Body: "Hello all.",
			Recipients: []notify.Recipient{{Name: "Grace Hopper", Email: "grace@example.com", BookingRef: "CCL-AAAAAA"}},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	confirmed := booking.Notice{Kind: booking.NoticeConfirmed, Booking: adaBooking(), Event: e, Session: s, ManageURL: manageURL}
	told := booking.Notice{Kind: booking.NoticeCoachNewBooking, Booking: adaBooking(), Event: e, Session: s}
	if err := notifyAll(t, db, n, confirmed, told); err != nil {
		t.Fatal(err)
	}
	server := startSMTP(t, "127.0.0.1:0", nil, false)
	if _, err := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	site, err := netmail.ParseAddress(testConfig.From)
	if err != nil {
		t.Fatal(err)
	}
	byKind := map[string][]netmail.Header{}
	for _, m := range server.received() {
		header, _ := parseMessage(t, m.Data)
		byKind[header.Get(string(notify.HeaderKind))] = append(byKind[header.Get(string(notify.HeaderKind))], header)
	}
	address := func(t *testing.T, h netmail.Header, name string) *netmail.Address {
		t.Helper()
		a, err := h.AddressList(name)
		if err != nil || len(a) != 1 {
			t.Fatalf("%s: %v %v", name, a, err)
		}
		return a[0]
	}
	tests := []struct {
		name, kind        string
		fromName, replyTo string
		wantCopies        int
	}{
		{"a coach's message is from the coach via Roster and replies to the coach", string(notify.KindCoachMessage), "James Downer via " + site.Name, "james@example.com", 1},
		{"a booking confirmation replies to the host", string(notify.KindConfirmation), site.Name, "james@example.com", 1},
		{"a coach's notice of a booking replies to the attendee", string(booking.NoticeCoachNewBooking), site.Name, "ada@example.com", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := byKind[tt.kind]
			if len(got) != tt.wantCopies {
				t.Fatalf("%d messages of kind %s, want %d (kinds: %v)", len(got), tt.kind, tt.wantCopies, byKind)
			}
			for _, h := range got {
				from := address(t, h, "From")
				if from.Name != tt.fromName || from.Address != site.Address {
					t.Errorf("From %q <%s>, want %q <%s>", from.Name, from.Address, tt.fromName, site.Address)
				}
				if reply := address(t, h, "Reply-To"); reply.Address != tt.replyTo {
					t.Errorf("Reply-To %s, want %s", reply.Address, tt.replyTo)
				}
			}
		})
	}
}

// An invitation is from the inviting coach via Roster, replies to them,
// and carries the one-time link in its body (text and HTML), never in a
// header; a reset link comes from the site.
func TestAccountLinkEmails(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	c := newClock(start)
	n := newNotifier(t, c)
	james := coaches.Coach{ID: 1, Email: "james@example.com", Name: "James Downer"}
	parveen := coaches.Coach{ID: 2, Email: "parveen@example.com", Name: "Parveen Downer"}
	links := []coaches.AccountLink{
		{Token: "rst_invite_" + strings.Repeat("a", 43), Purpose: coaches.PurposeInvite, Coach: parveen, InvitedBy: &james, ExpiresAt: start.Add(coaches.InvitationLinkTTL)},
		{Token: "rst_reset_" + strings.Repeat("b", 43), Purpose: coaches.PurposeReset, Coach: james, ExpiresAt: start.Add(coaches.ResetLinkTTL)},
	}
	err := db.InTx(ctx, func(tx *sqlx.Tx) error {
		for _, link := range links {
			if err := n.AccountLinkEmail(ctx, tx, link); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	server := startSMTP(t, "127.0.0.1:0", nil, false)
	if _, err := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	received := server.received()
	if len(received) != 2 {
		t.Fatalf("received %d, want 2", len(received))
	}
	tests := []struct {
		name, kind, to, fromName, replyTo, link string
	}{
		{"an invitation", string(notify.KindCoachInvitation), "parveen@example.com", "James Downer via Roster", "james@example.com",
			"https://roster.example/dashboard/invitation?t=" + links[0].Token},
		{"a password reset", string(notify.KindPasswordReset), "james@example.com", "Roster", "",
			"https://roster.example/dashboard/reset-password?t=" + links[1].Token},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, m := range received {
				header, parts := parseMessage(t, m.Data)
				if header.Get(string(notify.HeaderKind)) != tt.kind {
					continue
				}
				from, err := header.AddressList("From")
				if err != nil || len(from) != 1 || from[0].Name != tt.fromName {
					t.Errorf("From %v %v, want %q", from, err, tt.fromName)
				}
				if to, _ := header.AddressList("To"); len(to) != 1 || to[0].Address != tt.to {
					t.Errorf("To %v, want %s", to, tt.to)
				}
				reply, _ := header.AddressList("Reply-To")
				if (tt.replyTo == "" && len(reply) != 0) || (tt.replyTo != "" && (len(reply) != 1 || reply[0].Address != tt.replyTo)) {
					t.Errorf("Reply-To %v, want %q", reply, tt.replyTo)
				}
				for _, mediaType := range []string{"text/plain", "text/html"} {
					part, ok := findPart(parts, mediaType)
					if !ok || !strings.Contains(string(part.Body), strings.ReplaceAll(tt.link, "&", "&amp;")) {
						t.Errorf("the %s part lacks the link %s", mediaType, tt.link)
					}
				}
				for key, values := range header {
					for _, v := range values {
						if strings.Contains(v, "rst_") {
							t.Errorf("header %s carries the token", key)
						}
					}
				}
				return
			}
			t.Errorf("no message of kind %s", tt.kind)
		})
	}
}
