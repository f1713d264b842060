package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/jmoiron/sqlx"

	"github.com/roster-app/roster/notify"
	"github.com/roster-app/roster/sqldb"
)

// mailConfig is what the mail scenario runs.
type mailConfig struct {
	DatabaseURL string `json:"-"` // may hold a password; the command line shows it redacted
	Messages    int    `json:"messages"`
	// Batch is the Deliverer's BatchSize: messages per claim and per SMTP
	// connection.
	Batch int `json:"batch"`
	// Workers is how many Deliverers drain the outbox at once, as several
	// server processes would; roster serve runs one.
	Workers int          `json:"workers"`
	Timeout span         `json:"timeout"`
	Log     *slog.Logger `json:"-"` // the Deliverers' and the sink's warnings; nil discards them
}

func (c *mailConfig) validate() error {
	if c.Batch == 0 {
		c.Batch = notify.DefaultBatchSize
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	var errs []error
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("--database-url (or $DATABASE_URL) is required"))
	} else if err := checkDatabaseURL(c.DatabaseURL); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(append(errs,
		inRange("-n", c.Messages, 1, maxMessages),
		inRange("--batch", c.Batch, 1, maxBatch),
		inRange("--workers", c.Workers, 1, maxWorkers),
		checkTimeout("--timeout", time.Duration(c.Timeout)))...)
}

// checkDatabaseURL refuses a PostgreSQL server on another machine; a
// SQLite file is local by nature.
func checkDatabaseURL(dsn string) error {
	if !sqldb.IsPostgresURL(dsn) {
		return nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("--database-url: %w", err)
	}
	hosts := []string{u.Hostname()}
	if h := u.Query().Get("host"); h != "" {
		hosts = append(hosts, h)
	}
	for _, h := range hosts {
		// No host means lib/pq's default, localhost; a path is a Unix socket.
		if h != "" && !strings.HasPrefix(h, "/") && !isLoopbackHost(h) {
			return fmt.Errorf("--database-url: host %q: %w", h, errNotLoopback)
		}
	}
	return nil
}

// errOutboxBusy is returned when the outbox holds messages of someone
// else: the scenario sends every due message to a sink that throws them
// away, so it runs only on an outbox with nothing waiting.
var errOutboxBusy = errors.New("the outbox has messages waiting to be sent, and this scenario would send them to a sink that discards them; use a database of its own (e.g. createdb load_mail)")

// mailResult is what a mail run measured.
type mailResult struct {
	Database  string  `json:"database"` // the dialect
	Messages  int     `json:"messages"`
	EnqueueMS float64 `json:"enqueue_ms"` // storing the messages, not timed in the rate
	// Sent is what the Deliverers report; Received what the sink accepted.
	Sent     int `json:"sent"`
	Received int `json:"received"`
	// Distinct counts this run's recipients that got at least one message;
	// Duplicates the extra copies any of them got.
	Distinct   int `json:"distinct"`
	Duplicates int `json:"duplicates"`
	// DurationMS is the drain: from the Deliverers' start until the last
	// message is recorded as sent.
	DurationMS     float64 `json:"duration_ms"`
	MessagesPerSec float64 `json:"messages_per_sec"`
	TimedOut       bool    `json:"timed_out"`
	Errors         samples `json:"errors,omitempty"`
	Verified       bool    `json:"verified"`
}

// runMail stores cfg.Messages messages in the outbox of the database at
// cfg.DatabaseURL (migrating it first), then times cfg.Workers
// notify.Deliverers with an SMTPSender draining them to an SMTP server of
// its own on 127.0.0.1 that counts and discards what it receives. The run
// is verified when every message reached the sink exactly once. It returns
// an error when the run could not be made: bad configuration, the database
// out of reach, or errOutboxBusy.
func runMail(ctx context.Context, cfg mailConfig) (mailResult, error) {
	if err := cfg.validate(); err != nil {
		return mailResult{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(cfg.Timeout))
	defer cancel()
	db, err := sqldb.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return mailResult{}, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return mailResult{}, err
	}
	outbox := notify.NewOutbox(db, time.Now)
	for _, status := range []notify.Status{notify.Pending, notify.Sending} {
		waiting, err := outbox.List(ctx, notify.Filter{Status: status, Limit: 1})
		if err != nil {
			return mailResult{}, err
		}
		if len(waiting) > 0 {
			return mailResult{}, errOutboxBusy
		}
	}
	sink, err := startSink(cfg.Log)
	if err != nil {
		return mailResult{}, err
	}
	defer sink.close()

	res := mailResult{Database: string(db.Dialect), Messages: cfg.Messages}
	runID := randomHex(4)
	began := time.Now()
	if err := enqueueMessages(ctx, db, runID, cfg.Messages); err != nil {
		return res, err
	}
	res.EnqueueMS = millis(time.Since(began))

	sender, err := notify.NewSMTPSender("smtp://"+sink.addr, nil)
	if err != nil {
		return res, err
	}
	mailCfg := notify.Config{BaseURL: "http://localhost", From: "Roster <no-reply@localhost>"}
	var (
		sent atomic.Int64
		wg   sync.WaitGroup
		mu   sync.Mutex
	)
	began = time.Now()
	for range cfg.Workers {
		d, err := notify.NewDeliverer(db, sender, mailCfg, time.Now, cfg.Log)
		if err != nil {
			return res, err
		}
		d.BatchSize = cfg.Batch
		wg.Add(1)
		go func() {
			defer wg.Done()
			for sent.Load() < int64(cfg.Messages) {
				n, err := d.RunOnce(ctx)
				sent.Add(int64(n))
				if err != nil {
					mu.Lock()
					res.Errors.add(err.Error())
					mu.Unlock()
					return
				}
				if n == 0 {
					return // nothing due: the rest failed and wait for a retry
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)

	res.Sent = int(sent.Load())
	res.DurationMS = millis(elapsed)
	res.MessagesPerSec = perSecond(res.Sent, elapsed)
	res.TimedOut = ctx.Err() != nil
	res.Received, res.Distinct, res.Duplicates = sink.tally(recipientPrefix(runID))
	res.Verified = !res.TimedOut && res.Sent == cfg.Messages && res.Received == cfg.Messages &&
		res.Distinct == cfg.Messages && res.Duplicates == 0
	return res, nil
}

// enqueueBatch is how many messages one transaction stores.
const enqueueBatch = 500

// enqueueMessages stores n messages, each to its own recipient and about
// the size of a booking confirmation.
func enqueueMessages(ctx context.Context, db *sqldb.DB, runID string, n int) error {
	now := time.Now()
	for first := 0; first < n; first += enqueueBatch {
		err := db.InTx(ctx, func(tx *sqlx.Tx) error {
			for i := first; i < min(first+enqueueBatch, n); i++ {
				m := notify.Message{
					DedupeKey: "rosterload:" + runID + ":" + strconv.Itoa(i), Kind: notify.KindCoachMessage,
					To: recipientPrefix(runID) + strconv.Itoa(i) + "@example.com", ToName: "Load Client " + strconv.Itoa(i),
					Subject: "Load test message " + strconv.Itoa(i), Text: loadText, HTML: loadHTML, CreatedAt: now,
				}
				if _, err := notify.Enqueue(ctx, tx, m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("enqueue messages: %w", err)
		}
	}
	return nil
}

func recipientPrefix(runID string) string { return "load-" + runID + "-" }

// The bodies of the load messages: about 1 kB of text and 3 kB of HTML, as
// a confirmation has.
var (
	loadText = strings.Repeat("Thank you for booking. This is a load test message from rosterload; it goes to a sink that discards it.\n", 10)
	loadHTML = "<html><body>" + strings.Repeat("<p>Thank you for booking. This is a <strong>load test</strong> message from rosterload; it goes to a sink that discards it.</p>\n", 24) + "</body></html>"
)

// sink is an SMTP server on 127.0.0.1 that accepts every message, throws
// its content away and counts it per recipient.
type sink struct {
	addr   string
	server *smtp.Server
	done   chan struct{}

	mu       sync.Mutex
	received int
	perRcpt  map[string]int
}

func startSink(log *slog.Logger) (*sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("SMTP sink: %w", err)
	}
	s := &sink{addr: ln.Addr().String(), done: make(chan struct{}), perRcpt: map[string]int{}}
	s.server = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{sink: s}, nil
	}))
	s.server.Domain = "localhost"
	s.server.ReadTimeout = requestTimeout
	s.server.WriteTimeout = requestTimeout
	s.server.MaxMessageBytes = 10 << 20
	s.server.ErrorLog = sinkLog{log}
	go func() {
		defer close(s.done)
		_ = s.server.Serve(ln) // returns once the server is closed; nothing to report
	}()
	return s, nil
}

func (s *sink) close() {
	s.server.Close()
	<-s.done
}

// tally returns how many messages the sink accepted, and among the
// recipients starting with prefix, how many got a message and how many
// extra copies they got.
func (s *sink) tally(prefix string) (received, distinct, duplicates int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for rcpt, n := range s.perRcpt {
		if strings.HasPrefix(rcpt, prefix) {
			distinct++
			duplicates += n - 1
		}
	}
	return s.received, distinct, duplicates
}

type sinkSession struct {
	sink  *sink
	rcpts []string
}

func (s *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }

func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	s.sink.mu.Lock()
	defer s.sink.mu.Unlock()
	s.sink.received++
	for _, rcpt := range s.rcpts {
		s.sink.perRcpt[rcpt]++
	}
	return nil
}

func (s *sinkSession) Reset()        { s.rcpts = nil }
func (s *sinkSession) Logout() error { return nil }

// sinkLog passes the SMTP server's complaints to slog.
type sinkLog struct{ log *slog.Logger }

func (l sinkLog) Printf(format string, v ...any) {
	l.log.Warn("smtp sink: " + fmt.Sprintf(format, v...))
}
func (l sinkLog) Println(v ...any) { l.log.Warn("smtp sink: " + fmt.Sprintln(v...)) }
