package calendar

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Defaults for the zero fields of a FeedFetcher.
const (
	DefaultFeedMaxBytes  = 5 << 20 // 5 MiB: a busy year of a Google calendar is well under 1 MiB
	DefaultFeedTimeout   = 30 * time.Second
	DefaultFeedUserAgent = "Roster busy-feed reader"
	maxFeedRedirects     = 3
)

// FeedFetcher downloads coaches' busy feeds. The zero value is ready to use
// and refuses private addresses; it holds no state between fetches, so one
// value may serve many goroutines.
type FeedFetcher struct {
	// Client is optional. Its Timeout, Jar and Transport settings (TLS, for
	// instance) are kept, but Fetch always dials through its own address
	// check, ignores any proxy (a proxy would be dialled instead of the feed,
	// hiding its address) and applies its own redirect limit. A Transport
	// that is not an *http.Transport is refused unless AllowPrivate.
	Client *http.Client
	// AllowPrivate lets feeds on loopback and private addresses through:
	// for tests and self-hosters on one network (--allow-private-feeds).
	AllowPrivate bool
	MaxBytes     int64         // largest body accepted; 0 means DefaultFeedMaxBytes
	Timeout      time.Duration // for the whole fetch, body included; 0 means DefaultFeedTimeout
	UserAgent    string        // "" means DefaultFeedUserAgent

	// isBlocked replaces blockedAddress in tests that need one loopback
	// address to stand in for a public host.
	isBlocked func(netip.Addr) bool
}

// FeedResult is a fetched feed. When NotModified is true the feed answered
// 304 to the validators given, Body is nil and the caller keeps what it has.
type FeedResult struct {
	Body         []byte
	ETag         string // the ETag header, to pass to the next Fetch
	LastModified string // the Last-Modified header, likewise
	NotModified  bool
}

// Fetch downloads the feed at rawURL (http, https, or webcal read as
// https). A non-empty etag or lastModified (from an earlier FeedResult)
// makes the request conditional.
//
// Every address Fetch connects to, including after a redirect and whatever
// DNS answers at that moment, is checked when it is dialled: loopback,
// private, link-local, CGNAT and other internal addresses are refused
// unless AllowPrivate (see blockedAddress).
//
// Errors are *FeedError values whose messages a coach can read; their
// Problem is ErrFeedAddress (bad URL or refused address), ErrFeedUnreachable
// (DNS, connection, TLS, timeout, or ctx ending: then errors.Is(err,
// ctx.Err()) holds too), ErrFeedRedirects (more than 3), ErrFeedStatus
// (anything but 2xx or 304) or ErrFeedTooLarge (more than MaxBytes; the
// body is not read past the limit).
func (f FeedFetcher) Fetch(ctx context.Context, rawURL string, etag, lastModified string) (FeedResult, error) {
	target, err := parseFeedURL(rawURL)
	if err != nil {
		return FeedResult{}, err
	}
	client, err := f.client()
	if err != nil {
		return FeedResult{}, err
	}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, f.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return FeedResult{}, &FeedError{Problem: ErrFeedAddress, Message: "the feed address is not a valid URL", Err: err}
	}
	req.Header.Set("User-Agent", f.userAgent())
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	if lastModified != "" {
		req.Header.Set("If-Modified-Since", lastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		return FeedResult{}, f.requestError(ctx, err)
	}
	defer resp.Body.Close()
	result := FeedResult{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		result.NotModified = true
		if result.ETag == "" {
			result.ETag = etag
		}
		if result.LastModified == "" {
			result.LastModified = lastModified
		}
		return result, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return FeedResult{}, &FeedError{Problem: ErrFeedStatus,
			Message: fmt.Sprintf("the feed answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))}
	}
	result.Body, err = f.readBody(ctx, resp)
	if err != nil {
		return FeedResult{}, err
	}
	return result, nil
}

// readBody reads at most MaxBytes, refusing a larger body as soon as its
// Content-Length or its bytes show it.
func (f FeedFetcher) readBody(ctx context.Context, resp *http.Response) ([]byte, error) {
	limit := f.maxBytes()
	tooLarge := &FeedError{Problem: ErrFeedTooLarge, Message: "the feed is larger than " + formatBytes(limit)}
	if resp.ContentLength > limit {
		return nil, tooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, f.requestError(ctx, err)
	}
	if int64(len(body)) > limit {
		return nil, tooLarge
	}
	return body, nil
}

// requestError words a failed request for the coach.
func (f FeedFetcher) requestError(ctx context.Context, err error) error {
	var refused *refusedAddressError
	var feedErr *FeedError
	switch {
	case errors.As(err, &feedErr): // from CheckRedirect
		return feedErr
	case errors.As(err, &refused):
		return &FeedError{Problem: ErrFeedAddress, Message: msgPrivateAddress, Err: refused}
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &FeedError{Problem: ErrFeedUnreachable,
			Message: fmt.Sprintf("the feed did not answer within %s", f.timeout()), Err: ctx.Err()}
	case ctx.Err() != nil:
		return &FeedError{Problem: ErrFeedUnreachable, Message: "the feed fetch was cancelled", Err: ctx.Err()}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &FeedError{Problem: ErrFeedUnreachable, Message: "the feed's host name was not found", Err: dnsErr}
	}
	// The cause goes to logs: drop the *url.Error around it, whose text
	// holds the feed's (secret) address.
	cause := err
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		cause = urlErr.Err
	}
	return &FeedError{Problem: ErrFeedUnreachable, Message: "the feed could not be reached", Err: cause}
}

// client returns the HTTP client of one fetch, dialling through the address
// check; its idle connections are closed when the fetch ends.
func (f FeedFetcher) client() (*http.Client, error) {
	client := &http.Client{}
	if f.Client != nil {
		*client = *f.Client
	}
	var transport *http.Transport
	switch base := client.Transport.(type) {
	case nil:
		transport = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		transport = base.Clone()
	default:
		if !f.AllowPrivate {
			return nil, fmt.Errorf("calendar: feed fetcher: transport %T cannot be guarded against private addresses", base)
		}
	}
	if transport != nil {
		dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
		if !f.AllowPrivate {
			dialer.Control = f.refusePrivate
			transport.Proxy = nil
		}
		transport.DialContext = dialer.DialContext
		transport.DialTLSContext = nil
		client.Transport = transport
	}
	client.CheckRedirect = checkFeedRedirect
	return client, nil
}

// checkFeedRedirect follows at most maxFeedRedirects redirects, to http or
// https only; the dialler checks where each one leads.
func checkFeedRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxFeedRedirects {
		return &FeedError{Problem: ErrFeedRedirects,
			Message: fmt.Sprintf("the feed redirected more than %d times", maxFeedRedirects)}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &FeedError{Problem: ErrFeedAddress, Message: "the feed redirected to an address that is not http or https"}
	}
	return nil
}

// refusedAddressError is what refusePrivate returns for an address it
// refuses; it says which address, for logs.
type refusedAddressError struct{ address string }

func (e *refusedAddressError) Error() string {
	return "calendar: refused to dial internal address " + e.address
}

// refusePrivate is a net.Dialer Control function: it runs after DNS, on the
// very address about to be dialled, so neither a name resolving to a
// private address nor a redirect to one gets through.
func (f FeedFetcher) refusePrivate(network, address string, _ syscall.RawConn) error {
	blocked := blockedAddress
	if f.isBlocked != nil {
		blocked = f.isBlocked
	}
	addrPort, err := netip.ParseAddrPort(address)
	if err != nil || blocked(addrPort.Addr()) {
		return &refusedAddressError{address: address}
	}
	return nil
}

func (f FeedFetcher) maxBytes() int64 {
	if f.MaxBytes > 0 {
		return f.MaxBytes
	}
	return DefaultFeedMaxBytes
}

func (f FeedFetcher) timeout() time.Duration {
	if f.Timeout > 0 {
		return f.Timeout
	}
	return DefaultFeedTimeout
}

func (f FeedFetcher) userAgent() string {
	if f.UserAgent != "" {
		return f.UserAgent
	}
	return DefaultFeedUserAgent
}

// formatBytes writes a size limit the way a coach would: "5 MiB", "512 KiB".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
