package pagecache

import (
	"bytes"
	"crypto/rand"
	"io"
	"sync"
)

// Page is a rendered page with one hole in it for a value that must
// differ from one response to the next (a form's one-time token). The
// bytes around the hole are rendered once and shared by every response;
// each response writes them with its own value in the hole, a splice of
// bytes, not a new rendering.
//
// The hole is found by a marker that is random for each rendering
// (NewMarker), never by a fixed placeholder: an event titled with a fixed
// placeholder once took the token's place, so that every visitor got the
// same token. Nothing that goes into a page (a coach's text, a query) can
// know a marker made after it was written, and Cut refuses a page in which
// the marker is not exactly once.
type Page struct {
	head, tail []byte
}

// NewMarker returns a new random marker, 26 characters of base32 (A–Z,
// 2–7: 130 bits), which HTML escaping leaves as it is, to be rendered
// where the page's hole goes and passed to Cut.
func NewMarker() string { return rand.Text() }

// Cut returns body with a hole where marker is. ok is false when marker
// is not in body exactly once; the page must then be rendered for each
// response instead. Page keeps body: the caller must not change it.
func Cut(body []byte, marker string) (p Page, ok bool) {
	if marker == "" || bytes.Count(body, []byte(marker)) != 1 {
		return Page{}, false
	}
	at := bytes.Index(body, []byte(marker))
	return Page{head: body[:at:at], tail: body[at+len(marker):]}, true
}

// Size is the length in bytes of the page with value in its hole.
func (p Page) Size(value string) int { return len(p.head) + len(value) + len(p.tail) }

// Write writes the page to w with value in its hole, in one call of
// w.Write (a writer that buffers the response, as http.TimeoutHandler
// does, then grows its buffer once). value is written as given: the
// caller escapes it for where the hole is (a token of URL-safe base64
// needs no escaping in an HTML attribute).
func (p Page) Write(w io.Writer, value string) error {
	buf := buffers.Get().(*[]byte)
	defer buffers.Put(buf)
	*buf = append(append(append((*buf)[:0], p.head...), value...), p.tail...)
	_, err := w.Write(*buf)
	return err
}

// buffers are the pages being written, kept between responses so that a
// response costs no allocation of its own size.
var buffers = sync.Pool{New: func() any { return new([]byte) }}
