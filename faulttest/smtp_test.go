package faulttest

import (
	"bytes"
	"io"
	"net"
	netmail "net/mail"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// mailServer is a real SMTP server (github.com/emersion/go-smtp) in the
// test process that the test can take down, make refuse every message with
// a temporary error, slow down, or let accept.
type mailServer struct {
	t    *testing.T
	addr string // fixed after the first start, so roster's SMTP_URL stays valid
	user string // when set, AUTH PLAIN with user and pass is required
	pass string

	mu       sync.Mutex
	srv      *smtp.Server
	ln       net.Listener
	done     chan struct{}
	refuse   bool
	delay    time.Duration // before accepting each message
	received []mailMessage
	refused  int
}

// mailMessage is a message the server accepted.
type mailMessage struct {
	MessageID string
	Kind      string // X-Roster-Kind
	To        string // the last RCPT TO
	Rcpt      []string
	Header    netmail.Header
	Data      []byte
}

// startMail starts an accepting server on a free loopback port, stopped when
// the test ends. With user set it requires AUTH PLAIN.
func startMail(t *testing.T, user, pass string) *mailServer {
	t.Helper()
	m := &mailServer{t: t, addr: "127.0.0.1:0", user: user, pass: pass}
	m.up()
	t.Cleanup(m.down)
	return m
}

// url is the SMTP_URL that reaches the server.
func (m *mailServer) url() string {
	if m.user != "" {
		return "smtp://" + m.user + ":" + m.pass + "@" + m.addr
	}
	return "smtp://" + m.addr
}

// up (re)starts listening on the server's address.
func (m *mailServer) up() {
	m.t.Helper()
	ln, err := net.Listen("tcp", m.addr)
	if err != nil {
		m.t.Fatalf("SMTP listen on %s: %v", m.addr, err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &mailSession{server: m}, nil
	}))
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = quietLog{}
	done := make(chan struct{})
	m.mu.Lock()
	m.addr, m.srv, m.ln, m.done = ln.Addr().String(), srv, ln, done
	m.mu.Unlock()
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
}

// down stops listening and drops open connections: connections are
// refused until up.
func (m *mailServer) down() {
	m.mu.Lock()
	srv, ln, done := m.srv, m.ln, m.done
	m.srv = nil
	m.mu.Unlock()
	if srv == nil {
		return
	}
	// Closing the listener too stops a Serve that had not yet registered
	// it with the server when Close ran.
	ln.Close()
	srv.Close()
	<-done
}

// setRefuse makes the server answer every MAIL FROM with 451 (try again
// later), or accept again.
func (m *mailServer) setRefuse(refuse bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refuse = refuse
}

func (m *mailServer) setDelay(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.delay = d
}

// messages returns what the server accepted, in order.
func (m *mailServer) messages() []mailMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mailMessage(nil), m.received...)
}

func (m *mailServer) refusals() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.refused
}

// byMessageID counts accepted messages per Message-ID.
func (m *mailServer) byMessageID() map[string]int {
	counts := map[string]int{}
	for _, msg := range m.messages() {
		counts[msg.MessageID]++
	}
	return counts
}

type mailSession struct {
	server *mailServer
	authed bool
	rcpt   []string
}

var errTryLater = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}

func (s *mailSession) AuthMechanisms() []string {
	if s.server.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.server.user || pass != s.server.pass {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *mailSession) Mail(string, *smtp.MailOptions) error {
	if s.server.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	if s.server.refuse {
		s.server.refused++
		return errTryLater
	}
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpt = append(s.rcpt, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.server.mu.Lock()
	delay := s.server.delay
	s.server.mu.Unlock()
	time.Sleep(delay) // a slow server: keeps a batch in flight for the crash test
	msg := mailMessage{Rcpt: s.rcpt, Data: data}
	if len(s.rcpt) > 0 {
		msg.To = s.rcpt[len(s.rcpt)-1]
	}
	if parsed, err := netmail.ReadMessage(bytes.NewReader(data)); err == nil {
		msg.Header = parsed.Header
		msg.MessageID, msg.Kind = parsed.Header.Get("Message-ID"), parsed.Header.Get("X-Roster-Kind")
	}
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	s.server.received = append(s.server.received, msg)
	return nil
}

func (s *mailSession) Reset()        { s.rcpt = nil }
func (s *mailSession) Logout() error { return nil }

// quietLog drops go-smtp's own error log: connections a killed server
// leaves behind are expected here.
type quietLog struct{}

func (quietLog) Printf(string, ...any) {}
func (quietLog) Println(...any)        {}
