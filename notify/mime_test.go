package notify_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"testing"
)

// mimePart is a leaf of a MIME tree, with the chain of multipart types
// above it ("multipart/mixed > multipart/alternative").
type mimePart struct {
	Path        string
	MediaType   string
	Params      map[string]string
	Disposition string
	Filename    string
	Body        []byte // transfer-decoded
}

// parseMessage reads a raw message into its header and its leaf parts, in
// order.
func parseMessage(tb testing.TB, raw []byte) (netmail.Header, []mimePart) {
	tb.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		tb.Fatalf("read message: %v", err)
	}
	var parts []mimePart
	var walk func(path, contentType, encoding, disposition string, body io.Reader)
	walk = func(path, contentType, encoding, disposition string, body io.Reader) {
		mediaType, params, err := mime.ParseMediaType(contentType)
		if err != nil {
			tb.Fatalf("content type %q: %v", contentType, err)
		}
		if strings.HasPrefix(mediaType, "multipart/") {
			reader := multipart.NewReader(body, params["boundary"])
			for {
				p, err := reader.NextPart()
				if errors.Is(err, io.EOF) {
					return
				}
				if err != nil {
					tb.Fatalf("next part of %s: %v", mediaType, err)
				}
				walk(strings.TrimPrefix(path+" > "+mediaType, " > "), p.Header.Get("Content-Type"),
					p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p)
			}
		}
		data, err := io.ReadAll(body)
		if err != nil {
			tb.Fatalf("read %s: %v", mediaType, err)
		}
		if strings.EqualFold(encoding, "quoted-printable") {
			data, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(data)))
			if err != nil {
				tb.Fatalf("decode %s: %v", mediaType, err)
			}
		}
		if strings.EqualFold(encoding, "base64") {
			data, err = base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(data)))
			if err != nil {
				tb.Fatalf("decode %s: %v", mediaType, err)
			}
		}
		part := mimePart{Path: path, MediaType: mediaType, Params: params, Body: data}
		if disposition != "" {
			d, dparams, err := mime.ParseMediaType(disposition)
			if err != nil {
				tb.Fatalf("disposition %q: %v", disposition, err)
			}
			part.Disposition, part.Filename = d, dparams["filename"]
		}
		parts = append(parts, part)
	}
	walk("", msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body)
	return msg.Header, parts
}

func findPart(parts []mimePart, mediaType string) (mimePart, bool) {
	for _, p := range parts {
		if p.MediaType == mediaType {
			return p, true
		}
	}
	return mimePart{}, false
}
