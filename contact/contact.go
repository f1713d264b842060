// Package contact checks the contact details people type into Roster.
package contact

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// ValidEmail reports whether s is a single plain address (no display name,
// no CR/LF), at most 254 bytes.
func ValidEmail(s string) bool {
	if s == "" || len(s) > 254 || strings.ContainsAny(s, "\r\n\x00<> ") || !utf8.ValidString(s) {
		return false
	}
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}
