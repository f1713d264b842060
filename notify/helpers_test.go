package notify_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	netmail "net/mail"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/booking"
	"github.com/roster-app/roster/events"
	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb"
)

// start is when the tests' clocks begin: three weeks before the Career
// Clarity Lab's first date.
var start = time.Date(2027, 9, 1, 9, 0, 0, 0, time.UTC)

var testConfig = notify.Config{BaseURL: "https://roster.example", From: "Roster <no-reply@roster.example>"}

// clock is a controlled clock, safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// lab returns the Career Clarity Lab and its first date: Wednesday 22
// September 2027, 18:00–20:00 in London (BST, so 17:00–19:00 UTC).
func lab() (events.Event, events.Session) {
	e := events.Event{
		ID: 1, Slug: "career-clarity-lab", Title: "Career Clarity Lab", Timezone: "Europe/London",
		Location: "Online", OnlineURL: "https://meet.example.com/ccl", PriceCents: 4900, Currency: "GBP",
		Status: events.Published, ReminderOffsetsMinutes: events.Minutes{1440, 60},
		Hosts: []events.Host{
			{CoachID: 1, Email: "james@example.com", Name: "James Downer", NotifyBookings: true},
			{CoachID: 2, Email: "Parveen@Example.com", Name: "Parveen Downer", NotifyBookings: true},
		},
	}
	s := events.Session{
		ID: 10, EventID: 1, Capacity: 12, Status: events.Scheduled,
		StartsAt: time.Date(2027, 9, 22, 17, 0, 0, 0, time.UTC),
		EndsAt:   time.Date(2027, 9, 22, 19, 0, 0, 0, time.UTC),
	}
	return e, s
}

func adaBooking() booking.Booking {
	return booking.Booking{
		ID: 100, Ref: "CCL-7KQ2M9", SessionID: 10, EventID: 1, Name: "Ada Lovelace", Email: "ada@example.com",
		Seats: 1, Status: booking.Confirmed, AmountCents: 4900, Currency: "GBP", Sequence: 0,
		CreatedAt: start, UpdatedAt: start,
	}
}

// testMessage is a plain message with a unique key.
func testMessage(i int, now time.Time) notify.Message {
	return notify.Message{
		DedupeKey: fmt.Sprintf("test:%d", i), Kind: notify.KindCoachMessage, BookingRef: fmt.Sprintf("REF-%d", i%7),
		To: fmt.Sprintf("person%d@example.com", i), ToName: fmt.Sprintf("Person %d", i),
		Subject: fmt.Sprintf("Message %d", i), Text: "Hello.\n", HTML: "<p>Hello.</p>", CreatedAt: now,
	}
}

// enqueue stores msgs in one transaction and fails the test on error.
func enqueue(tb testing.TB, db *sqldb.DB, msgs ...notify.Message) {
	tb.Helper()
	err := db.InTx(context.Background(), func(tx *sqlx.Tx) error {
		for _, m := range msgs {
			if _, err := notify.Enqueue(context.Background(), tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func enqueueN(tb testing.TB, db *sqldb.DB, n int, now time.Time) {
	tb.Helper()
	msgs := make([]notify.Message, n)
	for i := range msgs {
		msgs[i] = testMessage(i, now)
	}
	enqueue(tb, db, msgs...)
}

func newDeliverer(tb testing.TB, db *sqldb.DB, sender notify.Sender, c *clock) *notify.Deliverer {
	tb.Helper()
	d, err := notify.NewDeliverer(db, sender, testConfig, c.Now, discard())
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func smtpSender(tb testing.TB, url string, tlsConfig *tls.Config) *notify.SMTPSender {
	tb.Helper()
	s, err := notify.NewSMTPSender(url, tlsConfig)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// statuses counts the outbox's messages by status.
func statuses(tb testing.TB, db *sqldb.DB) map[notify.Status]int {
	tb.Helper()
	var rows []struct {
		Status notify.Status `db:"status"`
		N      int           `db:"n"`
	}
	if err := db.Select(&rows, `SELECT status, COUNT(*) AS n FROM outbox GROUP BY status`); err != nil {
		tb.Fatal(err)
	}
	out := map[notify.Status]int{}
	for _, r := range rows {
		out[r.Status] = r.N
	}
	return out
}

// smtpServer is a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 that keeps what it receives.
type smtpServer struct {
	addr string
	srv  *smtp.Server

	mu       sync.Mutex
	messages []receivedMessage
	refuse   error  // returned from DATA while set
	user     string // when set, MAIL FROM needs AUTH PLAIN with user and pass
	pass     string
}

type receivedMessage struct {
	From string
	To   []string
	Data []byte
}

type serverOption func(*smtpServer)

// withAuth makes the server require AUTH PLAIN.
func withAuth(user, pass string) serverOption {
	return func(s *smtpServer) { s.user, s.pass = user, pass }
}

// startSMTP starts a server on addr ("127.0.0.1:0" for any port), stopped
// when tb ends. With tlsConfig set the server offers STARTTLS, or, when
// implicit is true, speaks TLS from the start.
func startSMTP(tb testing.TB, addr string, tlsConfig *tls.Config, implicit bool, opts ...serverOption) *smtpServer {
	tb.Helper()
	s := &smtpServer{}
	for _, opt := range opts {
		opt(s)
	}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{server: s}, nil
	}))
	s.srv.Domain = "mx.test"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	s.srv.ErrorLog = testLogger{tb}
	var (
		ln  net.Listener
		err error
	)
	if implicit {
		ln, err = tls.Listen("tcp", addr, tlsConfig)
	} else {
		s.srv.TLSConfig = tlsConfig
		ln, err = net.Listen("tcp", addr)
	}
	if err != nil {
		tb.Fatalf("listen for SMTP: %v", err)
	}
	s.addr = ln.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.srv.Serve(ln)
	}()
	tb.Cleanup(func() {
		s.srv.Close()
		<-done
	})
	return s
}

func (s *smtpServer) url(scheme string) string {
	if s.user != "" {
		return scheme + "://" + s.user + ":" + s.pass + "@" + s.addr
	}
	return scheme + "://" + s.addr
}

func (s *smtpServer) setRefuse(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = err
}

func (s *smtpServer) received() []receivedMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMessage(nil), s.messages...)
}

// countByMessageID counts the received messages per Message-ID header.
func (s *smtpServer) countByMessageID(tb testing.TB) map[string]int {
	tb.Helper()
	counts := map[string]int{}
	for _, m := range s.received() {
		msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			tb.Fatalf("read received message: %v", err)
		}
		counts[msg.Header.Get("Message-ID")]++
	}
	return counts
}

type smtpSession struct {
	server *smtpServer
	authed bool
	from   string
	to     []string
}

func (s *smtpSession) AuthMechanisms() []string {
	if s.server.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.server.user || pass != s.server.pass {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.server.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	if s.server.refuse != nil {
		return s.server.refuse
	}
	s.server.messages = append(s.server.messages, receivedMessage{From: s.from, To: s.to, Data: data})
	return nil
}

func (s *smtpSession) Reset()        { s.from, s.to = "", nil }
func (s *smtpSession) Logout() error { return nil }

var errTryLater = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}

type testLogger struct{ tb testing.TB }

func (l testLogger) Printf(format string, v ...any) { l.tb.Logf("smtp server: "+format, v...) }
func (l testLogger) Println(v ...any)               { l.tb.Log(append([]any{"smtp server:"}, v...)...) }

// selfSignedTLS returns a server config with a certificate for 127.0.0.1
// and a client config that trusts it.
func selfSignedTLS(tb testing.TB) (server, client *tls.Config) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool}
	return server, client
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
