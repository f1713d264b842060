package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/sqldb/sqldbtest"
)

// TestTwoReplicas runs two roster serve processes on one PostgreSQL
// database, each with its outbox worker and hold sweeper, and spreads
// flash sales across both with rosterload: no seat is oversold, every
// email reaches the SMTP server exactly once, every expired hold is swept
// exactly once, and roster check finds nothing wrong.
func TestTwoReplicas(t *testing.T) {
	sqldbtest.RequirePostgres(t)
	dsn := sqldbtest.URL(t) // a schema of its own, dropped at the end
	bin := buildBinaries(t, "roster", "rosterload")
	roster, rosterload := bin["roster"], bin["rosterload"]

	run(t, roster, "demo", "--database-url", dsn)
	token := strings.TrimSpace(run(t, roster, "token", "create", "--coach", "james@example.com", "--database-url", dsn))
	sink := startSink(t)
	first := startReplica(t, roster, dsn, sink.addr)
	second := startReplica(t, roster, dsn, sink.addr)

	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	var free, paid saleReport
	t.Run("a free sale across both replicas confirms exactly the capacity", func(t *testing.T) {
		free = flashSale(t, rosterload, token, first, second, "--clients", "16", "--capacity", "40", "--attempts", "120")
		if free.Booked != 40 || free.SoldOut != 80 {
			t.Errorf("booked %d, sold out %d; want 40 and 80", free.Booked, free.SoldOut)
		}
		if len(free.BookedByServer) < 2 {
			t.Logf("every booking went through one replica: %v", free.BookedByServer)
		}
	})
	t.Run("a paid sale across both replicas holds exactly the capacity", func(t *testing.T) {
		paid = flashSale(t, rosterload, token, first, second, "--clients", "16", "--capacity", "12", "--attempts", "48", "--event-price", "4900")
		if paid.BookedByStatus["pending_payment"] != 12 || paid.SoldOut != 36 {
			t.Errorf("held %v, sold out %d; want 12 pending_payment and 36 sold out", paid.BookedByStatus, paid.SoldOut)
		}
	})

	t.Run("both outbox workers together send each email once", func(t *testing.T) {
		// Two per free booking: the attendee's confirmation and the host's notice.
		waitFor(t, 30*time.Second, "the outbox to drain", func() (bool, string) {
			var sent, unsent int
			mustGet(t, db, &sent, `SELECT COUNT(*) FROM outbox WHERE status = 'sent'`)
			mustGet(t, db, &unsent, `SELECT COUNT(*) FROM outbox WHERE status <> 'sent'`)
			return unsent == 0 && sent >= 2*free.Booked, fmt.Sprintf("%d sent, %d not", sent, unsent)
		})
		var stored int
		mustGet(t, db, &stored, `SELECT COUNT(*) FROM outbox`)
		received, perID := sink.messageIDs()
		if received != stored || len(perID) != stored {
			t.Errorf("the SMTP server received %d messages with %d Message-IDs; the outbox holds %d", received, len(perID), stored)
		}
		for id, n := range perID {
			if n != 1 {
				t.Errorf("Message-ID %s arrived %d times", id, n)
			}
		}
	})

	t.Run("both sweepers together release each expired hold once", func(t *testing.T) {
		// The holds last 30 minutes; rather than wait, move their expiry
		// into the past, as the clock would. Both replicas sweep every 10
		// seconds.
		res, err := db.Exec(`UPDATE bookings SET hold_expires_at = now() - interval '1 minute' WHERE status = 'pending_payment'`)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 12 {
			t.Fatalf("%d holds, want 12", n)
		}
		waitFor(t, 30*time.Second, "the sweepers to expire the holds", func() (bool, string) {
			var held int
			mustGet(t, db, &held, `SELECT COUNT(*) FROM bookings WHERE status = 'pending_payment'`)
			return held == 0, fmt.Sprintf("%d holds left", held)
		})
		var swept, twice, seatsTaken int
		mustGet(t, db, &swept, `SELECT COUNT(DISTINCT booking_id) FROM booking_history WHERE reason = 'hold expired'`)
		mustGet(t, db, &twice, `SELECT COUNT(*) FROM (SELECT booking_id FROM booking_history WHERE reason = 'hold expired'
			GROUP BY booking_id HAVING COUNT(*) > 1) AS repeated`)
		mustGet(t, db, &seatsTaken, `SELECT seats_taken FROM sessions s JOIN events e ON e.id = s.event_id WHERE e.slug = $1`, paid.Event.Slug)
		if swept != 12 || twice != 0 || seatsTaken != 0 {
			t.Errorf("%d holds swept, %d of them more than once, %d seats still taken; want 12, 0, 0", swept, twice, seatsTaken)
		}
	})

	t.Run("roster check finds every invariant holding", func(t *testing.T) {
		out := run(t, roster, "check", "--database-url", dsn)
		if !strings.Contains(out, "ok") {
			t.Errorf("roster check: %s", out)
		}
	})
}

// buildBinaries builds the named commands of ./cmd into a temporary
// directory and returns their paths.
func buildBinaries(t *testing.T, names ...string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	out := map[string]string{}
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	for _, name := range names {
		args = append(args, "github.com/roster-app/roster/cmd/"+name)
		out[name] = filepath.Join(dir, name)
	}
	cmd := exec.Command("go", args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	return out
}

// run runs a command to completion and returns its standard output; it
// fails the test if the command fails.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

var listening = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// startReplica starts roster serve on a free loopback port, with its
// workers, no per-address booking limit and mail to smtpAddr, and returns
// its base URL. It is stopped with SIGTERM when the test ends and must
// exit 0.
func startReplica(t *testing.T, roster, dsn, smtpAddr string) string {
	t.Helper()
	cmd := exec.Command(roster, "serve", "--addr", "127.0.0.1:0", "--base-url", "http://127.0.0.1",
		"--database-url", dsn, "--bookings-per-minute", "0", "--holds-per-address", "0", "--smtp-url", "smtp://"+smtpAddr)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	var logMu sync.Mutex
	var logTail []string
	go func() {
		lines := bufio.NewScanner(stderr)
		lines.Buffer(make([]byte, 64<<10), 1<<20)
		for lines.Scan() {
			if m := listening.FindStringSubmatch(lines.Text()); m != nil {
				addr <- m[1]
			}
			logMu.Lock()
			logTail = append(logTail, lines.Text())
			if len(logTail) > 20 {
				logTail = logTail[1:]
			}
			logMu.Unlock()
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("roster serve did not stop cleanly: %v", err)
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Errorf("roster serve did not stop within 30s of SIGTERM")
		}
	})
	select {
	case a := <-addr:
		return "http://" + a
	case err := <-exited:
		logMu.Lock()
		defer logMu.Unlock()
		t.Fatalf("roster serve exited: %v\n%s", err, strings.Join(logTail, "\n"))
	case <-time.After(30 * time.Second):
		t.Fatal("roster serve did not start within 30s")
	}
	return ""
}

// saleReport is what the tests read of rosterload flash-sale's report.
type saleReport struct {
	Event struct {
		Slug string `json:"slug"`
	} `json:"event"`
	Booked         int            `json:"booked"`
	BookedByStatus map[string]int `json:"booked_by_status"`
	BookedByServer map[string]int `json:"booked_by_server"`
	SoldOut        int            `json:"sold_out"`
	Errors         map[string]int `json:"errors"`
	ErrorSamples   []string       `json:"error_samples"`
	Verification   struct {
		Problems []string `json:"problems"`
	} `json:"verification"`
	Verified bool `json:"verified"`
}

// flashSale runs rosterload flash-sale against both replicas and fails the
// test unless the tool verified the seats.
func flashSale(t *testing.T, rosterload, token, base, replica string, args ...string) saleReport {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(rosterload, append([]string{"flash-sale", "--base", base, "--replica", replica, "--timeout", "1m"}, args...)...)
	cmd.Env = append(os.Environ(), "ROSTER_TOKEN="+token)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var report struct {
		Results saleReport `json:"results"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("rosterload: %v (%v)\n%s%s", runErr, err, stdout.String(), stderr.String())
	}
	res := report.Results
	if runErr != nil || !res.Verified || len(res.Errors) > 0 {
		t.Fatalf("rosterload: %v; problems %v; errors %v %v", runErr, res.Verification.Problems, res.Errors, res.ErrorSamples)
	}
	return res
}

// waitFor polls done until it reports true or the time is up.
func waitFor(t *testing.T, limit time.Duration, what string, done func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, state := done()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s: %s", limit, what, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func mustGet(t *testing.T, db *sqlx.DB, dest any, query string, args ...any) {
	t.Helper()
	if err := db.Get(dest, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// sink is an SMTP server on 127.0.0.1 that keeps the Message-ID of every
// message it accepts.
type sink struct {
	addr string

	mu       sync.Mutex
	received int
	perID    map[string]int
}

func startSink(t *testing.T) *sink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{addr: ln.Addr().String(), perID: map[string]int{}}
	server := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return sinkSession{s}, nil }))
	server.Domain = "localhost"
	server.ReadTimeout, server.WriteTimeout = 30*time.Second, 30*time.Second
	server.MaxMessageBytes = 10 << 20
	done := make(chan struct{})
	go func() {
		defer close(done)
		server.Serve(ln)
	}()
	t.Cleanup(func() {
		server.Close()
		<-done
	})
	return s
}

func (s *sink) messageIDs() (int, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	perID := make(map[string]int, len(s.perID))
	for id, n := range s.perID {
		perID[id] = n
	}
	return s.received, perID
}

type sinkSession struct{ sink *sink }

func (sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (sinkSession) Reset()                               {}
func (sinkSession) Logout() error                        { return nil }

func (s sinkSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, msg.Body); err != nil {
		return err
	}
	id := msg.Header.Get("Message-ID")
	s.sink.mu.Lock()
	defer s.sink.mu.Unlock()
	s.sink.received++
	s.sink.perID[id]++
	return nil
}
