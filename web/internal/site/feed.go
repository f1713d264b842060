package site

import "strings"

// FeedURL is the webcal:// address calendar apps subscribe to.
func (s *Site) FeedURL(token string) string {
	base := strings.TrimPrefix(strings.TrimPrefix(s.BaseURL, "https://"), "http://")
	return "webcal://" + base + "/coaches/feed.ics?token=" + token
}
