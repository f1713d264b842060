package notify_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	mail "github.com/wneessen/go-mail"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb"
	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// notifyConfirmation enqueues Ada's confirmation through a BookingNotifier.
func notifyConfirmation(t *testing.T, db *sqldb.DB, c *clock) {
	t.Helper()
	notifier, err := notify.NewBookingNotifier(testConfig, c.Now, discard())
	if err != nil {
		t.Fatal(err)
	}
	e, s := lab()
	notice := booking.Notice{Kind: booking.NoticeConfirmed, Booking: adaBooking(), Event: e, Session: s,
		ManageURL: "https://roster.example/bookings/CCL-7KQ2M9?t=secret-token"}
	if err := db.InTx(context.Background(), func(tx *sqlx.Tx) error {
		return notifier.Notify(context.Background(), tx, notice)
	}); err != nil {
		t.Fatal(err)
	}
}

func TestDeliverOverSMTP(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	c := newClock(start)
	server := startSMTP(t, "127.0.0.1:0", nil, false)
	notifyConfirmation(t, db, c)
	c.Advance(time.Minute) // the Date header is when the message was made, not sent

	sent, err := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c).RunOnce(ctx)
	if err != nil || sent != 1 {
		t.Fatalf("RunOnce: sent %d, err %v; want 1, nil", sent, err)
	}
	received := server.received()
	if len(received) != 1 {
		t.Fatalf("server received %d messages, want 1", len(received))
	}
	envelope := received[0]
	if envelope.From != "no-reply@roster.example" || strings.Join(envelope.To, ",") != "ada@example.com" {
		t.Errorf("envelope: from %q to %v; want no-reply@roster.example to ada@example.com", envelope.From, envelope.To)
	}
	header, parts := parseMessage(t, envelope.Data)

	t.Run("headers", func(t *testing.T) {
		from, err := netmail.ParseAddress(header.Get("From"))
		if err != nil || from.Name != "Roster" || from.Address != "no-reply@roster.example" {
			t.Errorf("From: %q (%v)", header.Get("From"), err)
		}
		to, err := netmail.ParseAddress(header.Get("To"))
		if err != nil || to.Name != "Ada Lovelace" || to.Address != "ada@example.com" {
			t.Errorf("To: %q (%v)", header.Get("To"), err)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(header.Get("Subject"))
		if want := "Booked: Career Clarity Lab, Wed 22 Sep 2027, 18:00 BST"; err != nil || subject != want {
			t.Errorf("Subject: got %q (%v), want %q", subject, err, want)
		}
		id := header.Get("Message-ID")
		if !strings.HasPrefix(id, "<outbox-") || !strings.HasSuffix(id, "@roster.example>") {
			t.Errorf("Message-ID %q is not <outbox-…@roster.example>", id)
		}
		date, err := header.Date()
		if err != nil || !date.Equal(start) {
			t.Errorf("Date: got %v (%v), want %v, when the message was made", date, err, start)
		}
		if got := header.Get("Auto-Submitted"); got != "auto-generated" {
			t.Errorf("Auto-Submitted: got %q, want auto-generated", got)
		}
		if got := header.Get("X-Roster-Kind"); got != "confirmation" {
			t.Errorf("X-Roster-Kind: got %q, want confirmation", got)
		}
		if got := header.Get("User-Agent") + header.Get("X-Mailer"); got != "" {
			t.Errorf("the message names its mailer: %q", got)
		}
	})

	t.Run("MIME structure", func(t *testing.T) {
		var got []string
		for _, p := range parts {
			got = append(got, p.Path+" > "+p.MediaType)
		}
		want := []string{
			"multipart/mixed > multipart/alternative > text/plain",
			"multipart/mixed > multipart/alternative > text/html",
			"multipart/mixed > multipart/alternative > text/calendar",
			"multipart/mixed > application/ics",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("parts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		calendarPart, _ := findPart(parts, "text/calendar")
		if calendarPart.Params["method"] != "REQUEST" || !strings.EqualFold(calendarPart.Params["charset"], "utf-8") {
			t.Errorf("calendar part parameters %v, want method=REQUEST and charset=utf-8", calendarPart.Params)
		}
		attachment, _ := findPart(parts, "application/ics")
		if attachment.Disposition != "attachment" || attachment.Filename != "invite.ics" {
			t.Errorf("attachment: disposition %q, filename %q; want attachment, invite.ics", attachment.Disposition, attachment.Filename)
		}
		if !bytes.Equal(attachment.Body, calendarPart.Body) {
			t.Error("the attached invite.ics differs from the calendar part")
		}
	})

	t.Run("the invite", func(t *testing.T) {
		calendarPart, _ := findPart(parts, "text/calendar")
		ics := string(calendarPart.Body)
		for _, want := range []string{
			"METHOD:REQUEST\r\n",
			"UID:booking-CCL-7KQ2M9@roster.example\r\n",
			"SEQUENCE:0\r\n",
			"DTSTART:20270922T170000Z\r\n",
			"DTEND:20270922T190000Z\r\n",
			"ORGANIZER;CN=James Downer:mailto:james@example.com\r\n",
			"mailto:ada@example.com",
		} {
			if !strings.Contains(ics, want) {
				t.Errorf("invite lacks %q:\n%s", want, ics)
			}
		}
		unfolded := strings.ReplaceAll(ics, "\r\n ", "")
		if !strings.Contains(unfolded, "https://meet.example.com/ccl") {
			t.Error("invite description lacks the join link")
		}
		// A calendar file reaches the calendar provider and whoever
		// sees the calendar: the manage link must not go with it.
		if strings.Contains(unfolded, "secret-token") {
			t.Errorf("the invite holds the manage token:\n%s", unfolded)
		}
	})

	t.Run("the add-to-calendar links carry no manage token", func(t *testing.T) {
		text, _ := findPart(parts, "text/plain")
		for _, line := range strings.Fields(string(text.Body)) {
			if (strings.Contains(line, "calendar.google.com") || strings.Contains(line, "outlook.")) && strings.Contains(line, "secret-token") {
				t.Errorf("a third-party calendar link holds the manage token: %s", line)
			}
		}
	})

	t.Run("the bodies", func(t *testing.T) {
		text, _ := findPart(parts, "text/plain")
		html, _ := findPart(parts, "text/html")
		for _, want := range []string{
			"Wednesday 22 September 2027, 18:00–20:00 BST", "Online", "https://meet.example.com/ccl", "£49.00",
			"CCL-7KQ2M9", "https://roster.example/bookings/CCL-7KQ2M9?t=secret-token",
			"https://calendar.google.com/calendar/render?", "https://outlook.live.com/calendar/",
		} {
			if !strings.Contains(string(text.Body), want) {
				t.Errorf("text body lacks %q:\n%s", want, text.Body)
			}
			if !strings.Contains(string(html.Body), strings.ReplaceAll(want, "&", "&amp;")) {
				t.Errorf("HTML body lacks %q", want)
			}
		}
	})

	t.Run("the message is marked sent", func(t *testing.T) {
		entries, err := notify.NewOutbox(db, c.Now).List(ctx, notify.Filter{BookingRef: "CCL-7KQ2M9"})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 {
			t.Fatalf("got %d entries, want 1", len(entries))
		}
		e := entries[0]
		if e.Status != notify.Sent || e.SentAt == nil || !e.SentAt.Equal(c.Now()) || e.Attempts != 1 {
			t.Errorf("status %s, sent_at %v, attempts %d; want sent at %v after 1 attempt", e.Status, e.SentAt, e.Attempts, c.Now())
		}
		if sent, err := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c).RunOnce(ctx); sent != 0 || err != nil {
			t.Errorf("a second run sent %d (%v), want nothing", sent, err)
		}
	})
}

func TestDeliverThroughAnOutage(t *testing.T) {
	ctx := context.Background()

	check := func(t *testing.T, db *sqldb.DB, server *smtpServer, n int) {
		t.Helper()
		counts := server.countByMessageID(t)
		if len(counts) != n {
			t.Errorf("server has %d distinct messages, want %d", len(counts), n)
		}
		for id, count := range counts {
			if count != 1 {
				t.Errorf("message %s arrived %d times", id, count)
			}
		}
		if got := statuses(t, db); got[notify.Sent] != n || len(got) != 1 {
			t.Errorf("statuses %v, want %d sent", got, n)
		}
	}

	t.Run("the server refuses, then takes everything once", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		server := startSMTP(t, "127.0.0.1:0", nil, false)
		server.setRefuse(errTryLater)
		enqueueN(t, db, 10, start)
		d := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c)

		sent, err := d.RunOnce(ctx)
		if sent != 0 || err == nil {
			t.Errorf("RunOnce during the outage: sent %d, err %v; want 0 and an error", sent, err)
		}
		entries, _ := notify.NewOutbox(db, c.Now).List(ctx, notify.Filter{})
		for _, e := range entries {
			wait := e.SendAfter.Sub(c.Now())
			if e.Status != notify.Pending || e.Attempts != 1 || wait <= 0 || wait > 30*time.Second ||
				!strings.Contains(e.LastError, "451") {
				t.Errorf("message %d: status %s, attempts %d, retry in %v, last error %q; want pending, 1, within 30s, a 451",
					e.ID, e.Status, e.Attempts, wait, e.LastError)
			}
		}
		if sent, err := d.RunOnce(ctx); sent != 0 || err != nil {
			t.Errorf("RunOnce before any retry is due: sent %d, err %v; want 0, nil", sent, err)
		}

		server.setRefuse(nil)
		c.Advance(30 * time.Second)
		if sent, err := d.RunOnce(ctx); sent != 10 || err != nil {
			t.Errorf("RunOnce once the server is back: sent %d, err %v; want 10, nil", sent, err)
		}
		check(t, db, server, 10)
	})

	t.Run("the server is down, then back", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		// Reserve a port and leave it closed: connecting is refused.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		enqueueN(t, db, 30, start)
		d := newDeliverer(t, db, smtpSender(t, "smtp://"+addr, nil), c)
		d.BatchSize = 8

		for range 3 { // three polls during the outage
			if sent, err := d.RunOnce(ctx); sent != 0 || err == nil {
				t.Errorf("RunOnce during the outage: sent %d, err %v; want 0 and an error", sent, err)
			}
			c.Advance(5 * time.Second)
		}
		if got := statuses(t, db); got[notify.Pending] != 30 {
			t.Fatalf("statuses %v, want all 30 pending", got)
		}

		server := startSMTP(t, addr, nil, false)
		c.Advance(notify.MaxRetryDelay)
		if sent, err := d.RunOnce(ctx); sent != 30 || err != nil {
			t.Errorf("RunOnce once the server is back: sent %d, err %v; want 30, nil", sent, err)
		}
		check(t, db, server, 30)
	})

	t.Run("a refused message does not hold up the others", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		server := startSMTP(t, "127.0.0.1:0", nil, false)
		enqueueN(t, db, 5, start)
		d := newDeliverer(t, db, &refusingSender{next: smtpSender(t, server.url("smtp"), nil), refuse: "person2@example.com"}, c)
		if sent, err := d.RunOnce(ctx); sent != 4 || err != nil {
			t.Errorf("RunOnce: sent %d, err %v; want 4, nil", sent, err)
		}
		if got := statuses(t, db); got[notify.Sent] != 4 || got[notify.Pending] != 1 {
			t.Errorf("statuses %v, want 4 sent and 1 pending", got)
		}
	})
}

// refusingSender drops the message to one address with an error, as a
// server refusing one recipient does, and sends the rest.
type refusingSender struct {
	next   notify.Sender
	refuse string
}

func (s *refusingSender) Send(ctx context.Context, msgs []*mail.Msg) error {
	var rest []*mail.Msg
	for _, m := range msgs {
		if !strings.Contains(m.GetToString()[0], "<"+s.refuse+">") {
			rest = append(rest, m)
		}
	}
	if err := s.next.Send(ctx, rest); err != nil {
		return err
	}
	return errors.New("550 no such user: " + s.refuse)
}

func TestDeliverFailsAfterMaxAttempts(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	c := newClock(start)
	server := startSMTP(t, "127.0.0.1:0", nil, false)
	server.setRefuse(errTryLater)
	enqueueN(t, db, 1, start)
	d := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c)

	outbox := notify.NewOutbox(db, c.Now)
	for attempt := 1; attempt <= notify.MaxAttempts; attempt++ {
		d.RunOnce(ctx)
		entries, _ := outbox.List(ctx, notify.Filter{})
		e := entries[0]
		wantStatus := notify.Pending
		if attempt == notify.MaxAttempts {
			wantStatus = notify.Failed
		}
		if e.Attempts != attempt || e.Status != wantStatus {
			t.Fatalf("after attempt %d: attempts %d, status %s; want %d, %s", attempt, e.Attempts, e.Status, attempt, wantStatus)
		}
		if wantStatus == notify.Pending {
			if wait := e.SendAfter.Sub(c.Now()); wait > notify.MaxRetryDelay {
				t.Errorf("after attempt %d: retry in %v, more than the cap", attempt, wait)
			}
			c.Set(e.SendAfter)
		}
	}
	c.Advance(24 * time.Hour)
	server.setRefuse(nil)
	if sent, _ := d.RunOnce(ctx); sent != 0 {
		t.Errorf("a failed message was sent again without a retry")
	}
	entries, _ := outbox.List(ctx, notify.Filter{Status: notify.Failed})
	if len(entries) != 1 || !strings.Contains(entries[0].LastError, "try again later") {
		t.Errorf("failed entries %+v, want one with the server's last error", entries)
	}
}

func TestDeliverLease(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(t)
	c := newClock(start)
	server := startSMTP(t, "127.0.0.1:0", nil, false)
	enqueueN(t, db, 1, start)

	// A worker claimed the message and died before marking it.
	leaseUntil := start.Add(notify.LeaseDuration)
	if _, err := db.Writer().Exec(db.Rebind(`UPDATE outbox SET status = 'sending', attempts = 1, lease_until = ?`), leaseUntil); err != nil {
		t.Fatal(err)
	}
	d := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c)

	c.Set(leaseUntil.Add(-time.Second))
	if sent, err := d.RunOnce(ctx); sent != 0 || err != nil {
		t.Errorf("while the lease holds: sent %d, err %v; want 0, nil", sent, err)
	}
	c.Set(leaseUntil)
	if sent, err := d.RunOnce(ctx); sent != 1 || err != nil {
		t.Errorf("once the lease has run out: sent %d, err %v; want 1, nil", sent, err)
	}
	entries, _ := notify.NewOutbox(db, c.Now).List(ctx, notify.Filter{})
	if e := entries[0]; e.Status != notify.Sent || e.Attempts != 2 {
		t.Errorf("status %s after %d attempts, want sent after 2", e.Status, e.Attempts)
	}
}

func TestTwoDeliverers(t *testing.T) {
	const n = 200
	ctx := context.Background()
	db, url := sqldbtest.MustOpenURL(t)
	other, err := sqldb.Open(ctx, url) // a second process's pool
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	c := newClock(start)
	server := startSMTP(t, "127.0.0.1:0", nil, false)
	enqueueN(t, db, n, start)

	sender := smtpSender(t, server.url("smtp"), nil)
	workers := []*notify.Deliverer{newDeliverer(t, db, sender, c), newDeliverer(t, other, sender, c)}
	sentBy := make([]int, len(workers))
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i, d := range workers {
		d.BatchSize = 5
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-release
			for { // until the outbox is drained
				sent, err := d.RunOnce(ctx)
				sentBy[i] += sent
				if err != nil {
					t.Errorf("worker %d: %v", i, err)
					return
				}
				if sent == 0 {
					return
				}
			}
		}()
	}
	close(release)
	wg.Wait()

	counts := server.countByMessageID(t)
	if len(counts) != n {
		t.Errorf("server has %d distinct messages, want %d", len(counts), n)
	}
	for id, count := range counts {
		if count != 1 {
			t.Errorf("message %s sent %d times", id, count)
		}
	}
	if got := sentBy[0] + sentBy[1]; got != n {
		t.Errorf("workers report %d sent (%v), want %d", got, sentBy, n)
	}
	if got := statuses(t, db); got[notify.Sent] != n {
		t.Errorf("statuses %v, want %d sent", got, n)
	}
	t.Logf("worker shares: %v", sentBy)
}

func TestRun(t *testing.T) {
	t.Run("a nudge sends at once; the end of ctx stops it", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		server := startSMTP(t, "127.0.0.1:0", nil, false)
		d := newDeliverer(t, db, smtpSender(t, server.url("smtp"), nil), c)
		d.PollInterval = time.Hour // only the nudge can wake it in time
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			d.Run(ctx)
		}()
		enqueueN(t, db, 3, start)
		d.Nudge()
		waitFor(t, "three messages at the server", func() bool { return len(server.received()) == 3 })
		cancel()
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return after its context ended")
		}
	})

	t.Run("stopping mid-batch finishes the message in flight and hands back the rest", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		server := startSMTP(t, "127.0.0.1:0", nil, false)
		enqueueN(t, db, 5, start)
		ctx, cancel := context.WithCancel(context.Background())
		// The sender's first message cancels the worker's context, as a
		// SIGTERM arriving during that message would.
		sender := &cancellingSender{next: smtpSender(t, server.url("smtp"), nil), cancel: cancel}
		d := newDeliverer(t, db, sender, c)
		sent, err := d.RunOnce(ctx)
		if sent != 1 || !errors.Is(err, context.Canceled) {
			t.Errorf("RunOnce: sent %d, err %v; want 1, context.Canceled", sent, err)
		}
		if got := len(server.received()); got != 1 {
			t.Errorf("server received %d messages, want 1", got)
		}
		entries, _ := notify.NewOutbox(db, c.Now).List(context.Background(), notify.Filter{Status: notify.Pending})
		if len(entries) != 4 {
			t.Fatalf("%d messages pending, want 4", len(entries))
		}
		for _, e := range entries {
			if e.Attempts != 0 || e.SendAfter.After(c.Now()) {
				t.Errorf("message %d handed back with %d attempts, due %v; want 0 attempts, due now", e.ID, e.Attempts, e.SendAfter)
			}
		}
	})
}

// cancellingSender sends the first message, cancels, and then lets the
// real sender see the ended context for the rest.
type cancellingSender struct {
	next   notify.Sender
	cancel context.CancelFunc
}

func (s *cancellingSender) Send(ctx context.Context, msgs []*mail.Msg) error {
	first := s.next.Send(ctx, msgs[:1])
	s.cancel()
	if len(msgs) == 1 {
		return first
	}
	return errors.Join(first, s.next.Send(ctx, msgs[1:]))
}

func TestSMTPSender(t *testing.T) {
	ctx := context.Background()
	serverTLS, clientTLS := selfSignedTLS(t)

	tests := []struct {
		name   string
		server func(t *testing.T) *smtpServer
		url    func(s *smtpServer) string
	}{
		{"plain, no auth", func(t *testing.T) *smtpServer {
			return startSMTP(t, "127.0.0.1:0", nil, false)
		}, func(s *smtpServer) string { return s.url("smtp") }},
		{"auth with the URL's user and password", func(t *testing.T) *smtpServer {
			return startSMTP(t, "127.0.0.1:0", nil, false, withAuth("roster", "p@ss:word"))
		}, func(s *smtpServer) string { return "smtp://roster:p%40ss%3Aword@" + s.addr }},
		{"STARTTLS when the server offers it", func(t *testing.T) *smtpServer {
			return startSMTP(t, "127.0.0.1:0", serverTLS, false, withAuth("roster", "secret"))
		}, func(s *smtpServer) string { return s.url("smtp") }},
		{"smtps: TLS from the first byte", func(t *testing.T) *smtpServer {
			return startSMTP(t, "127.0.0.1:0", serverTLS, true, withAuth("roster", "secret"))
		}, func(s *smtpServer) string { return s.url("smtps") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := sqldbtest.MustOpenDB(t)
			c := newClock(start)
			server := tt.server(t)
			enqueueN(t, db, 3, start)
			d := newDeliverer(t, db, smtpSender(t, tt.url(server), clientTLS), c)
			if sent, err := d.RunOnce(ctx); sent != 3 || err != nil {
				t.Fatalf("RunOnce: sent %d, err %v; want 3, nil", sent, err)
			}
			if got := len(server.received()); got != 3 {
				t.Errorf("server received %d messages, want 3", got)
			}
		})
	}

	t.Run("a wrong password sends nothing and retries", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		server := startSMTP(t, "127.0.0.1:0", nil, false, withAuth("roster", "secret"))
		enqueueN(t, db, 2, start)
		d := newDeliverer(t, db, smtpSender(t, "smtp://roster:wrong@"+server.addr, nil), c)
		if sent, err := d.RunOnce(ctx); sent != 0 || err == nil {
			t.Errorf("RunOnce: sent %d, err %v; want 0 and an error", sent, err)
		}
		if got := statuses(t, db); got[notify.Pending] != 2 {
			t.Errorf("statuses %v, want 2 pending", got)
		}
	})

	t.Run("the URL is checked and its password kept out of String", func(t *testing.T) {
		for _, bad := range []string{"http://mail.example.com", "smtp://", "smtp://mail.example.com:0", "smtp://mail.example.com:x"} {
			if _, err := notify.NewSMTPSender(bad, nil); err == nil {
				t.Errorf("NewSMTPSender(%q) succeeded", bad)
			}
		}
		s := smtpSender(t, "smtps://user:hunter2@mail.example.com", nil)
		if strings.Contains(s.String(), "hunter2") {
			t.Errorf("String() = %q shows the password", s.String())
		}
	})
}

func TestDevMailbox(t *testing.T) {
	ctx := context.Background()

	t.Run("keeps the last messages and logs no body", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		var logs syncBuffer
		box := notify.NewDevMailbox(2, slog.New(slog.NewTextHandler(&logs, nil)), c.Now)
		notifyConfirmation(t, db, c)
		enqueue(t, db, testMessage(1, start), testMessage(2, start))
		if sent, err := newDeliverer(t, db, box, c).RunOnce(ctx); sent != 3 || err != nil {
			t.Fatalf("RunOnce: sent %d, err %v; want 3, nil", sent, err)
		}
		kept := box.Messages()
		if len(kept) != 2 {
			t.Fatalf("kept %d messages, want the last 2", len(kept))
		}
		if kept[0].Subject != "Message 2" || kept[1].Subject != "Message 1" {
			t.Errorf("kept %q and %q, want Message 2 then Message 1", kept[0].Subject, kept[1].Subject)
		}
		if got, ok := box.Message(kept[0].MessageID); !ok || got.Subject != "Message 2" {
			t.Errorf("Message(%q) = %q, %v", kept[0].MessageID, got.Subject, ok)
		}
		for _, want := range []string{"kind=confirmation", "to=", "ada@example.com", "subject=", "Career Clarity Lab"} {
			if !strings.Contains(logs.String(), want) {
				t.Errorf("log lacks %q:\n%s", want, logs.String())
			}
		}
		if strings.Contains(logs.String(), "secret-token") || strings.Contains(logs.String(), "Hello") {
			t.Errorf("log holds a message body:\n%s", logs.String())
		}
	})

	t.Run("shows the parts of a message with an invite", func(t *testing.T) {
		db := sqldbtest.MustOpenDB(t)
		c := newClock(start)
		box := notify.NewDevMailbox(0, discard(), c.Now)
		notifyConfirmation(t, db, c)
		if _, err := newDeliverer(t, db, box, c).RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		m := box.Messages()[0]
		if m.Kind != notify.KindConfirmation || !strings.Contains(m.To, "ada@example.com") ||
			!strings.Contains(m.Text, "secret-token") || !strings.Contains(m.HTML, "<html") ||
			!strings.Contains(m.ICS, "METHOD:REQUEST") || !bytes.Contains(m.Raw, []byte("invite.ics")) {
			t.Errorf("kept message is missing parts: %+v", m)
		}
	})

	t.Run("is safe for concurrent use", func(t *testing.T) {
		box := notify.NewDevMailbox(10, discard(), time.Now)
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range 20 {
					msg := mail.NewMsg()
					msg.Subject(fmt.Sprintf("%d-%d", i, j))
					if err := msg.To("x@example.com"); err != nil {
						t.Error(err)
					}
					msg.SetBodyString(mail.TypeTextPlain, "hi")
					if err := box.Send(ctx, []*mail.Msg{msg}); err != nil {
						t.Error(err)
					}
					box.Messages()
				}
			}()
		}
		wg.Wait()
		if got := len(box.Messages()); got != 10 {
			t.Errorf("kept %d, want 10", got)
		}
	})
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func BenchmarkOutboxDrain(b *testing.B) {
	ctx := context.Background()
	db := sqldbtest.MustOpenDB(b)
	c := newClock(start)
	server := startSMTP(b, "127.0.0.1:0", nil, false)
	d := newDeliverer(b, db, smtpSender(b, server.url("smtp"), nil), c)
	d.BatchSize = 50
	msgs := make([]notify.Message, b.N)
	for i := range msgs {
		msgs[i] = testMessage(i, start)
		msgs[i].DedupeKey = fmt.Sprintf("bench:%d:%d", time.Now().UnixNano(), i)
	}
	enqueue(b, db, msgs...)
	b.ResetTimer()
	sent, err := d.RunOnce(ctx)
	b.StopTimer()
	if err != nil || sent != b.N {
		b.Fatalf("RunOnce: sent %d, err %v; want %d", sent, err, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
