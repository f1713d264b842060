package faulttest

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roster-app/roster/sqldb"
)

// TestSMTPOutage books free seats while the mail server is first gone
// (connections refused) and then refusing every message (451 try again
// later). Bookings go on; the mail waits in the outbox; once the server
// accepts, every message arrives, each exactly once by Message-ID, and
// every booking's confirmation reaches its attendee once.
func TestSMTPOutage(t *testing.T) {
	t.Parallel()
	mail := startMail(t, "", "")
	mail.down()
	dbURL := filepath.Join(t.TempDir(), "roster.db")
	settings := map[string]string{"DATABASE_URL": dbURL, "SMTP_URL": mail.url()}
	env := rosterEnv(settings)
	token := addCoach(t, env)
	srv := startServer(t, settings)
	// The title tries to add a recipient to every email about the event.
	ev := createTitledEvent(t, srv, token, "smtp-outage", "SMTP Outage\r\nBcc: victim@example.com", 0, 50)
	db := openDB(t, dbURL)

	attendees := map[string]string{} // ref → email
	bookSome := func(phase string, n int) []string {
		var refs []string
		for i := range n {
			email := fmt.Sprintf("%s%d@example.com", phase, i)
			r, b := book(srv, ev, "Attendee "+phase, email, 1)
			if r.Status != http.StatusCreated || b.Status != "confirmed" {
				t.Fatalf("booking while the mail server is %s: %s", phase, r)
			}
			attendees[b.Ref] = email
			refs = append(refs, b.Ref)
		}
		return refs
	}
	tried := func(refs []string) func() (bool, string) {
		return func() (bool, string) {
			for _, row := range outboxOf(t, db, refs) {
				if row.Attempts == 0 || row.Status != "pending" || row.LastError == "" {
					return false, fmt.Sprintf("message %d (%s) is %s after %d attempts", row.ID, row.Kind, row.Status, row.Attempts)
				}
			}
			return true, ""
		}
	}

	down := bookSome("down", 3)
	eventually(t, 20*time.Second, "a failed attempt at every message while the server is down", tried(down))

	mail.up()
	mail.setRefuse(true)
	refusing := bookSome("refusing", 3)
	eventually(t, 20*time.Second, "a refused attempt at every new message", tried(refusing))
	if n := len(mail.messages()); n != 0 || mail.refusals() == 0 {
		t.Fatalf("the refusing server accepted %d messages and refused %d", n, mail.refusals())
	}
	for _, row := range outboxOf(t, db, append(down, refusing...)) {
		t.Logf("message %d (%s) waits after %d attempts: %.120s", row.ID, row.Kind, row.Attempts, row.LastError)
	}

	mail.setRefuse(false)
	accepting := bookSome("accepting", 2)
	all := append(append(down, refusing...), accepting...)
	// The first retry comes 7.5 to 15 seconds after the first failure,
	// the second 15 to 30 seconds after that.
	eventually(t, 90*time.Second, "every message to be delivered", func() (bool, string) {
		counts := mail.byMessageID()
		for _, row := range outboxOf(t, db, all) {
			if row.Status != "sent" || counts[row.messageID()] == 0 {
				return false, fmt.Sprintf("message %d (%s) is %s after %d attempts", row.ID, row.Kind, row.Status, row.Attempts)
			}
		}
		return true, ""
	})

	rows := outboxOf(t, db, all)
	counts := mail.byMessageID()
	for _, row := range rows {
		if n := counts[row.messageID()]; n != 1 {
			t.Errorf("message %d (%s) delivered %d times, want once", row.ID, row.Kind, n)
		}
	}
	if len(counts) != len(rows) {
		t.Errorf("the server received %d distinct messages, the outbox holds %d", len(counts), len(rows))
	}
	confirmations := map[string]int{}
	for _, msg := range mail.messages() {
		if msg.Kind == "confirmation" {
			confirmations[msg.To]++
		}
	}
	for ref, email := range attendees {
		if confirmations[email] != 1 {
			t.Errorf("booking %s: %d confirmations reached %s, want 1", ref, confirmations[email], email)
		}
	}
	// No header or recipient comes from the title.
	allowed := map[string]bool{"james@example.com": true}
	for _, email := range attendees {
		allowed[email] = true
	}
	for _, msg := range mail.messages() {
		for _, rcpt := range msg.Rcpt {
			if !allowed[rcpt] {
				t.Errorf("message %s went to %s", msg.MessageID, rcpt)
			}
		}
		for _, name := range []string{"Bcc", "Cc"} {
			if v := msg.Header.Get(name); v != "" {
				t.Errorf("message %s has a %s header: %q", msg.MessageID, name, v)
			}
		}
		if subject := msg.Header.Get("Subject"); msg.Kind == "confirmation" && !strings.Contains(subject, "Bcc: victim") {
			t.Errorf("confirmation subject %q does not carry the title: the check above proves nothing", subject)
		}
	}
	t.Logf("%d bookings, %d messages delivered once each after the outage", len(attendees), len(rows))
	check(t, env, "after the SMTP outage")
}

// mailRow is an outbox row as the SMTP test reads it.
type mailRow struct {
	outboxRow
	LastError string `db:"last_error"`
}

// outboxOf returns the outbox rows about the given bookings.
func outboxOf(t *testing.T, db *sqldb.DB, refs []string) []mailRow {
	t.Helper()
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(refs)), ", ")
	args := make([]any, len(refs))
	for i, ref := range refs {
		args[i] = ref
	}
	var rows []mailRow
	err := db.SelectContext(context.Background(), &rows, db.Rebind(`SELECT id, kind, booking_ref, message_token, status, attempts, last_error
		FROM outbox WHERE booking_ref IN (`+marks+`) ORDER BY id`), args...)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	if len(rows) == 0 {
		t.Fatalf("no outbox rows for %v", refs)
	}
	return rows
}
