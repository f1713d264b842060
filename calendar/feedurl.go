package calendar

import (
	"net/netip"
	"net/url"
	"strings"

	"github.com/roster-app/roster/fault"
)

// maxFeedURLLength bounds a feed address; real secret links are under 300
// characters.
const maxFeedURLLength = 2048

// ValidateFeedURL checks a busy-feed address as a coach saves it: http,
// https or webcal (read as https), a host, no user name or password (the
// secret links of Google, Outlook and iCloud carry none, and a password in
// a URL would end up in logs), at most 2,048 characters. Unless
// allowPrivate, a host that is literally a loopback, private, link-local or
// otherwise internal address, or "localhost", is refused too; names that
// resolve to such addresses are caught when the feed is fetched, by
// FeedFetcher. It returns a *fault.Error with code fault.Invalid whose
// message is meant for the coach.
func ValidateFeedURL(raw string, allowPrivate bool) error {
	target, err := parseFeedURL(raw)
	if err != nil {
		return fault.New(fault.Invalid, "%s", err.Error())
	}
	if allowPrivate {
		return nil
	}
	host := strings.ToLower(strings.TrimSuffix(target.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return fault.New(fault.Invalid, "%s", msgPrivateAddress)
	}
	if addr, err := netip.ParseAddr(host); err == nil && blockedAddress(addr) {
		return fault.New(fault.Invalid, "%s", msgPrivateAddress)
	}
	return nil
}

const msgPrivateAddress = "the feed address resolves to a private network address"

// parseFeedURL parses and normalises a feed address (webcal:// and
// webcals:// become https://), returning a *FeedError (ErrFeedAddress) if it
// is not one Roster will fetch.
func parseFeedURL(raw string) (*url.URL, error) {
	refuse := func(message string) error {
		return &FeedError{Problem: ErrFeedAddress, Message: message}
	}
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return nil, refuse("the feed address is empty")
	case len(raw) > maxFeedURLLength:
		return nil, refuse("the feed address is longer than 2048 characters")
	}
	target, err := url.Parse(raw)
	if err != nil {
		return nil, refuse("the feed address is not a valid URL")
	}
	switch strings.ToLower(target.Scheme) {
	case "http", "https":
		target.Scheme = strings.ToLower(target.Scheme)
	case "webcal", "webcals":
		target.Scheme = "https"
	default:
		return nil, refuse("the feed address must start with https://, http:// or webcal://")
	}
	switch {
	case target.Hostname() == "":
		return nil, refuse("the feed address has no host name")
	case target.User != nil:
		return nil, refuse("the feed address must not contain a user name or password")
	}
	return target, nil
}

// internalPrefixes are the ranges blockedAddress refuses beyond what
// netip.Addr's own predicates name.
var internalPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and the broadcast address
	netip.MustParsePrefix("fec0::/10"),      // deprecated site-local
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
}

// nat64 is the well-known NAT64 prefix: its addresses reach the IPv4
// address in their last 32 bits, which is checked in turn.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// blockedAddress reports whether a feed must not be fetched from addr:
// loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
// (169.254/16, which holds cloud metadata services, and fe80::/10),
// unspecified, multicast, CGNAT (100.64/10) and the other internal ranges
// above, also when written as IPv4-mapped IPv6 or NAT64.
func blockedAddress(addr netip.Addr) bool {
	addr = addr.Unmap()
	if addr.Is6() && nat64.Contains(addr) {
		raw := addr.As16()
		addr = netip.AddrFrom4([4]byte(raw[12:]))
	}
	if addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() ||
		addr.IsUnspecified() || addr.IsMulticast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || !addr.IsValid() {
		return true
	}
	for _, prefix := range internalPrefixes {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}
