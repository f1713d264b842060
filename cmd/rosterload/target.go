package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// errNotLoopback is returned for a target outside this machine: rosterload
// generates load only against a server on the machine it runs on.
var errNotLoopback = errors.New("rosterload only targets loopback addresses (127.0.0.0/8, ::1, localhost)")

// requestTimeout bounds each request, so a stuck server cannot hold a run
// past its time limit by more than this.
const requestTimeout = 30 * time.Second

// checkBase parses a base URL such as http://127.0.0.1:8080 and returns it
// without a trailing slash. It returns errNotLoopback unless the host is
// localhost or a loopback IP literal; names are not resolved, so a name
// that happens to point at 127.0.0.1 is refused too.
func checkBase(raw string) (string, error) {
	if raw == "" {
		return "", errors.New("--base is required, e.g. http://127.0.0.1:8080")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("--base %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("--base %q: scheme must be http or https", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("--base %q: give scheme, host, port and path only", raw)
	}
	if !isLoopbackHost(u.Hostname()) {
		return "", fmt.Errorf("--base %q: %w", raw, errNotLoopback)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// isLoopbackHost reports whether host (without a port) is localhost or a
// loopback IP literal.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackOnly is a net.Dialer Control function: it runs after names are
// resolved and before each connection is made, and refuses any address
// that is not loopback. It is the second half of the guard: whatever
// localhost resolves to, and wherever a redirect or a proxy setting points,
// no connection leaves the machine.
func loopbackOnly(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("dial %s %s: %w", network, address, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("dial %s: %w", address, errNotLoopback)
	}
	return nil
}

// newDialer returns a dialer that connects to loopback addresses only.
func newDialer() *net.Dialer {
	return &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: loopbackOnly}
}

// newHTTPClient returns a client for clients concurrent users: one shared
// transport that keeps a connection alive per user (at most clients
// connections, all of them reusable), without compression, proxies or
// redirects, so every measured request is exactly one round trip to the
// target.
func newHTTPClient(clients int) *http.Client {
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         newDialer().DialContext,
		MaxIdleConns:        clients,
		MaxIdleConnsPerHost: clients,
		MaxConnsPerHost:     clients,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{
		Transport:     transport,
		Timeout:       requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// warmUp opens the connection a client will use by sending one request
// whose answer is not measured; any status will do.
func warmUp(ctx context.Context, c *http.Client, target string) error {
	if _, _, err := fetch(ctx, c, http.MethodGet, target, "", nil, false); err != nil {
		return fmt.Errorf("warm-up request: %w", err)
	}
	return nil
}
