package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	mail "github.com/wneessen/go-mail"
)

// Sender hands composed messages to a mail system.
//
// Send delivers msgs in order, over one connection where it can. A nil
// error means every message was accepted. Otherwise the messages for which
// msg.IsDelivered() reports true were accepted, those with a
// msg.SendError() were refused or failed, and the rest were not tried (the
// connection could not be made, or ctx ended: Send finishes the message in
// flight and starts no other once ctx is done). The Deliverer retries every
// message not accepted.
type Sender interface {
	Send(ctx context.Context, msgs []*mail.Msg) error
}

// eachSender is a Sender that reports each message as the server accepts
// it (SMTPSender does), so the Deliverer can mark it sent at once.
type eachSender interface {
	SendEach(ctx context.Context, msgs []*mail.Msg, accepted func(i int)) error
}

// SMTPSender sends messages through an SMTP server, one connection per
// batch. It is safe for concurrent use.
type SMTPSender struct {
	host    string
	port    int
	options []mail.Option
	display string // the URL without its password, for logs
}

// Default ports when SMTP_URL names none.
const (
	DefaultSMTPPort  = 587 // submission, with STARTTLS
	DefaultSMTPSPort = 465 // implicit TLS
)

// NewSMTPSender returns a sender for an SMTP_URL: smtp://user:pass@host:port
// upgrades the connection with STARTTLS when the server offers it, and
// smtps://… speaks TLS from the first byte. With a user in the URL the
// sender authenticates (PLAIN, else LOGIN, else the strongest the server
// offers), which go-mail refuses to do over an unencrypted connection
// except to localhost; without one it does not. tlsConfig may be nil for
// the system's roots; tests pass their own. It returns an error for a URL
// of another scheme, without a host, or with a bad port.
func NewSMTPSender(smtpURL string, tlsConfig *tls.Config) (*SMTPSender, error) {
	u, err := url.Parse(smtpURL)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL: %w", err)
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return nil, fmt.Errorf("SMTP_URL %s: scheme must be smtp or smtps", u.Redacted())
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("SMTP_URL %s: no host", u.Redacted())
	}
	port := DefaultSMTPPort
	if u.Scheme == "smtps" {
		port = DefaultSMTPSPort
	}
	if p := u.Port(); p != "" {
		port, err = strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return nil, fmt.Errorf("SMTP_URL %s: bad port %q", u.Redacted(), p)
		}
	}
	if tlsConfig == nil {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	} else {
		tlsConfig = tlsConfig.Clone()
	}
	if tlsConfig.ServerName == "" {
		tlsConfig.ServerName = host
	}
	options := []mail.Option{mail.WithPort(port), mail.WithTLSConfig(tlsConfig)}
	if u.Scheme == "smtps" {
		options = append(options, mail.WithSSL())
	} else {
		options = append(options, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if user := u.User.Username(); user != "" {
		password, _ := u.User.Password()
		options = append(options,
			mail.WithOpportunisticSMTPAuth(mail.SMTPAuthPlain, mail.SMTPAuthLogin),
			mail.WithUsername(user), mail.WithPassword(password))
	}
	return &SMTPSender{host: host, port: port, options: options, display: u.Redacted()}, nil
}

// String returns the server's URL without the password.
func (s *SMTPSender) String() string { return s.display }

// Send dials the server, sends msgs one after the other over that
// connection, and closes it; see Sender for what the error means. A message
// refused by the server does not stop the others.
func (s *SMTPSender) Send(ctx context.Context, msgs []*mail.Msg) error {
	return s.SendEach(ctx, msgs, func(int) {})
}

// SendEach is Send that calls accepted(i) as soon as the server has
// accepted msgs[i], before the next message goes, so the caller can record
// each one at once: a crash then resends at most the message in flight.
func (s *SMTPSender) SendEach(ctx context.Context, msgs []*mail.Msg, accepted func(i int)) error {
	// A client per batch: go-mail's Client keeps its connection in a field,
	// so one Client cannot serve two batches at once.
	client, err := mail.NewClient(s.host, s.options...)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", s.display, err)
	}
	if err := client.DialWithContext(ctx); err != nil {
		return fmt.Errorf("smtp %s: connect: %w", s.display, err)
	}
	var errs []error
	for i, msg := range msgs {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		if err := client.Send(msg); err != nil {
			errs = append(errs, err)
			continue
		}
		accepted(i)
	}
	if err := client.Close(); err != nil && !allDelivered(msgs) {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("smtp %s: %w", s.display, errors.Join(errs...))
	}
	return nil
}

func allDelivered(msgs []*mail.Msg) bool {
	for _, msg := range msgs {
		if !msg.IsDelivered() {
			return false
		}
	}
	return true
}
