// Package secret makes and checks the random tokens Roster hands out
// (manage links, API and feed tokens, login cookies, waitlist claims):
// only their hashes are stored, and hashes are compared in constant time.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// RandomString returns n random bytes as unpadded URL-safe base64 (so 8n
// bits of entropy in about 4n/3 characters).
func RandomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash returns the hex SHA-256 of a token, the form in which tokens are
// stored and looked up.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Equal reports whether a and b are the same, taking time that depends
// only on their lengths, so a stored hash cannot be guessed byte by byte.
func Equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
