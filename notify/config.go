package notify

import (
	"fmt"
	netmail "net/mail"
	"net/url"
	"strings"
)

// Config is what every part of notify needs to know about the site.
type Config struct {
	// BaseURL is the public URL of the site (ROSTER_BASE_URL). Links in
	// messages start with it; its host names the Message-IDs of emails and
	// the UIDs of calendar invites.
	BaseURL string
	// From is the sender of every email (MAIL_FROM), with or without a
	// display name: "Roster <no-reply@localhost>".
	From string
}

// site is a checked Config.
type site struct {
	baseURL string // without a trailing slash
	host    string // the BaseURL's host name, without a port
	from    netmail.Address
}

// parse checks the config: BaseURL must be an absolute http(s) URL and
// From a single address.
func (c Config) parse() (site, error) {
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return site{}, fmt.Errorf("notify: base URL %q is not an absolute http(s) URL", c.BaseURL)
	}
	from, err := netmail.ParseAddress(c.From)
	if err != nil || hasControl(c.From) {
		return site{}, fmt.Errorf("notify: mail from %q is not an address such as \"Roster <no-reply@example.com>\"", c.From)
	}
	return site{
		baseURL: strings.TrimRight(c.BaseURL, "/"),
		host:    strings.ToLower(u.Hostname()),
		from:    *from,
	}, nil
}

// eventURL is the public page of an event.
func (s site) eventURL(slug string) string {
	return s.baseURL + "/events/" + url.PathEscape(slug)
}
