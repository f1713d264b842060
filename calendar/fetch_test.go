package calendar

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/roster-app/roster/fault"
)

const feedBody = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nEND:VCALENDAR\r\n"

// feedServer serves feedBody with an ETag and a Last-Modified date, honours
// the conditional headers, and has routes for the failure cases.
func feedServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var requests atomic.Int64
	const etag, modified = `"v1"`, "Mon, 01 Nov 2027 09:00:00 GMT"
	mux := http.NewServeMux()
	mux.HandleFunc("/basic.ics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", modified)
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == modified {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/calendar")
		fmt.Fprint(w, feedBody)
	})
	mux.HandleFunc("/agent.ics", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.Header.Get("User-Agent"))
	})
	mux.HandleFunc("/big.ics", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Repeat("X", 2048))
	})
	mux.HandleFunc("/big-streamed.ics", func(w http.ResponseWriter, r *http.Request) {
		chunk := strings.Repeat("X", 512)
		for range 8 { // flushing drops Content-Length: the limit must hold while reading
			fmt.Fprint(w, chunk)
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/missing.ics", http.NotFound)
	mux.HandleFunc("/hop/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/hop/"), "%d", &n)
		if n == 0 {
			fmt.Fprint(w, feedBody)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/slow.ics", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answers only when the client gives up
	})
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(server.Close)
	return server, &requests
}

func TestFeedFetcherFetch(t *testing.T) {
	server, _ := feedServer(t)
	tlsServer := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, feedBody)
	}))
	t.Cleanup(tlsServer.Close)
	webcal := "webcal://" + strings.TrimPrefix(tlsServer.URL, "https://") + "/basic.ics"
	tests := []struct {
		name                  string
		fetcher               FeedFetcher
		url                   string
		etag, lastModified    string
		wantBody              string
		wantNotModified       bool
		wantETag, wantLastMod string
		wantErr               error
		wantMessage           string
	}{
		{name: "a feed is fetched with its validators", url: server.URL + "/basic.ics",
			wantBody: feedBody, wantETag: `"v1"`, wantLastMod: "Mon, 01 Nov 2027 09:00:00 GMT"},
		{name: "a matching ETag answers not modified", url: server.URL + "/basic.ics", etag: `"v1"`,
			wantNotModified: true, wantETag: `"v1"`, wantLastMod: "Mon, 01 Nov 2027 09:00:00 GMT"},
		{name: "a matching Last-Modified answers not modified", url: server.URL + "/basic.ics",
			lastModified:    "Mon, 01 Nov 2027 09:00:00 GMT",
			wantNotModified: true, wantETag: `"v1"`, wantLastMod: "Mon, 01 Nov 2027 09:00:00 GMT"},
		{name: "a stale ETag gets the whole feed", url: server.URL + "/basic.ics", etag: `"v0"`,
			wantBody: feedBody, wantETag: `"v1"`, wantLastMod: "Mon, 01 Nov 2027 09:00:00 GMT"},
		{name: "the user agent is sent", url: server.URL + "/agent.ics", wantBody: DefaultFeedUserAgent},
		{name: "three redirects are followed", url: server.URL + "/hop/3", wantBody: feedBody},
		{name: "a fourth redirect is refused", url: server.URL + "/hop/4",
			wantErr: ErrFeedRedirects, wantMessage: "the feed redirected more than 3 times"},
		{name: "a 404 is reported with its status", url: server.URL + "/missing.ics",
			wantErr: ErrFeedStatus, wantMessage: "the feed answered 404 Not Found"},
		{name: "a body over the limit is refused by its Content-Length", url: server.URL + "/big.ics",
			fetcher: FeedFetcher{MaxBytes: 1 << 10},
			wantErr: ErrFeedTooLarge, wantMessage: "the feed is larger than 1 KiB"},
		{name: "a streamed body over the limit is refused while reading", url: server.URL + "/big-streamed.ics",
			fetcher: FeedFetcher{MaxBytes: 1 << 10},
			wantErr: ErrFeedTooLarge, wantMessage: "the feed is larger than 1 KiB"},
		{name: "a feed that does not answer times out", url: server.URL + "/slow.ics",
			fetcher: FeedFetcher{Timeout: 100 * time.Millisecond},
			wantErr: ErrFeedUnreachable, wantMessage: "the feed did not answer within 100ms"},
		{name: "a webcal address is fetched over https", url: webcal,
			fetcher: FeedFetcher{Client: tlsServer.Client()}, wantBody: feedBody},
		{name: "an ftp address is refused", url: "ftp://example.com/feed.ics",
			wantErr: ErrFeedAddress, wantMessage: "the feed address must start with https://, http:// or webcal://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fetcher := tt.fetcher
			fetcher.AllowPrivate = true
			got, err := fetcher.Fetch(context.Background(), tt.url, tt.etag, tt.lastModified)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if err.Error() != tt.wantMessage {
					t.Errorf("message = %q, want %q", err.Error(), tt.wantMessage)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if string(got.Body) != tt.wantBody || got.NotModified != tt.wantNotModified ||
				got.ETag != tt.wantETag || got.LastModified != tt.wantLastMod {
				t.Errorf("got body %q not-modified %v etag %q last-modified %q, want %q %v %q %q",
					got.Body, got.NotModified, got.ETag, got.LastModified,
					tt.wantBody, tt.wantNotModified, tt.wantETag, tt.wantLastMod)
			}
		})
	}
}

func TestFeedFetcherRefusesPrivateAddresses(t *testing.T) {
	server, requests := feedServer(t)
	port := server.Listener.Addr().(*net.TCPAddr).Port
	// A redirector on 127.0.0.2 stands in for a public host: the fetcher
	// of that case refuses 127.0.0.1 only (all of 127/8 is loopback on
	// Linux, so both are reachable without a network).
	listener, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.2: %v", err)
	}
	redirector := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, server.URL+"/basic.ics", http.StatusFound)
	}))
	redirector.Listener.Close()
	redirector.Listener = listener
	redirector.Start()
	t.Cleanup(redirector.Close)
	onlyServer := FeedFetcher{isBlocked: func(addr netip.Addr) bool { return addr == netip.MustParseAddr("127.0.0.1") }}

	tests := []struct {
		name    string
		url     string
		fetcher FeedFetcher
	}{
		{name: "a loopback IP", url: server.URL + "/basic.ics"},
		{name: "a host name resolving to loopback", url: fmt.Sprintf("http://localhost:%d/basic.ics", port)},
		{name: "an IPv4-mapped IPv6 loopback", url: fmt.Sprintf("http://[::ffff:127.0.0.1]:%d/basic.ics", port)},
		{name: "a redirect to a loopback IP", url: redirector.URL + "/feed.ics", fetcher: onlyServer},
		{name: "the cloud metadata address", url: "http://169.254.169.254/latest/meta-data/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := requests.Load()
			_, err := tt.fetcher.Fetch(context.Background(), tt.url, "", "")
			if !errors.Is(err, ErrFeedAddress) {
				t.Fatalf("err = %v, want ErrFeedAddress", err)
			}
			if want := "the feed address resolves to a private network address"; err.Error() != want {
				t.Errorf("message = %q, want %q", err.Error(), want)
			}
			if after := requests.Load(); after != before {
				t.Errorf("the private server got %d requests", after-before)
			}
		})
	}
	t.Run("the redirector itself is reachable when the feed is not private", func(t *testing.T) {
		fetcher := onlyServer
		fetcher.isBlocked = func(netip.Addr) bool { return false }
		if _, err := fetcher.Fetch(context.Background(), redirector.URL+"/feed.ics", "", ""); err != nil {
			t.Fatalf("Fetch: %v", err)
		}
	})
}

func TestValidateFeedURL(t *testing.T) {
	tests := []struct {
		name         string
		url          string
		allowPrivate bool
		wantMessage  string // "" means valid
	}{
		{name: "a Google secret address", url: "https://calendar.google.com/calendar/ical/james%40example.com/private-0123abcd/basic.ics"},
		{name: "an iCloud webcal address", url: "webcal://p42-caldav.icloud.com/published/2/MTIzNDU2"},
		{name: "an Outlook address", url: "https://outlook.office365.com/owa/calendar/abc@example.com/def/calendar.ics"},
		{name: "an empty address", url: " ", wantMessage: "the feed address is empty"},
		{name: "another scheme", url: "file:///etc/passwd", wantMessage: "the feed address must start with https://, http:// or webcal://"},
		{name: "no host", url: "https:///basic.ics", wantMessage: "the feed address has no host name"},
		{name: "a password in the address", url: "https://james:secret@example.com/basic.ics", wantMessage: "the feed address must not contain a user name or password"},
		{name: "a loopback IP", url: "http://127.0.0.1:8080/basic.ics", wantMessage: msgPrivateAddress},
		{name: "localhost", url: "http://localhost/basic.ics", wantMessage: msgPrivateAddress},
		{name: "a private IP", url: "https://10.1.2.3/basic.ics", wantMessage: msgPrivateAddress},
		{name: "a CGNAT IP", url: "https://100.64.0.1/basic.ics", wantMessage: msgPrivateAddress},
		{name: "an IPv6 unique local address", url: "https://[fd00::1]/basic.ics", wantMessage: msgPrivateAddress},
		{name: "a link-local IPv6 address", url: "https://[fe80::1%25eth0]/basic.ics", wantMessage: msgPrivateAddress},
		{name: "the cloud metadata address", url: "http://169.254.169.254/", wantMessage: msgPrivateAddress},
		{name: "a loopback IP when private feeds are allowed", url: "http://127.0.0.1:8080/basic.ics", allowPrivate: true},
		{name: "a public IP", url: "https://93.184.215.14/basic.ics"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateFeedURL(tt.url, tt.allowPrivate)
			if tt.wantMessage == "" {
				if err != nil {
					t.Fatalf("ValidateFeedURL: %v", err)
				}
				return
			}
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("err = %v, want a fault.Invalid", err)
			}
			var fe *fault.Error
			if errors.As(err, &fe); fe.Message != tt.wantMessage {
				t.Errorf("message = %q, want %q", fe.Message, tt.wantMessage)
			}
		})
	}
}

func TestBlockedAddress(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1", true}, {"::1", true}, {"10.0.0.1", true}, {"172.16.0.1", true},
		{"172.31.255.255", true}, {"192.168.1.1", true}, {"fc00::1", true}, {"fd12::1", true},
		{"169.254.169.254", true}, {"fe80::1", true}, {"0.0.0.0", true}, {"::", true},
		{"224.0.0.1", true}, {"ff02::1", true}, {"100.64.0.1", true}, {"100.127.255.255", true},
		{"255.255.255.255", true}, {"::ffff:10.0.0.1", true}, {"64:ff9b::a00:1", true},
		{"8.8.8.8", false}, {"172.32.0.1", false}, {"100.128.0.1", false},
		{"2001:4860:4860::8888", false}, {"64:ff9b::808:808", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := blockedAddress(netip.MustParseAddr(tt.addr)); got != tt.want {
				t.Errorf("blockedAddress(%s) = %v, want %v", tt.addr, got, tt.want)
			}
		})
	}
}
